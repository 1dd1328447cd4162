"""Opening a counter dossier with its documents in one transaction (the API's submission)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from chinhquyen.core.audit import audit_verify
from chinhquyen.core.errors import InvalidInput
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import Dossier, DossierDocument, DossierStatus
from chinhquyen.dossiers.services import Upload, dossier_create_with_documents, transition_apply
from tests.catalog.factories import RequiredDocumentFactory
from tests.dossiers.factories import World, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db

PDF = pdf_bytes()
PNG = png_bytes()


def _uploads(world: World) -> list[Upload]:
    required = RequiredDocumentFactory(procedure=world.procedure, name="Tờ khai")
    return [
        Upload(SimpleUploadedFile("to-khai.pdf", PDF), "Tờ khai đăng ký", required),
        Upload(SimpleUploadedFile("anh.png", PNG)),
    ]


def test_the_dossier_and_each_document_are_written_with_their_events_and_audit_entries():
    world = World()
    uploads = _uploads(world)

    dossier, documents = dossier_create_with_documents(
        by=world.front_desk, procedure=world.procedure, applicant=world.applicant, uploads=uploads
    )

    dossier.refresh_from_db()
    assert (dossier.status, dossier.version, dossier.receiving_agency_id) == (DossierStatus.DRAFT, 2, world.agency.pk)
    assert [(d.name, d.content_type, d.required_document_id, d.uploaded_by_id) for d in documents] == [
        ("Tờ khai đăng ký", "application/pdf", uploads[0].required_document.pk, world.front_desk.pk),
        ("anh.png", "image/png", None, world.front_desk.pk),
    ]
    assert [d.file.read() for d in DossierDocument.objects.filter(dossier=dossier).order_by("pk")] == [PDF, PNG]
    events = list(dossier.events.order_by("pk").values_list("action", "actor_id", "data__document"))
    assert events == [
        ("create", world.front_desk.pk, None),
        ("document_add", world.front_desk.pk, documents[0].pk),
        ("document_add", world.front_desk.pk, documents[1].pk),
    ]
    chain = audit_verify()
    assert chain.ok


def test_the_new_dossier_is_neither_locked_nor_read_again_and_takes_no_savepoint():
    world = World()
    uploads = _uploads(world)[1:]
    with CaptureQueriesContext(connection) as captured:
        dossier_create_with_documents(
            by=world.front_desk, procedure=world.procedure, applicant=world.applicant, uploads=uploads
        )
    statements = [q["sql"].split()[0].upper() for q in captured.captured_queries]
    assert "SAVEPOINT" not in statements
    assert not any("FOR UPDATE" in q["sql"] for q in captured.captured_queries)
    # the roles; whether the agency handles the procedure; the dossier's INSERT, then its event; the
    # document's INSERT, then its event (one WITH each on PostgreSQL; SQLite writes the audit entry with
    # statements of its own)
    if connection.vendor == "postgresql":
        assert statements == ["SELECT", "SELECT", "INSERT", "WITH", "INSERT", "WITH"]


def test_a_bad_file_refuses_everything_before_anything_is_written():
    world = World()
    uploads = [Upload(SimpleUploadedFile("a.pdf", PDF)), Upload(SimpleUploadedFile("b.pdf", b"MZ\x90 not a pdf"))]

    with pytest.raises(InvalidInput) as info:
        dossier_create_with_documents(
            by=world.front_desk, procedure=world.procedure, applicant=world.applicant, uploads=uploads
        )

    assert info.value.code == "file_type"
    assert (Dossier.objects.count(), DossierDocument.objects.count()) == (0, 0)


def test_a_document_of_another_procedure_is_refused_and_nothing_stays():
    world = World()
    other = RequiredDocumentFactory()
    uploads = [Upload(SimpleUploadedFile("a.pdf", PDF), "Tờ khai", other)]

    with pytest.raises(InvalidInput) as info:
        dossier_create_with_documents(
            by=world.front_desk, procedure=world.procedure, applicant=world.applicant, uploads=uploads
        )

    assert info.value.code == "required_document"
    assert (Dossier.objects.count(), DossierDocument.objects.count()) == (0, 0)


def test_an_officer_without_the_front_desk_role_opens_nothing():
    world = World()

    with pytest.raises(TransitionRefused) as info:
        dossier_create_with_documents(
            by=world.specialist, procedure=world.procedure, applicant=world.applicant, uploads=_uploads(world)
        )

    assert info.value.code == "role_required"
    assert Dossier.objects.count() == 0


def test_a_held_dossier_must_be_an_instance_of_the_callers_open_transaction():
    world = World()
    dossier = world.draft()

    with (
        pytest.raises(TransactionManagementError),
        transition_apply(by=world.front_desk, dossier=dossier.pk, action="document_add", held=True),
    ):
        pass
