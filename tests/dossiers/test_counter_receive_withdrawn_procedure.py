"""A counter draft is lodged when it is received: a procedure withdrawn from the catalog since the draft was
opened is refused then, as an online draft's submission is; an application submitted before is still received."""

import pytest

from chinhquyen.core.errors import InvalidInput
from chinhquyen.dossiers.models import Dossier, DossierEvent, DossierStatus
from chinhquyen.dossiers.services import dossier_receive, dossier_submit_online
from tests.dossiers.factories import online_world, vn

pytestmark = pytest.mark.django_db


def _withdraw(procedure) -> None:
    procedure.is_active = False
    procedure.save(update_fields=["is_active"])


def test_a_counter_draft_whose_procedure_was_withdrawn_since_is_not_received():
    world = online_world()
    draft = world.draft(at=vn(2026, 3, 2, 8, 0))
    _withdraw(world.procedure)

    with pytest.raises(InvalidInput) as refused:
        dossier_receive(by=world.front_desk, dossier=draft, at=vn(2026, 3, 2, 9, 0))

    assert refused.value.code == "procedure_withdrawn"
    assert Dossier.objects.filter(pk=draft.pk).values_list("status", "code").get() == (DossierStatus.DRAFT, "")
    assert not DossierEvent.objects.filter(dossier=draft, action="receive").exists()


def test_an_application_submitted_before_the_withdrawal_is_still_received():
    world = online_world()
    submitted = dossier_submit_online(
        by=world.applicant.user,
        applicant=world.applicant,
        procedure=world.procedure,
        receiving_agency=world.agency,
        form_data={},
    )
    _withdraw(world.procedure)

    received = dossier_receive(by=world.front_desk, dossier=submitted, at=vn(2026, 3, 2, 9, 0))

    assert received.status == DossierStatus.RECEIVED
