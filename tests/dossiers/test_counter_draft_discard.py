"""A draft opened at the counter is opened once per form, and may be discarded while it was never received."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.core.audit import audit_verify
from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.models import AuditEntry
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import Channel, Dossier, DossierDocument, DossierEvent, DossierStatus
from chinhquyen.dossiers.selectors import dossier_actions_for
from chinhquyen.dossiers.services import (
    counter_draft_discard,
    dossier_create_at_counter,
    dossier_document_add,
    dossier_documents_mark_received,
)
from chinhquyen.dossiers.services.drafts import draft_open_once
from tests.catalog.factories import RequiredDocumentFactory
from tests.dossiers.factories import AgencyFactory, World, officer, online_start, online_world, pdf_bytes, vn

pytestmark = pytest.mark.django_db


def opened(world: World, key: str, by=None) -> Dossier:
    return dossier_create_at_counter(
        by=by or world.front_desk, procedure=world.procedure, applicant=world.applicant, client_key=key
    )


# --- Opened once per form -------------------------------------------------------------------------


def test_the_same_form_sent_twice_opens_one_draft():
    world = World()

    first = opened(world, "form-1")
    again = opened(world, "form-1")

    assert again.pk == first.pk
    assert list(Dossier.objects.values_list("client_key", "channel", "status")) == [
        ("form-1", Channel.COUNTER, DossierStatus.DRAFT)
    ]
    assert DossierEvent.objects.filter(dossier=first, action="create").count() == 1


def test_another_form_opens_another_draft():
    world = World()

    first = opened(world, "form-1")
    second = opened(world, "form-2")
    without_key = dossier_create_at_counter(by=world.front_desk, procedure=world.procedure, applicant=world.applicant)

    assert len({first.pk, second.pk, without_key.pk}) == 3
    assert without_key.client_key == ""


class _SeenTooEarly:
    """The lookup of a request that started before the other one committed: it finds nothing at first."""

    def __init__(self, queryset):
        self.queryset, self.asked = queryset, 0

    def first(self):
        self.asked += 1
        return None if self.asked == 1 else self.queryset.first()


def test_two_requests_with_the_same_key_at_once_meet_at_the_constraint_and_share_the_draft():
    world = World()
    first = opened(world, "form-1")
    lookup = _SeenTooEarly(Dossier.objects.filter(applicant=world.applicant, client_key="form-1"))

    again = draft_open_once(
        same_key=lookup,  # type: ignore[arg-type]
        create=lambda: Dossier.objects.create(
            procedure=world.procedure,
            applicant=world.applicant,
            receiving_agency=world.agency,
            channel=Channel.COUNTER,
            client_key="form-1",
            lookup_secret="x",
            created_by=world.front_desk,
        ),
    )

    assert (again.pk, lookup.asked) == (first.pk, 2)
    assert Dossier.objects.count() == 1


def test_a_blank_key_is_no_key_and_a_key_of_spaces_is_refused():
    world = World()

    with pytest.raises(InvalidInput) as refused:
        opened(world, "   ")

    assert refused.value.code == "client_key_required"
    assert Dossier.objects.count() == 0


# --- Discarding ----------------------------------------------------------------------------------


def test_discarding_deletes_the_draft_its_documents_and_files_and_is_audited(django_capture_on_commit_callbacks):
    world = World()
    required = RequiredDocumentFactory(procedure=world.procedure, name="Tờ khai")
    draft = opened(world, "form-1")
    draft = dossier_documents_mark_received(by=world.front_desk, dossier=draft, required_document_ids=[required.pk])
    scan = dossier_document_add(
        by=world.front_desk,
        dossier=draft,
        upload=SimpleUploadedFile("scan.pdf", pdf_bytes(), content_type="application/pdf"),
        name="Bản quét",
        kind="scan",
    )
    ticked = DossierDocument.objects.get(dossier=draft, kind="component")
    stored = scan.file.name
    draft.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        result = counter_draft_discard(by=world.front_desk, dossier=draft, expected_version=draft.version)

    entry = AuditEntry.objects.get(action="dossier.draft_discard")
    assert result is None
    assert not Dossier.objects.filter(pk=draft.pk).exists()
    assert not DossierDocument.objects.filter(dossier_id=draft.pk).exists()
    assert not DossierEvent.objects.filter(dossier_id=draft.pk).exists()
    assert not default_storage.exists(stored)
    assert (entry.target, entry.actor_id) == (f"dossier:{draft.pk}", world.front_desk.pk)
    assert entry.data == {
        "from": DossierStatus.DRAFT,
        "to": None,
        "reason": "",
        "version": 2,
        "procedure": world.procedure.pk,
        "receiving_agency": world.agency.pk,
        "documents": [
            {"document": ticked.pk, "name": "Tờ khai", "sha256": ""},
            {"document": scan.pk, "name": "Bản quét", "sha256": scan.sha256},
        ],
    }
    # Its creation and changes stay on the record: create, tick, attach, discard.
    assert list(AuditEntry.objects.filter(target=f"dossier:{draft.pk}").values_list("action", flat=True)) == [
        "dossier.create",
        "dossier.documents_mark_received",
        "dossier.document_add",
        "dossier.draft_discard",
    ]
    assert audit_verify().ok


def test_a_discarded_drafts_key_opens_a_new_draft():
    world = World()
    draft = opened(world, "form-1")
    counter_draft_discard(by=world.front_desk, dossier=draft)

    again = opened(world, "form-1")

    assert again.pk != draft.pk
    assert Dossier.objects.count() == 1


def test_the_front_desk_is_offered_the_discard_of_a_counter_draft_only():
    world = World()
    draft = world.draft()
    received = world.received(at=vn(2026, 3, 2, 8, 0))

    assert "draft_discard" in dossier_actions_for(dossier=draft, user=world.front_desk)
    assert "draft_discard" not in dossier_actions_for(dossier=received, user=world.front_desk)
    assert "draft_discard" not in dossier_actions_for(dossier=draft, user=world.specialist)
    assert "draft_discard" not in dossier_actions_for(dossier=draft, user=world.applicant.user)


def _received(world: World) -> tuple[object, Dossier]:
    return world.front_desk, world.received(at=vn(2026, 3, 2, 8, 0))


def _specialist(world: World) -> tuple[object, Dossier]:
    return world.specialist, world.draft()


def _other_agencys_front_desk(world: World) -> tuple[object, Dossier]:
    return officer(AgencyFactory(), "front_desk"), world.draft()


def _online_draft(world: World) -> tuple[object, Dossier]:
    world = online_world()
    return world.front_desk, online_start(world)


@pytest.mark.parametrize(
    ("case", "code"),
    [
        pytest.param(_received, "transition_not_allowed", id="received"),
        pytest.param(_specialist, "role_required", id="a-specialist"),
        pytest.param(_other_agencys_front_desk, "role_required", id="another-agencys-front-desk"),
        pytest.param(_online_draft, "role_required", id="an-online-draft"),
    ],
)
def test_only_the_receiving_front_desk_discards_and_only_a_counter_draft(case, code):
    by, dossier = case(World())

    with pytest.raises(TransitionRefused) as refused:
        counter_draft_discard(by=by, dossier=dossier)

    assert refused.value.code == code
    assert Dossier.objects.filter(pk=dossier.pk).exists()
    assert not AuditEntry.objects.filter(action="dossier.draft_discard").exists()


def test_a_discard_of_a_draft_changed_meanwhile_is_refused():
    world = World()
    draft = world.draft()
    seen = draft.version
    dossier_documents_mark_received(
        by=world.front_desk, dossier=Dossier.objects.get(pk=draft.pk), required_document_ids=[]
    )

    with pytest.raises(TransitionRefused) as refused:
        counter_draft_discard(by=world.front_desk, dossier=draft, expected_version=seen)

    assert refused.value.code == "stale_version"
    assert Dossier.objects.filter(pk=draft.pk).exists()
