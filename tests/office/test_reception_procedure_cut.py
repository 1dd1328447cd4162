"""The counter's procedure picker shows 20 procedures at most and says so when more match."""

import pytest
from django.urls import reverse

from tests.catalog.factories import ProcedureFactory
from tests.factories import AgencyFactory, CitizenFactory

from .helpers import applicant_ref

pytestmark = pytest.mark.django_db

OPEN_FORM = 'action="/office/reception/dossier/new/"'


@pytest.fixture
def permits(office):
    """Twenty permits the agency receives, beside its birth registration: 21 procedures in all."""
    for n in range(20):
        ProcedureFactory(name=f"Cấp giấy phép xây dựng loại {n}", agencies=[office.agency])
    ProcedureFactory(name="Cấp giấy phép xây dựng đã bãi bỏ", agencies=[office.agency], is_active=False)
    ProcedureFactory(name="Cấp giấy phép xây dựng của nơi khác", agencies=[AgencyFactory()])


def _picker(as_user, office, **query) -> str:
    client = as_user(office.front_desk)
    ref = applicant_ref(office.front_desk, CitizenFactory())
    params = {"applicant": ref, "agency": office.agency.pk, **query}
    return client.get(reverse("office:reception"), params).content.decode()


def test_more_procedures_than_shown_are_counted(as_user, office, permits):
    page = _picker(as_user, office)

    assert page.count(OPEN_FORM) == 20
    assert "Showing 20 of 21 procedures; type more of the name to narrow." in page


def test_the_count_follows_what_was_typed(as_user, office, permits):
    ProcedureFactory(name="Cấp giấy phép xây dựng tạm", agencies=[office.agency])

    page = _picker(as_user, office, query="giay phep xay dung")

    assert page.count(OPEN_FORM) == 20
    assert "Showing 20 of 21 procedures; type more of the name to narrow." in page


def test_exactly_twenty_matching_are_all_shown_without_a_count(as_user, office, permits):
    page = _picker(as_user, office, query="giay phep")

    assert page.count(OPEN_FORM) == 20
    assert "Showing 20 of" not in page


def test_a_narrow_search_shows_no_count(as_user, office, permits):
    page = _picker(as_user, office, query="khai sinh")

    assert page.count(OPEN_FORM) == 1
    assert "Showing" not in page
