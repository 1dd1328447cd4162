"""The counter a walk-in dossier is opened at: only one whose front desk the officer staffs."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.directory.models import Agency
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import Dossier, DossierDocument
from chinhquyen.dossiers.services import (
    Upload,
    dossier_create_at_counter,
    dossier_create_with_documents,
    dossier_receive,
)
from tests.dossiers.factories import AgencyFactory, StaffRoleFactory, World, vn

pytestmark = pytest.mark.django_db


def _two_counters() -> tuple[World, Agency]:
    """The world's front desk also staffs the counter of a second agency."""
    world = World()
    second = AgencyFactory(code="000.00.12.H37")
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
            uploads=[Upload(SimpleUploadedFile("to-khai.pdf", b"%PDF-1.7 body"), "Tờ khai")],
            receiving_agency=foreign,
        )

    assert (at_counter.value.code, with_documents.value.code) == ("role_required", "role_required")
    assert (Dossier.objects.count(), DossierDocument.objects.count()) == (0, 0)
