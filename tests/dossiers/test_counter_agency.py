"""The counter a walk-in dossier is opened at: only one whose front desk the officer staffs."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.core.errors import InvalidInput
from chinhquyen.directory.models import Agency
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import Dossier, DossierDocument
from chinhquyen.dossiers.services import (
    Upload,
    dossier_create_at_counter,
    dossier_create_with_documents,
    dossier_receive,
)
from tests.dossiers.factories import AgencyFactory, StaffRoleFactory, World, pdf_bytes, vn

pytestmark = pytest.mark.django_db


def _two_counters() -> tuple[World, Agency]:
    """The world's front desk also staffs the counter of a second agency."""
    world = World()
    second = AgencyFactory(code="000.00.12.H37")
    world.procedure.agencies.add(second)
    StaffRoleFactory(user=world.front_desk, agency=second, role="front_desk")
    return world, second


def test_an_officer_at_two_counters_opens_the_dossier_at_the_one_named_and_its_code_is_that_agencys():
    world, second = _two_counters()

    dossier = dossier_create_at_counter(
        by=world.front_desk, procedure=world.procedure, applicant=world.applicant, receiving_agency=second
    )
    dossier = dossier_receive(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 2, 8, 0))

    assert (dossier.receiving_agency_id, dossier.code) == (second.pk, "000.00.12.H37-260302-0001")


@pytest.mark.parametrize("role", [None, "specialist", "leader"], ids=["no-role", "specialist-only", "leader-only"])
def test_a_counter_the_officer_does_not_staff_is_refused_and_nothing_is_written(role):
    world, _second = _two_counters()
    foreign = AgencyFactory()
    if role is not None:
        StaffRoleFactory(user=world.front_desk, agency=foreign, role=role)

    with pytest.raises(TransitionRefused) as at_counter:
        dossier_create_at_counter(
            by=world.front_desk, procedure=world.procedure, applicant=world.applicant, receiving_agency=foreign
        )
    with pytest.raises(TransitionRefused) as with_documents:
        dossier_create_with_documents(
            by=world.front_desk,
            procedure=world.procedure,
            applicant=world.applicant,
            uploads=[Upload(SimpleUploadedFile("to-khai.pdf", pdf_bytes()), "Tờ khai")],
            receiving_agency=foreign,
        )

    assert (at_counter.value.code, with_documents.value.code) == ("role_required", "role_required")
    assert (Dossier.objects.count(), DossierDocument.objects.count()) == (0, 0)


def _both_ways(world: World, **kwargs) -> list[InvalidInput]:
    """The refusals of opening the dossier at the counter, alone and with a file, in that order."""
    refusals = []
    with pytest.raises(InvalidInput) as at_counter:
        dossier_create_at_counter(by=world.front_desk, procedure=world.procedure, applicant=world.applicant, **kwargs)
    refusals.append(at_counter.value)
    with pytest.raises(InvalidInput) as with_documents:
        dossier_create_with_documents(
            by=world.front_desk,
            procedure=world.procedure,
            applicant=world.applicant,
            uploads=[Upload(SimpleUploadedFile("to-khai.pdf", pdf_bytes()), "Tờ khai")],
            **kwargs,
        )
    refusals.append(with_documents.value)
    return refusals


def test_an_officer_at_two_counters_who_names_none_is_asked_to_choose_and_nothing_is_written():
    world, _second = _two_counters()

    refusals = _both_ways(world)

    assert [(r.code, r.field) for r in refusals] == [("agency_required", "agency")] * 2
    assert str(refusals[0].message) == (
        "You work at the front desk of several agencies: choose the one receiving this dossier."
    )
    assert (Dossier.objects.count(), DossierDocument.objects.count()) == (0, 0)


def test_a_counter_whose_agency_does_not_handle_the_procedure_is_refused_and_nothing_is_written():
    world, second = _two_counters()
    world.procedure.agencies.remove(second)

    refusals = _both_ways(world, receiving_agency=second)

    assert [(r.code, r.field) for r in refusals] == [("agency_not_implementing", "agency")] * 2
    assert (Dossier.objects.count(), DossierDocument.objects.count()) == (0, 0)
    # The agency that handles it still opens it, with one front desk for both.
    dossier = dossier_create_at_counter(
        by=world.front_desk, procedure=world.procedure, applicant=world.applicant, receiving_agency=world.agency
    )
    assert dossier.receiving_agency_id == world.agency.pk


def test_a_procedure_withdrawn_from_the_catalog_is_not_opened_at_the_counter():
    world = World()
    world.procedure.is_active = False
    world.procedure.save(update_fields=["is_active"])

    refusals = _both_ways(world)

    assert [(r.code, r.field) for r in refusals] == [("procedure_withdrawn", "procedure")] * 2
    assert (Dossier.objects.count(), DossierDocument.objects.count()) == (0, 0)
