"""A counter draft the front desk sent back for a supplement was handed in: it is not discarded as opened by
mistake (that would erase the request form 02 records and let the front desk ask a second time)."""

import pytest

from chinhquyen.core.models import AuditEntry
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import Dossier, DossierStatus
from chinhquyen.dossiers.selectors import dossier_actions_for
from chinhquyen.dossiers.services import (
    counter_draft_discard,
    dossier_request_supplement,
    dossier_supplement_accept,
    dossier_supplement_provided,
)
from tests.dossiers.factories import World

pytestmark = pytest.mark.django_db


def _supplied_at_the_counter(world: World) -> Dossier:
    """A counter draft sent back for a supplement (form 02), whose papers the applicant brought back."""
    draft = world.draft()
    draft = dossier_request_supplement(
        by=world.front_desk, dossier=draft, items=["Giấy chứng sinh"], reason="Thiếu giấy chứng sinh"
    )
    return dossier_supplement_provided(by=world.front_desk, dossier=draft)


def test_a_draft_sent_back_for_a_supplement_is_not_offered_the_discard():
    world = World()
    dossier = _supplied_at_the_counter(world)
    accepted = dossier_supplement_accept(by=world.front_desk, dossier=_supplied_at_the_counter(world))

    assert dossier.status == DossierStatus.DRAFT
    assert "draft_discard" not in dossier_actions_for(dossier=dossier, user=world.front_desk)
    assert "draft_discard" not in dossier_actions_for(dossier=accepted, user=world.front_desk)
    assert {"receive", "refuse"} <= set(dossier_actions_for(dossier=accepted, user=world.front_desk))


def test_discarding_a_draft_sent_back_for_a_supplement_is_refused_and_it_stays():
    world = World()
    dossier = dossier_supplement_accept(by=world.front_desk, dossier=_supplied_at_the_counter(world))

    with pytest.raises(TransitionRefused) as refused:
        counter_draft_discard(by=world.front_desk, dossier=dossier)

    assert refused.value.code == "supplement_requested"
    assert Dossier.objects.filter(pk=dossier.pk, status=DossierStatus.DRAFT).exists()
    assert not AuditEntry.objects.filter(action="dossier.draft_discard").exists()


def test_a_draft_never_sent_back_is_still_discarded():
    world = World()
    draft = world.draft()

    counter_draft_discard(by=world.front_desk, dossier=draft)

    assert not Dossier.objects.filter(pk=draft.pk).exists()
