"""The authorised person's details are checked by the service (every caller: pages and API), never dropped."""

import pytest

from chinhquyen.core.errors import InvalidInput
from chinhquyen.dossiers.models import Dossier, DossierEvent
from chinhquyen.dossiers.services import dossier_authorised_person_set
from chinhquyen.dossiers.services.authorised import authorised_details_digest
from tests.dossiers.factories import World

pytestmark = pytest.mark.django_db

DETAILS = {
    "name": "Lê Văn Cường",
    "personal_id": "037090005678",
    "address": "Số 5 đường Lê Lợi",
    "phone": "0987654321",
    "email": "cuong@example.vn",
    "authorisation": "Giấy ủy quyền số 12/2026 ngày 20/11/2026",
}


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        pytest.param({"name": ""}, "authorised_name_required", "name", id="details-without-a-name"),
        pytest.param({"name": "   "}, "authorised_name_required", "name", id="a-name-of-spaces"),
        pytest.param(
            {"name": "", "personal_id": "", "authorisation": ""},
            "authorised_name_required",
            "name",
            id="contact-details-without-a-name",
        ),
        pytest.param({"phone": "abc"}, "authorised_phone", "phone", id="letters-for-a-phone"),
        pytest.param({"phone": "091234567"}, "authorised_phone", "phone", id="a-digit-short"),
        pytest.param({"email": "không-phải-email"}, "authorised_email", "email", id="not-an-e-mail"),
    ],
)
def test_bad_details_are_refused_at_their_field_and_nothing_is_saved(change, code, field):
    world = World(days=5)
    dossier = world.draft()

    with pytest.raises(InvalidInput) as refused:
        dossier_authorised_person_set(by=world.front_desk, dossier=dossier, details={**DETAILS, **change})

    saved = Dossier.objects.get(pk=dossier.pk)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert ("authorised" in saved.applicant_snapshot, saved.version) == (False, dossier.version)
    assert not DossierEvent.objects.filter(dossier=dossier, action="authorised_person_set").exists()


def test_the_phone_is_kept_in_the_national_format():
    world = World(days=5)

    dossier = dossier_authorised_person_set(
        by=world.front_desk, dossier=world.draft(), details={**DETAILS, "phone": "+84 987.654.321"}
    )

    assert Dossier.objects.get(pk=dossier.pk).applicant_snapshot["authorised"] == {**DETAILS, "phone": "0987654321"}


def test_details_all_empty_remove_the_authorised_person():
    world = World(days=5)
    dossier = dossier_authorised_person_set(by=world.front_desk, dossier=world.draft(), details=DETAILS)

    dossier = dossier_authorised_person_set(by=world.front_desk, dossier=dossier, details=dict.fromkeys(DETAILS, " "))

    event = DossierEvent.objects.filter(dossier=dossier, action="authorised_person_set").latest("pk")
    assert "authorised" not in Dossier.objects.get(pk=dossier.pk).applicant_snapshot
    assert event.data == {"authorised": "", "details": authorised_details_digest(dict.fromkeys(DETAILS, ""))}
