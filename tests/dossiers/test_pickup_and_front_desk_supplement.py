"""The front desk's one request for a supplement waits for the papers the post is collecting."""

import pytest

from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import Channel, DossierStatus, Substatus
from chinhquyen.dossiers.selectors import dossier_actions_for
from chinhquyen.dossiers.services import (
    dossier_pickup_arrival_record,
    dossier_pickup_request,
    dossier_request_supplement,
    dossier_submit_online,
)
from tests.dossiers.factories import World

pytestmark = pytest.mark.django_db


def test_no_supplement_is_asked_while_the_post_collects_the_papers_and_the_pickup_goes_on():
    world = World()
    user = world.applicant.user
    dossier = dossier_submit_online(
        by=user, applicant=world.applicant, procedure=world.procedure, receiving_agency=world.agency, form_data={}
    )
    dossier = dossier_pickup_request(by=user, dossier=dossier, order={"item_code": "EB000000014VN"})

    with pytest.raises(TransitionRefused) as refusal:
        dossier_request_supplement(by=world.front_desk, dossier=dossier, items=["Bản sao CCCD"], reason="Thiếu")

    assert refusal.value.code == "pickup_awaited"
    assert "request_supplement" not in dossier_actions_for(dossier=dossier, user=world.front_desk)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.substatus, dossier.front_desk_supplement_used) == (
        DossierStatus.SUBMITTED,
        Substatus.PICKUP_REQUESTED,
        False,
    )
    # The papers arrive: the arrival is recorded, and the front desk may now ask, once.
    arrived = dossier_pickup_arrival_record(dossier=dossier.pk, arrived=True)
    assert arrived is not None
    assert (arrived.channel, arrived.substatus) == (Channel.POSTAL, Substatus.PICKUP_ARRIVED)
    asked = dossier_request_supplement(by=world.front_desk, dossier=arrived, items=["Bản sao CCCD"], reason="Thiếu")
    assert (asked.status, asked.front_desk_supplement_used) == (DossierStatus.SUPPLEMENT_REQUESTED, True)
