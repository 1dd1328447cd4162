"""The API's apology letters come from the agency at fault: a partner late with its answer writes its own."""

import pytest
from django.utils import timezone

from chinhquyen.directory.services import staff_role_grant
from chinhquyen.dossiers import services
from tests.api.helpers import api_client, place_make, post_json, token_for
from tests.dossiers.factories import vn
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db

LETTER = {"reason": "Chậm ý kiến", "new_due_at": "2026-03-13T08:00:00+07:00"}


@pytest.fixture
def thursday(monkeypatch):
    """The API is called on Thursday 5 March 2026 14:00, in time: the dossiers below are due Monday 9 March
    08:00, so a letter is sent by Friday 6 March."""
    monkeypatch.setattr(timezone, "now", lambda: vn(2026, 3, 5, 14, 0))


def _answered(place, partner, *, at):
    """Received Monday 2 March 08:00; ``partner`` consulted at 09:00 (answer due Tuesday 09:00) answers at ``at``."""
    dossier = services.dossier_create_at_counter(
        by=place.front_desk, procedure=place.procedure, applicant=CitizenFactory()
    )
    services.dossier_documents_mark_received(
        by=place.front_desk, dossier=dossier, required_document_ids=[d.pk for d in place.documents]
    )
    dossier = services.dossier_receive(by=place.front_desk, dossier=dossier, at=vn(2026, 3, 2, 8, 0))
    dossier = services.dossier_consult_agency(
        by=place.specialist, dossier=dossier, agency=partner.agency, question="Ý kiến?", at=vn(2026, 3, 2, 9, 0)
    )
    return services.dossier_forward(by=partner.specialist, dossier=dossier, at=at)


def _url(dossier, tail=""):
    return f"/api/v1/dossiers/{dossier.pk}/apology-letters{tail}"


def test_the_late_partner_drafts_approves_and_sends_its_letter(thursday):
    place, partner = place_make("a"), place_make("b")
    dossier = _answered(place, partner, at=vn(2026, 3, 5, 13, 0))
    leader = api_client(token_for(partner.leader))

    drafted = post_json(api_client(token_for(partner.specialist)), _url(dossier), LETTER)
    letter = drafted.json()["id"]
    asking = post_json(api_client(token_for(place.leader)), _url(dossier, f"/{letter}/approve"))
    approved = post_json(leader, _url(dossier, f"/{letter}/approve"))

    assert (drafted.status_code, drafted.json()["agency"]) == (201, partner.agency.code)
    assert (asking.status_code, asking.json()["code"]) == (403, "role_required")
    assert (approved.status_code, approved.json()["state"]) == (200, "approved")


def test_a_partner_that_answered_on_time_is_refused():
    place, partner = place_make("a"), place_make("b")
    dossier = _answered(place, partner, at=vn(2026, 3, 2, 14, 0))

    refused = post_json(api_client(token_for(partner.specialist)), _url(dossier), LETTER)

    assert (refused.status_code, refused.json()["code"]) == (403, "role_required")
    assert refused.json()["message"] == (
        "Only a specialist or leader of the agency holding the dossier now, or of an agency whose step on it was "
        "late, may draft its apology letter."
    )


def test_an_officer_of_both_agencies_names_the_one_writing(thursday):
    place, partner = place_make("a"), place_make("b")
    dossier = _answered(place, partner, at=vn(2026, 3, 5, 13, 0))
    staff_role_grant(user=place.specialist, agency=partner.agency, role="specialist")
    client = api_client(token_for(place.specialist))

    unnamed = post_json(client, _url(dossier), LETTER)
    named = post_json(client, _url(dossier), {**LETTER, "agency": partner.agency.code})
    unknown = post_json(client, _url(dossier), {**LETTER, "agency": "000.00.00.X00"})

    assert (unnamed.status_code, unnamed.json()["agency"]) == (201, place.agency.code)
    assert (named.status_code, named.json()["agency"]) == (201, partner.agency.code)
    assert (unknown.status_code, unknown.json()["code"], unknown.json()["field"]) == (422, "agency_not_found", "agency")
