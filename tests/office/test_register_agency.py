"""The tracking register (form 07) of any agency the officer works for, never another's, over a valid period."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from chinhquyen.directory.services import staff_role_grant
from tests.factories import AgencyFactory

from .helpers import received

pytestmark = pytest.mark.django_db

NOT_YOURS = "Choose one of your agencies: you may print only their registers."
REVERSED = "Choose a “To” date on or after the “From” date."


def _period(**extra):
    today = timezone.localdate()
    return {"from": (today - dt.timedelta(days=1)).isoformat(), "to": today.isoformat(), **extra}


def _text(response):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.fixture
def two_agencies(office, other_office):
    """The front desk of ``office`` also specialises in ``other_office``'s agency."""
    staff_role_grant(user=office.front_desk, agency=other_office.agency, role="specialist")
    return office.front_desk


def test_an_officer_of_two_agencies_prints_the_second_ones_register(as_user, office, other_office, two_agencies):
    own = received(office)
    second = received(other_office)
    client = as_user(two_agencies)

    response = client.get(reverse("office:register"), _period(agency=other_office.agency.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _text(response)
    assert second.code in text
    assert own.code not in text


def test_an_officer_of_two_agencies_is_offered_exactly_those(as_user, office, other_office, two_agencies):
    AgencyFactory()
    client = as_user(two_agencies)

    response = client.get(reverse("office:register"))

    # Opened from a link: the choice, without errors until the officer asks.
    assert response.status_code == 200
    assert {a.pk for a in response.context["form"].agencies} == {office.agency.pk, other_office.agency.pk}
    assert response.content.decode().count("<option ") == 2
    assert 'id="reg-agency-errors"' not in response.content.decode()


def test_a_third_agencys_register_is_refused_with_a_message(as_user, office, other_office, two_agencies):
    third = AgencyFactory()
    client = as_user(two_agencies)

    response = client.get(reverse("office:register"), _period(agency=third.pk))

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert response.context["form"].errors == {"agency": [NOT_YOURS]}
    assert NOT_YOURS in response.content.decode()


def test_an_officer_of_one_agency_needs_no_choice_and_cannot_name_another(as_user, office, other_office):
    own = received(office)
    client = as_user(office.front_desk)

    printed = client.get(reverse("office:register"), _period())
    foreign = client.get(reverse("office:register"), _period(agency=other_office.agency.pk))
    garbage = client.get(reverse("office:register"), _period(agency="x"))

    assert printed.status_code == 200
    assert own.code in _text(printed)
    assert 'name="agency"' not in foreign.content.decode()
    assert (foreign.status_code, foreign.context["form"].errors) == (400, {"agency": [NOT_YOURS]})
    assert NOT_YOURS in foreign.content.decode()
    assert (garbage.status_code, garbage.context["form"].errors) == (400, {"agency": [NOT_YOURS]})


def test_reversed_dates_are_refused_at_the_to_field(as_user, office):
    client = as_user(office.front_desk)
    today = timezone.localdate()

    response = client.get(
        reverse("office:register"), {"from": today.isoformat(), "to": (today - dt.timedelta(days=1)).isoformat()}
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"date_to": [REVERSED]}
    body = response.content.decode()
    assert f'<ul class="errorlist" id="reg-to-errors"><li>{REVERSED}</li></ul>' in body


def test_the_same_day_twice_is_a_valid_period(as_user, office):
    dossier = received(office)
    today = timezone.localdate().isoformat()

    response = as_user(office.front_desk).get(reverse("office:register"), {"from": today, "to": today})

    assert response.status_code == 200
    assert dossier.code in _text(response)


def test_a_period_of_more_than_a_year_is_refused(as_user, office):
    client = as_user(office.front_desk)

    year = client.get(reverse("office:register"), {"from": "2026-01-01", "to": "2026-12-31"})
    longer = client.get(reverse("office:register"), {"from": "2025-01-01", "to": "2026-01-02"})

    assert year.status_code == 200
    assert (longer.status_code, longer.context["form"].errors) == (
        400,
        {"date_to": ["Choose a period of at most 366 days."]},
    )
