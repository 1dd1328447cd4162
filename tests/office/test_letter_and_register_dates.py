"""Years beyond the working calendar are refused with a message, and letters of a closed or extended dossier
offer nothing to approve or send."""

import pytest
from django.urls import reverse

from chinhquyen.dossiers import selectors, services
from chinhquyen.dossiers.models import ApologyLetter
from tests.api.helpers import api_client, place_make, post_json, token_for
from tests.dossiers.factories import World, vn
from tests.factories import CitizenFactory, working_days_later
from tests.office.helpers import login, office_make, received

pytestmark = pytest.mark.django_db

YEARS = "Enter a date between the years 1976 and 2100."


@pytest.fixture
def office(db):
    return office_make(prefix="a")


def _client(client, user):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return login(client, user)


@pytest.mark.parametrize("value", ["2300-03-03T08:00", "9999-12-31T08:00", "0001-01-01T08:00"])
def test_a_letter_date_beyond_the_calendar_is_a_field_error(client, office, value):
    dossier = received(office)
    response = _client(client, office.specialist).post(
        reverse("office:dossier_action", args=[dossier.pk, "letter_draft"]),
        {"expected_version": dossier.version, "reason": "Chờ", "new_due_at": value},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["new_due_at"] == [YEARS]
    assert ApologyLetter.objects.count() == 0


def test_the_service_and_the_api_refuse_it_with_a_code():
    place = place_make()
    dossier = services.dossier_create_at_counter(
        by=place.front_desk, procedure=place.procedure, applicant=CitizenFactory()
    )
    services.dossier_documents_mark_received(
        by=place.front_desk, dossier=dossier, required_document_ids=[d.pk for d in place.documents]
    )
    dossier = services.dossier_receive(by=place.front_desk, dossier=dossier)

    response = post_json(
        api_client(token_for(place.specialist)),
        f"/api/v1/dossiers/{dossier.pk}/apology-letters",
        {"reason": "Chờ", "new_due_at": "2300-03-03T08:00:00+07:00"},
    )

    assert response.status_code == 422
    assert response.json()["code"] == "letter_date_out_of_range"
    assert ApologyLetter.objects.count() == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?from=9999-12-31&to=9999-12-31", "date_to"),
        ("?from=0001-01-01&to=0001-01-02", "date_from"),
    ],
)
def test_a_register_period_beyond_the_calendar_is_a_field_error(client, office, query, field):
    response = _client(client, office.front_desk).get(reverse("office:register") + query)

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [YEARS]


@pytest.mark.parametrize("query", ["?received_from=0001-01-01", "?received_to=9999-12-31"])
def test_a_search_date_beyond_the_calendar_is_a_field_error(client, office, query):
    response = _client(client, office.front_desk).get(reverse("office:search") + query)

    assert response.context["form"].errors[query[1:].split("=")[0]] == [YEARS]


def test_the_selectors_read_days_beyond_the_calendar_as_its_edges():
    world = World()
    dossier = world.received(at=vn(2026, 4, 1, 9, 0))
    far, early = vn(9999, 12, 31).date(), vn(1, 1, 1).date()

    register = selectors.dossier_register(officer=world.front_desk, agency=world.agency, date_from=early, date_to=far)
    assert [d.pk for d in register] == [dossier.pk]
    assert selectors.dossier_register(officer=world.front_desk, agency=world.agency, date_from=far, date_to=far) == []
    search = selectors.dossier_search(officer=world.front_desk, received_from=early, received_to=far)
    assert [d.pk for d in search] == [dossier.pk]
    assert selectors.dossier_search(officer=world.front_desk, received_to=early) == []


def _letter(office, dossier, days):
    return services.apology_letter_draft(
        by=office.specialist, dossier=dossier, reason=f"Chờ {days}", new_due_at=working_days_later(dossier.due_at, days)
    )


def test_a_withdrawn_dossier_offers_no_letter_to_send(client, office):
    dossier = received(office)
    letter = _letter(office, dossier, 5)
    services.apology_letter_approve(by=office.leader, letter=letter)
    services.dossier_withdraw(by=office.front_desk, dossier=dossier, reason="Công dân xin rút")

    page = _client(client, office.leader).get(reverse("office:dossier", args=[dossier.pk])).content.decode()

    assert "Apology letters" in page  # still on record
    assert "at the latest" not in page
    assert f"letter_send/?letter={letter.pk}" not in page


def test_an_extended_dossier_offers_no_second_letter(client, office):
    dossier = received(office)
    first, second = _letter(office, dossier, 5), _letter(office, dossier, 9)
    services.apology_letter_approve(by=office.leader, letter=first)
    services.apology_letter_send(by=office.leader, letter=first)

    page = _client(client, office.leader).get(reverse("office:dossier", args=[dossier.pk])).content.decode()

    assert "at the latest" not in page
    assert f"letter_approve/?letter={second.pk}" not in page


def test_an_open_dossier_still_offers_its_letter(client, office):
    dossier = received(office)
    letter = _letter(office, dossier, 5)

    page = _client(client, office.leader).get(reverse("office:dossier", args=[dossier.pk])).content.decode()

    assert "at the latest" in page
    assert f"letter_approve/?letter={letter.pk}" in page


@pytest.mark.parametrize(
    "value", ["9999-12-31T23:59:59-05:00", "2100-12-31T23:00:00-05:00", "0001-01-01T05:00:00+07:00"]
)
def test_a_letter_date_past_the_calendar_in_vietnam_time_is_refused(value):
    from datetime import datetime

    from chinhquyen.dossiers.transitions import letter_due_refusal

    refused = letter_due_refusal(new_due_at=datetime.fromisoformat(value))

    assert refused is not None
    assert refused.code == "letter_date_out_of_range"
