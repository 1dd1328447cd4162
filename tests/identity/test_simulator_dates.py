"""The simulator shows and takes birth dates day first (dd/mm/yyyy), as the rest of the site does."""

import pytest

from chinhquyen.identity.simulator.forms import PersonForm

from .helpers import start

pytestmark = pytest.mark.django_db


def test_the_demo_people_are_shown_with_their_birth_dates_day_first(client):
    html = client.get(start(client)).content.decode()

    assert '<time datetime="1990-03-15">15/03/1990</time>' in html
    assert ">1990-03-15<" not in html


@pytest.mark.parametrize("typed", ["05/03/1990", "05-03-1990", "1990-03-05"], ids=["slashes", "dashes", "picker"])
def test_a_typed_birth_date_is_read_day_first(typed):
    form = PersonForm(data={"personal_id": "037090005678", "name": "Phạm Thị Hoa", "birthdate": typed})

    assert form.is_valid(), form.errors
    assert form.person().birthdate == "1990-03-05"
