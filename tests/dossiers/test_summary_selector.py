"""The API read's selector finds exactly the dossiers ``dossier_get_for_officer`` finds, in fewer columns."""

import pytest

from chinhquyen.dossiers.errors import DossierNotFound
from chinhquyen.dossiers.models import Channel, Dossier, DossierStep
from chinhquyen.dossiers.selectors import dossier_get_for_officer, dossier_get_summary_for_officer, officer_roles
from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db


def test_finds_the_agencys_dossier_without_the_procedures_wide_row():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    found = dossier_get_summary_for_officer(officer=world.specialist, pk=dossier.pk)

    assert found == dossier_get_for_officer(officer=world.specialist, code_or_pk=dossier.pk)
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
        dossier_get_summary_for_officer(officer=a.specialist, pk=dossier_b.pk)
    with pytest.raises(DossierNotFound):
        dossier_get_summary_for_officer(officer=a.front_desk, pk=online.pk)
    with pytest.raises(DossierNotFound):
        dossier_get_summary_for_officer(officer=a.front_desk, pk=dossier_b.pk + online.pk + 1000)


def test_finds_a_dossier_with_a_step_in_the_officers_agency():
    a, b = World(), World()
    dossier_b = b.received(at=vn(2026, 3, 2, 8, 0))
    DossierStep.objects.create(dossier=dossier_b, order=99, name="Consult", agency=a.agency, role="specialist")

    found = dossier_get_summary_for_officer(officer=a.specialist, pk=dossier_b.pk)

    assert found == dossier_get_for_officer(officer=a.specialist, code_or_pk=dossier_b.pk)


def test_one_query_with_the_roles_at_hand(django_assert_num_queries):
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    roles = officer_roles(officer=world.front_desk)

    with django_assert_num_queries(1):
        found = dossier_get_summary_for_officer(officer=world.front_desk, pk=dossier.pk, roles=roles)

    assert found.pk == dossier.pk
