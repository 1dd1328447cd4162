"""The applicant's files: attached only while a supplement is awaited, and a supplement is sent with one.

The front desk may still record a supplement handed in on paper at the counter, with no file.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import Dossier, DossierEvent, DossierStatus, Substatus
from chinhquyen.dossiers.selectors import dossier_actions_for
from chinhquyen.dossiers.services import (
    dossier_document_add,
    dossier_request_supplement,
    dossier_supplement_provided,
    dossier_supplement_reject,
    online_draft_submit,
)
from tests.dossiers.factories import World, online_start, online_world, pdf_bytes, supplement_send, vn

pytestmark = pytest.mark.django_db

EMPTY = "Attach the documents the agency asked for before sending the supplement."
NOT_ASKED = "Files can be added to this dossier only while the agency waits for documents it asked you for."


def pdf(name: str = "bo-sung.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def stored_files() -> set[Path]:
    return {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}


def asked(world: World) -> Dossier:
    """A received dossier whose specialist asked the applicant for a document (status 5)."""
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    return dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["Bản sao CCCD"], reason="Thiếu", at=vn(2026, 3, 3, 10, 0)
    )


def unchanged(dossier: Dossier) -> tuple:
    fresh = Dossier.objects.get(pk=dossier.pk)
    return (fresh.status, fresh.substatus, fresh.version, fresh.paused_at, fresh.due_at)


# --- Sending the supplement ---------------------------------------------------------------------


def test_the_applicant_cannot_send_a_supplement_with_nothing_attached():
    world = World()
    dossier = asked(world)
    before = unchanged(dossier)

    with pytest.raises(TransitionRefused) as refused:
        dossier_supplement_provided(by=world.applicant.user, dossier=dossier, note="Đã bổ sung")

    assert (refused.value.code, refused.value.message) == ("supplement_empty", EMPTY)
    assert unchanged(dossier) == before
    assert before[:2] == (DossierStatus.SUPPLEMENT_REQUESTED, Substatus.SUPPLEMENT_BY_PROCESSOR)
    assert not DossierEvent.objects.filter(dossier=dossier, action="supplement_provided").exists()
    assert "supplement_provided" not in dossier_actions_for(dossier=dossier, user=world.applicant.user)


def test_the_applicant_sends_the_supplement_once_a_file_is_attached():
    world = World()
    dossier = asked(world)

    dossier_document_add(by=world.applicant.user, dossier=dossier, upload=pdf(), name="Bản sao CCCD")
    offered = dossier_actions_for(dossier=dossier, user=world.applicant.user)
    dossier = dossier_supplement_provided(by=world.applicant.user, dossier=dossier, at=vn(2026, 3, 4, 10, 0))

    assert "supplement_provided" in offered
    assert (dossier.status, dossier.substatus, dossier.paused_at) == (
        DossierStatus.RECEIVED,
        Substatus.SUPPLEMENT_SUPPLIED,
        None,
    )


def test_a_file_attached_before_the_request_standing_now_does_not_count():
    world = World()
    dossier = supplement_send(world, asked(world), at=vn(2026, 3, 4, 10, 0))
    dossier = dossier_supplement_reject(
        by=world.specialist, dossier=dossier, items=["Bản chính CCCD"], reason="Bản sao mờ", at=vn(2026, 3, 5, 10, 0)
    )

    with pytest.raises(TransitionRefused) as refused:
        dossier_supplement_provided(by=world.applicant.user, dossier=dossier, at=vn(2026, 3, 6, 10, 0))
    dossier = supplement_send(world, dossier, at=vn(2026, 3, 6, 10, 0))

    assert refused.value.code == "supplement_empty"
    assert dossier.substatus == Substatus.SUPPLEMENT_SUPPLIED
    assert dossier.documents.count() == 2


def test_the_front_desk_records_papers_handed_in_at_the_counter_without_a_file():
    world = World()
    dossier = asked(world)

    offered = dossier_actions_for(dossier=dossier, user=world.front_desk)
    dossier = dossier_supplement_provided(by=world.front_desk, dossier=dossier, note="Nộp bản giấy tại quầy")

    assert "supplement_provided" in offered
    assert (dossier.status, dossier.substatus) == (DossierStatus.RECEIVED, Substatus.SUPPLEMENT_SUPPLIED)
    assert dossier.documents.count() == 0


def test_a_scan_the_front_desk_attached_since_the_request_lets_the_applicant_send():
    world = World()
    dossier = asked(world)

    dossier_document_add(by=world.front_desk, dossier=dossier, upload=pdf("scan.pdf"), name="CCCD", kind="scan")
    dossier = dossier_supplement_provided(by=world.applicant.user, dossier=dossier)

    assert dossier.substatus == Substatus.SUPPLEMENT_SUPPLIED


# --- Attaching files ----------------------------------------------------------------------------


def test_the_applicant_cannot_attach_to_a_submitted_dossier_nobody_asked_documents_for():
    world = online_world()
    draft = online_start(world)
    dossier_document_add(by=world.applicant.user, dossier=draft, upload=pdf("to-khai.pdf"), name="Tờ khai")
    dossier = online_draft_submit(by=world.applicant.user, dossier=draft)
    before, files = unchanged(dossier), stored_files()

    with pytest.raises(TransitionRefused) as refused:
        dossier_document_add(by=world.applicant.user, dossier=dossier, upload=pdf(), name="Thêm")

    assert (refused.value.code, refused.value.message) == ("no_supplement_requested", NOT_ASKED)
    assert unchanged(dossier) == before
    assert list(dossier.documents.values_list("name", flat=True)) == ["Tờ khai"]
    assert stored_files() == files
    assert "document_add" not in dossier_actions_for(dossier=dossier, user=world.applicant.user)


def test_the_applicant_attaches_to_a_submitted_dossier_once_the_front_desk_asks():
    world = online_world()
    draft = online_start(world)
    dossier = online_draft_submit(by=world.applicant.user, dossier=draft)
    dossier = dossier_request_supplement(by=world.front_desk, dossier=dossier, items=["CCCD"], reason="Thiếu")

    document = dossier_document_add(by=world.applicant.user, dossier=dossier, upload=pdf(), name="CCCD")

    assert (document.dossier_id, document.uploaded_by_id) == (dossier.pk, world.applicant.user.pk)
    assert "document_add" in dossier_actions_for(dossier=dossier, user=world.applicant.user)


def test_the_front_desk_still_attaches_to_a_submitted_dossier():
    world = online_world()
    dossier = online_draft_submit(by=world.applicant.user, dossier=online_start(world))

    document = dossier_document_add(by=world.front_desk, dossier=dossier, upload=pdf("scan.pdf"), name="CCCD")

    assert document.uploaded_by_id == world.front_desk.pk
    assert "document_add" in dossier_actions_for(dossier=dossier, user=world.front_desk)
