"""The API read's selector finds exactly the dossiers ``dossier_get_for_officer`` finds, in fewer columns,
with the steps and documents read alongside."""

from datetime import UTC

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.dossiers.errors import DossierNotFound
from chinhquyen.dossiers.models import Channel, Dossier, DossierDocument, DossierStep
from chinhquyen.dossiers.selectors import (
    dossier_document_values,
    dossier_get_for_officer,
    dossier_read_for_officer,
    dossier_step_values,
    officer_roles,
)
from chinhquyen.dossiers.services import dossier_document_add, dossier_forward
from tests.dossiers.factories import World, pdf_bytes, png_bytes, vn

pytestmark = pytest.mark.django_db


def test_finds_the_agencys_dossier_without_the_procedures_wide_row():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    read = dossier_read_for_officer(officer=world.specialist, pk=dossier.pk)
    found = read.dossier

    assert found == dossier_get_for_officer(officer=world.specialist, code_or_pk=dossier.pk)
    assert [(s["order"], s["role"], s["state"], s["agency__code"]) for s in read.steps] == [
        (step.order, step.role, step.state, step.agency.code) for step in dossier.steps.order_by("order", "pk")
    ]
    assert read.documents == []
    assert (found.procedure.code, found.receiving_agency.code) == (world.procedure.code, world.agency.code)
    assert found.applicant.user_id == world.applicant.user_id
    assert "eform_schema" in found.procedure.get_deferred_fields()
    assert "applicant_snapshot" in found.get_deferred_fields()


def test_hides_another_agencys_dossier_and_online_drafts():
    a, b = World(), World()
    dossier_b = b.received(at=vn(2026, 3, 2, 8, 0))
    online = a.draft()
    Dossier.objects.filter(pk=online.pk).update(channel=Channel.ONLINE)

    with pytest.raises(DossierNotFound):
        dossier_read_for_officer(officer=a.specialist, pk=dossier_b.pk)
    with pytest.raises(DossierNotFound):
        dossier_read_for_officer(officer=a.front_desk, pk=online.pk)
    with pytest.raises(DossierNotFound):
        dossier_read_for_officer(officer=a.front_desk, pk=dossier_b.pk + online.pk + 1000)


def test_finds_a_dossier_with_a_step_in_the_officers_agency():
    a, b = World(), World()
    dossier_b = b.received(at=vn(2026, 3, 2, 8, 0))
    DossierStep.objects.create(dossier=dossier_b, order=99, name="Consult", agency=a.agency, role="specialist")

    found = dossier_read_for_officer(officer=a.specialist, pk=dossier_b.pk).dossier

    assert found == dossier_get_for_officer(officer=a.specialist, code_or_pk=dossier_b.pk)


def test_one_statement_with_the_roles_at_hand(django_assert_num_queries):
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    roles = officer_roles(officer=world.front_desk)
    # Compiled once per connection: the first call in a test process may ask SQLite what it supports.
    dossier_read_for_officer(officer=world.front_desk, pk=dossier.pk, roles=roles)

    # the dossier with its steps and documents packed into its row
    with django_assert_num_queries(1):
        read = dossier_read_for_officer(officer=world.front_desk, pk=dossier.pk, roles=roles)

    assert read.dossier.pk == dossier.pk
    assert len(read.steps) == 3


def test_steps_and_documents_come_back_as_the_orm_reads_them_in_its_order():
    world = World()
    dossier = dossier_forward(by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)))
    # a second step of the same order: the key breaks the tie, as the ORM's order_by("order", "pk")
    DossierStep.objects.create(dossier=dossier, order=20, name="Tham vấn", agency=world.agency, role="specialist")
    for name, content in (("b.pdf", pdf_bytes()), ("a.png", png_bytes())):
        dossier_document_add(by=world.front_desk, dossier=dossier, upload=SimpleUploadedFile(name, content), name=name)
    DossierDocument.objects.filter(dossier=dossier, name="a.png").update(signed=True)

    read = dossier_read_for_officer(officer=world.specialist, pk=dossier.pk)

    assert read.steps == dossier_step_values(dossier=dossier)
    assert read.documents == dossier_document_values(dossier=dossier)
    assert [(s["order"], s["name"]) for s in read.steps] == [
        (10, "Thẩm định, dự thảo kết quả"),
        (20, "Phê duyệt, ký số"),
        (20, "Tham vấn"),
        (30, "Trả kết quả"),
    ]
    started = [s["started_at"] for s in read.steps if s["started_at"] is not None]
    assert len(started) == 2  # the specialist's, begun at reception, and the leader's, by the forward
    assert all(moment.tzinfo is UTC for moment in started)
    assert [(d["name"], d["signed"]) for d in read.documents] == [("b.pdf", False), ("a.png", True)]
