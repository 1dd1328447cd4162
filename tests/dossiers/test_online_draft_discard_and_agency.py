"""An online draft can be discarded by its applicant, or sent to another agency handling its procedure."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.core.audit import audit_verify
from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.models import AuditEntry
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import Dossier, DossierDocument, DossierEvent, DossierStatus
from chinhquyen.dossiers.services import (
    dossier_document_add,
    online_draft_agency_set,
    online_draft_discard,
    online_draft_save,
    online_draft_submit,
)
from tests.dossiers.factories import AgencyFactory, OwnedCitizenFactory, World, online_start, online_world, pdf_bytes

pytestmark = pytest.mark.django_db


def attach(world: World, draft: Dossier) -> DossierDocument:
    upload = SimpleUploadedFile("to-khai.pdf", pdf_bytes(), content_type="application/pdf")
    return dossier_document_add(by=world.applicant.user, dossier=draft, upload=upload, name="Tờ khai")


# --- Discard --------------------------------------------------------------------------------------


def test_discarding_deletes_the_draft_its_documents_and_files_and_is_audited(django_capture_on_commit_callbacks):
    world = online_world()
    draft = online_start(world)
    online_draft_save(by=world.applicant.user, dossier=draft, form_data={"name": "An"})
    document = attach(world, draft)
    stored = document.file.name
    draft.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        result = online_draft_discard(by=world.applicant.user, dossier=draft)

    entry = AuditEntry.objects.get(action="dossier.draft_discard")
    assert result is None
    assert not Dossier.objects.filter(pk=draft.pk).exists()
    assert not DossierDocument.objects.filter(pk=document.pk).exists()
    assert not DossierEvent.objects.filter(dossier_id=draft.pk).exists()
    assert not default_storage.exists(stored)
    assert (entry.target, entry.actor_id) == (f"dossier:{draft.pk}", world.applicant.user.pk)
    assert entry.data == {
        "from": DossierStatus.DRAFT,
        "to": None,
        "reason": "",
        "version": draft.version,
        "procedure": world.procedure.pk,
        "receiving_agency": world.agency.pk,
        "documents": [{"document": document.pk, "name": "Tờ khai", "sha256": document.sha256}],
    }
    # The draft's earlier entries stay: its creation and saves are still on the record.
    assert AuditEntry.objects.filter(target=f"dossier:{draft.pk}").count() == 4
    assert audit_verify().ok


def test_a_file_is_kept_when_the_discard_is_rolled_back(django_capture_on_commit_callbacks):
    world = online_world()
    draft = online_start(world)
    stored = attach(world, draft).file.name

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        online_draft_discard(by=world.applicant.user, dossier=draft)

    assert len(callbacks) == 1  # the files go only once the deletion is committed
    assert default_storage.exists(stored)


def _other_applicant(world: World, draft: Dossier) -> tuple[object, Dossier]:
    return OwnedCitizenFactory().user, draft


def _officer(world: World, draft: Dossier) -> tuple[object, Dossier]:
    return world.front_desk, draft


def _submitted(world: World, draft: Dossier) -> tuple[object, Dossier]:
    return world.applicant.user, online_draft_submit(by=world.applicant.user, dossier=draft, client_key="k")


def _counter_draft(world: World, draft: Dossier) -> tuple[object, Dossier]:
    return world.applicant.user, world.draft()


@pytest.mark.parametrize(
    ("case", "code"),
    [
        pytest.param(_other_applicant, "not_owner", id="another-applicant"),
        pytest.param(_officer, "not_owner", id="an-officer"),
        pytest.param(_submitted, "not_online_draft", id="submitted"),
        pytest.param(_counter_draft, "not_online_draft", id="counter-draft"),
    ],
)
def test_only_the_applicants_own_unsubmitted_online_draft_can_be_discarded(case, code):
    world = online_world()
    by, dossier = case(world, online_start(world))

    with pytest.raises(TransitionRefused) as refused:
        online_draft_discard(by=by, dossier=dossier)

    assert refused.value.code == code
    assert Dossier.objects.filter(pk=dossier.pk).exists()
    assert not AuditEntry.objects.filter(action="dossier.draft_discard").exists()


def test_a_discard_of_a_draft_changed_meanwhile_is_refused():
    world = online_world()
    draft = online_start(world)
    online_draft_save(by=world.applicant.user, dossier=Dossier.objects.get(pk=draft.pk), form_data={"a": "b"})

    with pytest.raises(TransitionRefused) as refused:
        online_draft_discard(by=world.applicant.user, dossier=draft, expected_version=0)

    assert refused.value.code == "stale_version"
    assert Dossier.objects.filter(pk=draft.pk).exists()


# --- Changing the receiving agency ----------------------------------------------------------------


def test_the_agency_changes_and_what_was_filled_in_and_attached_stays():
    world = online_world()
    other = AgencyFactory()
    world.procedure.agencies.add(other)
    draft = online_start(world)
    online_draft_save(by=world.applicant.user, dossier=draft, form_data={"name": "An"})
    document = attach(world, draft)

    changed = online_draft_agency_set(
        by=world.applicant.user, dossier=draft, receiving_agency=other, expected_version=draft.version
    )

    saved = Dossier.objects.get(pk=draft.pk)
    event = DossierEvent.objects.filter(dossier=saved).latest("pk")
    assert (changed.receiving_agency_id, saved.receiving_agency_id) == (other.pk, other.pk)
    assert (saved.form_data, list(saved.documents.values_list("pk", flat=True))) == ({"name": "An"}, [document.pk])
    assert (saved.status, saved.version) == (DossierStatus.DRAFT, 3)
    assert (event.action, event.internal, event.data) == (
        "draft_save",
        True,
        {"receiving_agency": {"from": world.agency.pk, "to": other.pk}},
    )


def test_an_agency_not_handling_the_procedure_is_refused():
    world = online_world()
    draft = online_start(world)

    with pytest.raises(InvalidInput) as refused:
        online_draft_agency_set(by=world.applicant.user, dossier=draft, receiving_agency=AgencyFactory())

    assert (refused.value.code, refused.value.field) == ("agency_not_implementing", "agency")
    assert Dossier.objects.get(pk=draft.pk).receiving_agency_id == world.agency.pk


@pytest.mark.parametrize(
    ("change", "code"),
    [
        pytest.param({"is_active": False}, "procedure_withdrawn", id="withdrawn"),
        pytest.param({"online_level": "none"}, "procedure_not_online", id="no-longer-online"),
    ],
)
def test_a_draft_whose_procedure_closed_to_online_applications_cannot_move(change, code):
    world = online_world()
    other = AgencyFactory()
    world.procedure.agencies.add(other)
    draft = online_start(world)
    for name, value in change.items():
        setattr(world.procedure, name, value)
    world.procedure.save(update_fields=list(change))

    with pytest.raises(InvalidInput) as refused:
        online_draft_agency_set(by=world.applicant.user, dossier=draft, receiving_agency=other)

    assert (refused.value.code, refused.value.field) == (code, "procedure")
    saved = Dossier.objects.get(pk=draft.pk)
    assert (saved.receiving_agency_id, saved.version) == (world.agency.pk, 0)


def test_choosing_the_same_agency_changes_nothing():
    world = online_world()
    draft = online_start(world)

    online_draft_agency_set(by=world.applicant.user, dossier=draft, receiving_agency=world.agency)

    assert Dossier.objects.get(pk=draft.pk).version == 0


def test_nobody_else_changes_the_agency_of_a_draft():
    world = online_world()
    other = AgencyFactory()
    world.procedure.agencies.add(other)
    draft = online_start(world)

    with pytest.raises(TransitionRefused) as refused:
        online_draft_agency_set(by=OwnedCitizenFactory().user, dossier=draft, receiving_agency=other)

    assert refused.value.code == "role_required"
    assert Dossier.objects.get(pk=draft.pk).receiving_agency_id == world.agency.pk
