"""The API read's selector finds exactly the dossiers ``dossier_get_for_officer`` finds, in fewer columns,
with the steps and documents read alongside."""

import pytest

from chinhquyen.dossiers.errors import DossierNotFound
from chinhquyen.dossiers.models import Channel, Dossier, DossierStep
from chinhquyen.dossiers.selectors import dossier_get_for_officer, dossier_read_for_officer, officer_roles
from tests.dossiers.factories import World, vn

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


def test_three_statements_with_the_roles_at_hand(django_assert_num_queries):
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    roles = officer_roles(officer=world.front_desk)

    # the dossier, its steps, its documents: one round trip on PostgreSQL (pipeline mode)
    with django_assert_num_queries(3):
        read = dossier_read_for_officer(officer=world.front_desk, pk=dossier.pk, roles=roles)

    assert read.dossier.pk == dossier.pk
