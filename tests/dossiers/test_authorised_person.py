"""The person lodging a dossier under a power of attorney (người được ủy quyền): recorded, printed on form 01."""

import pytest

from chinhquyen.core.errors import InvalidInput
from chinhquyen.dossiers.documents import render_slip, slip_data_for
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import Dossier, DossierEvent
from chinhquyen.dossiers.services import dossier_authorised_person_set, dossier_receive
from chinhquyen.dossiers.services.authorised import authorised_details_digest
from tests.dossiers.factories import World, vn
from tests.dossiers.test_documents_data import URL, text_of

pytestmark = pytest.mark.django_db

DETAILS = {
    "name": "Lê Văn Cường",
    "personal_id": "037090005678",
    "address": "Số 5 đường Lê Lợi, phường Hoa Lư",
    "phone": "0987654321",
    "email": "cuong@example.vn",
    "authorisation": "Giấy ủy quyền số 12/2026 ngày 20/11/2026",
}


def test_the_authorised_person_is_kept_with_the_snapshot_and_printed_on_the_receipt():
    world = World(days=5)
    draft = world.draft(at=vn(2026, 3, 2, 7, 50))
    dossier = dossier_authorised_person_set(by=world.front_desk, dossier=draft, details=DETAILS)
    dossier = dossier_receive(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 2, 8, 0))

    stored = Dossier.objects.get(pk=dossier.pk).applicant_snapshot
    event = DossierEvent.objects.filter(dossier=dossier, action="authorised_person_set").get()
    data = slip_data_for(dossier=Dossier.objects.get(pk=dossier.pk), kind="01", lookup_url=URL)
    text = text_of(render_slip(kind="01", data=data))

    assert (stored["name"], stored["authorised"]) == ("Trần Thị Bình", DETAILS)
    digest = authorised_details_digest(DETAILS)
    assert (event.actor, event.data) == (world.front_desk, {"authorised": "Lê Văn Cường", "details": digest})
    assert "Người được ủy quyền: Lê Văn Cường" in text
    assert "Số định danh cá nhân/Mã số thuế: 037090005678" in text
    assert "Giấy ủy quyền: Giấy ủy quyền số 12/2026 ngày 20/11/2026" in text


def test_an_empty_name_removes_the_authorised_person():
    world = World(days=5)
    dossier = dossier_authorised_person_set(by=world.front_desk, dossier=world.draft(), details=DETAILS)

    dossier = dossier_authorised_person_set(by=world.front_desk, dossier=dossier, details={"name": ""})

    assert "authorised" not in Dossier.objects.get(pk=dossier.pk).applicant_snapshot


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"personal_id": "12345"}, "authorised_personal_id", "personal_id"),
        ({"authorisation": ""}, "authorisation_required", "authorisation"),
        ({"address": "x" * 501}, "authorised_too_long", "address"),
    ],
)
def test_bad_details_are_refused_at_their_field_and_nothing_is_saved(change, code, field):
    world = World(days=5)
    dossier = world.draft()

    with pytest.raises(InvalidInput) as refused:
        dossier_authorised_person_set(by=world.front_desk, dossier=dossier, details={**DETAILS, **change})

    assert (refused.value.code, refused.value.field) == (code, field)
    assert "authorised" not in Dossier.objects.get(pk=dossier.pk).applicant_snapshot


def test_only_before_reception_and_only_by_the_front_desk():
    world = World(days=5)
    draft = world.draft()
    received = world.received(at=vn(2026, 3, 2, 8, 0))

    with pytest.raises(TransitionRefused):
        dossier_authorised_person_set(by=world.specialist, dossier=draft, details=DETAILS)
    with pytest.raises(TransitionRefused):
        dossier_authorised_person_set(by=world.front_desk, dossier=received, details=DETAILS)
