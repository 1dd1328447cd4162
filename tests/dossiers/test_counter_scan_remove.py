"""The front desk takes a scan attached by mistake off a counter draft before reception: the file leaves the
dossier's documents and receipt 01, the ticks it saved stay, and the change is an event row and an audit entry."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.catalog.models import RequiredDocument
from chinhquyen.core.audit import audit_verify
from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.models import AuditEntry
from chinhquyen.dossiers.documents import slip_data_for
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import Digitisation, Dossier, DossierDocument, DossierEvent, DossierStatus
from chinhquyen.dossiers.selectors import dossier_actions_for, dossier_timeline
from chinhquyen.dossiers.services import (
    dossier_document_add,
    dossier_documents_mark_received,
    dossier_receive,
    dossier_request_supplement,
    dossier_scan_remove,
    dossier_supplement_provided,
)
from tests.dossiers.factories import AgencyFactory, World, officer, online_start, online_world, pdf_bytes, vn

pytestmark = pytest.mark.django_db


def scan(world: World, dossier: Dossier, name: str, required: RequiredDocument | None = None) -> DossierDocument:
    return dossier_document_add(
        by=world.front_desk,
        dossier=dossier,
        upload=SimpleUploadedFile("scan.pdf", pdf_bytes(), content_type="application/pdf"),
        name=name,
        kind="scan",
        required_document=required,
    )


def required(world: World, name: str, position: int) -> RequiredDocument:
    return RequiredDocument.objects.create(procedure=world.procedure, position=position, name=name, originals=1)


def receipt_names(dossier: Dossier) -> list[str]:
    return [row["name"] for row in slip_data_for(dossier=dossier, kind="01")["documents"]]


def test_an_other_document_scan_is_removed_with_its_file_logged_and_audited(django_capture_on_commit_callbacks):
    world = World()
    draft = world.draft()
    kept = scan(world, draft, "CCCD bản quét")
    wrong = scan(world, draft, "Giấy tờ khác nhầm")
    stored = wrong.file.name

    with django_capture_on_commit_callbacks(execute=True):
        result = dossier_scan_remove(
            by=world.front_desk, dossier=draft, document_id=wrong.pk, expected_version=draft.version
        )

    event = DossierEvent.objects.filter(dossier=draft).latest("pk")
    entry = AuditEntry.objects.filter(target=f"dossier:{draft.pk}").latest("pk")
    assert (result.status, result.version) == (DossierStatus.DRAFT, 3)
    assert list(DossierDocument.objects.filter(dossier=draft).values_list("pk", flat=True)) == [kept.pk]
    assert not default_storage.exists(stored)
    assert default_storage.exists(kept.file.name)
    assert (event.action, event.actor_id, event.internal) == ("document_remove", world.front_desk.pk, True)
    assert (event.from_status, event.to_status) == (DossierStatus.DRAFT, DossierStatus.DRAFT)
    assert event.data == {
        "document": wrong.pk,
        "name": "Giấy tờ khác nhầm",
        "kind": "scan",
        "sha256": wrong.sha256,
        "required_document": None,
    }
    assert (entry.action, entry.actor_id) == ("dossier.document_remove", world.front_desk.pk)
    assert entry.data["document"] == wrong.pk
    assert audit_verify().ok


def test_the_removed_scan_is_no_longer_on_receipt_01():
    world = World()
    draft = world.draft()
    scan(world, draft, "CCCD bản quét")
    wrong = scan(world, draft, "Giấy tờ khác nhầm")

    dossier_scan_remove(by=world.front_desk, dossier=draft, document_id=wrong.pk)
    received = dossier_receive(by=world.front_desk, dossier=draft, at=vn(2026, 3, 2, 8, 0))

    assert receipt_names(received) == ["CCCD bản quét"]


def test_a_tick_the_officer_saved_stays_when_its_only_scan_is_removed():
    world = World()
    declaration = required(world, "Tờ khai", 1)
    certificate = required(world, "Giấy chứng sinh", 2)
    draft = world.draft()
    wrong = scan(world, draft, "Tờ khai (nhầm trang)", declaration)
    dossier_documents_mark_received(
        by=world.front_desk, dossier=draft, required_document_ids=[declaration.pk, certificate.pk]
    )

    dossier_scan_remove(by=world.front_desk, dossier=draft, document_id=wrong.pk)
    received = dossier_receive(by=world.front_desk, dossier=draft, at=vn(2026, 3, 2, 8, 0))

    rows = DossierDocument.objects.filter(dossier=draft).order_by("required_document__position")
    assert list(rows.values_list("required_document_id", "kind", "file", "received")) == [
        (declaration.pk, "component", "", True),
        (certificate.pk, "component", "", True),
    ]
    assert DossierEvent.objects.filter(dossier=draft).latest("pk").action == "receive"
    assert DossierEvent.objects.get(dossier=draft, action="document_remove").data["tick_kept"] is True
    # The receipt lists rows in the order they were made: the kept tick is the newest.
    assert receipt_names(received) == ["Giấy chứng sinh", "Tờ khai"]


def test_a_scan_sent_to_a_document_the_officer_never_ticked_leaves_it_unticked():
    world = World()
    declaration = required(world, "Tờ khai", 1)
    certificate = required(world, "Giấy chứng sinh", 2)
    draft = world.draft()
    dossier_documents_mark_received(by=world.front_desk, dossier=draft, required_document_ids=[declaration.pk])
    wrong = scan(world, draft, "Nhầm giấy chứng sinh", certificate)

    dossier_scan_remove(by=world.front_desk, dossier=draft, document_id=wrong.pk)
    received = dossier_receive(by=world.front_desk, dossier=draft, at=vn(2026, 3, 2, 8, 0))

    assert list(DossierDocument.objects.filter(dossier=draft).values_list("required_document_id", "received")) == [
        (declaration.pk, True)
    ]
    assert "tick_kept" not in DossierEvent.objects.get(dossier=draft, action="document_remove").data
    assert receipt_names(received) == ["Tờ khai"]


def test_another_scan_of_a_ticked_document_keeps_the_tick_without_a_second_row():
    world = World()
    declaration = required(world, "Tờ khai", 1)
    draft = world.draft()
    first = scan(world, draft, "Tờ khai trang 1", declaration)
    second = scan(world, draft, "Tờ khai trang 2", declaration)
    dossier_documents_mark_received(by=world.front_desk, dossier=draft, required_document_ids=[declaration.pk])

    dossier_scan_remove(by=world.front_desk, dossier=draft, document_id=first.pk)

    assert list(DossierDocument.objects.filter(dossier=draft).values_list("pk", "received")) == [(second.pk, True)]


def test_removing_the_last_scan_makes_the_draft_undigitised_again():
    world = World()
    draft = world.draft()
    first = scan(world, draft, "Bản quét 1")
    second = scan(world, draft, "Bản quét 2")

    dossier_scan_remove(by=world.front_desk, dossier=draft, document_id=first.pk)
    still = Dossier.objects.get(pk=draft.pk).digitisation
    dossier_scan_remove(by=world.front_desk, dossier=draft, document_id=second.pk)

    assert (still, Dossier.objects.get(pk=draft.pk).digitisation) == (Digitisation.DIGITISED, Digitisation.NONE)
    last = DossierEvent.objects.filter(dossier=draft, action="document_remove").latest("pk")
    assert last.data["digitisation"] == ""


def test_the_removal_is_on_the_offices_timeline_only():
    world = World()
    draft = world.draft()
    wrong = scan(world, draft, "Nhầm")

    dossier_scan_remove(by=world.front_desk, dossier=draft, document_id=wrong.pk)

    assert [e.action for e in dossier_timeline(dossier=draft)] == ["create", "document_add", "document_remove"]
    assert [e.action for e in dossier_timeline(dossier=draft, for_applicant=True)] == ["create"]


def test_the_front_desk_is_offered_the_removal_on_a_counter_draft_only():
    world = World()
    draft = world.draft()
    done = world.received(at=vn(2026, 3, 2, 8, 0))

    assert "document_remove" in dossier_actions_for(dossier=draft, user=world.front_desk)
    assert "document_remove" not in dossier_actions_for(dossier=done, user=world.front_desk)
    assert "document_remove" not in dossier_actions_for(dossier=draft, user=world.specialist)
    assert "document_remove" not in dossier_actions_for(dossier=draft, user=world.applicant.user)


def test_a_tick_row_or_another_dossiers_scan_is_not_a_scan_of_this_draft():
    world = World()
    declaration = required(world, "Tờ khai", 1)
    draft = world.draft()
    dossier_documents_mark_received(by=world.front_desk, dossier=draft, required_document_ids=[declaration.pk])
    tick = DossierDocument.objects.get(dossier=draft)
    other = scan(world, world.draft(), "Bản quét hồ sơ khác")
    version = Dossier.objects.get(pk=draft.pk).version

    codes = []
    for document_id in (tick.pk, other.pk, 0):
        with pytest.raises(InvalidInput) as refused:
            dossier_scan_remove(by=world.front_desk, dossier=draft, document_id=document_id)
        codes.append(refused.value.code)

    assert codes == ["document_not_found"] * 3
    assert Dossier.objects.get(pk=draft.pk).version == version
    assert DossierDocument.objects.filter(pk__in=[tick.pk, other.pk]).count() == 2


def test_an_applicants_own_component_is_not_removed_by_the_front_desk():
    world = World()
    draft = world.draft()
    draft = dossier_request_supplement(by=world.front_desk, dossier=draft, items=["Tờ khai"], reason="Thiếu tờ khai")
    component = dossier_document_add(
        by=world.applicant.user,
        dossier=draft,
        upload=SimpleUploadedFile("tk.pdf", pdf_bytes(), content_type="application/pdf"),
        name="Tờ khai",
    )
    draft = dossier_supplement_provided(by=world.applicant.user, dossier=draft)

    with pytest.raises(InvalidInput) as refused:
        dossier_scan_remove(by=world.front_desk, dossier=draft, document_id=component.pk)

    assert refused.value.code == "document_not_found"
    assert DossierDocument.objects.filter(pk=component.pk).exists()


def _received(world: World) -> tuple[object, Dossier, DossierDocument]:
    draft = world.draft()
    document = scan(world, draft, "Bản quét")
    return world.front_desk, dossier_receive(by=world.front_desk, dossier=draft, at=vn(2026, 3, 2, 8, 0)), document


def _awaiting_supplement(world: World) -> tuple[object, Dossier, DossierDocument]:
    draft = world.draft()
    document = scan(world, draft, "Bản quét")
    asked = dossier_request_supplement(by=world.front_desk, dossier=draft, items=["Tờ khai"], reason="Thiếu")
    return world.front_desk, asked, document


def _specialist(world: World) -> tuple[object, Dossier, DossierDocument]:
    draft = world.draft()
    return world.specialist, draft, scan(world, draft, "Bản quét")


def _other_agencys_front_desk(world: World) -> tuple[object, Dossier, DossierDocument]:
    draft = world.draft()
    return officer(AgencyFactory(), "front_desk"), draft, scan(world, draft, "Bản quét")


def _applicant(world: World) -> tuple[object, Dossier, DossierDocument]:
    draft = world.draft()
    return world.applicant.user, draft, scan(world, draft, "Bản quét")


def _online_draft(world: World) -> tuple[object, Dossier, DossierDocument]:
    world = online_world()
    draft = online_start(world)
    own = dossier_document_add(
        by=world.applicant.user,
        dossier=draft,
        upload=SimpleUploadedFile("tk.pdf", pdf_bytes(), content_type="application/pdf"),
        name="Tờ khai",
    )
    return world.front_desk, draft, own


@pytest.mark.parametrize(
    ("case", "code"),
    [
        pytest.param(_received, "transition_not_allowed", id="received"),
        pytest.param(_awaiting_supplement, "transition_not_allowed", id="awaiting-a-supplement"),
        pytest.param(_specialist, "role_required", id="a-specialist"),
        pytest.param(_other_agencys_front_desk, "role_required", id="another-agencys-front-desk"),
        pytest.param(_applicant, "not_online_draft", id="the-applicant-on-a-counter-draft"),
        pytest.param(_online_draft, "role_required", id="an-online-draft"),
    ],
)
def test_only_the_receiving_front_desk_removes_and_only_from_a_draft(case, code):
    by, dossier, document = case(World())
    version = Dossier.objects.get(pk=dossier.pk).version

    with pytest.raises(TransitionRefused) as refused:
        dossier_scan_remove(by=by, dossier=dossier, document_id=document.pk)

    assert refused.value.code == code
    assert DossierDocument.objects.filter(pk=document.pk).exists()
    assert Dossier.objects.get(pk=dossier.pk).version == version
    assert not DossierEvent.objects.filter(action="document_remove").exists()


def test_a_removal_from_a_page_read_before_another_change_is_refused_as_stale():
    world = World()
    draft = world.draft()
    wrong = scan(world, draft, "Nhầm")
    seen = draft.version
    dossier_documents_mark_received(by=world.front_desk, dossier=draft, required_document_ids=[])

    with pytest.raises(TransitionRefused) as refused:
        dossier_scan_remove(by=world.front_desk, dossier=draft, document_id=wrong.pk, expected_version=seen)

    assert refused.value.code == "stale_version"
    assert DossierDocument.objects.filter(pk=wrong.pk).exists()
