"""The applicant's own hand-over of the result (download) is open to an application submitted online,
whichever channel later brought its paper documents; never to a dossier lodged at the counter."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import Channel, DossierStatus, ReturnMethod, Substatus
from chinhquyen.dossiers.selectors import dossier_actions_for
from chinhquyen.dossiers.services import (
    dossier_approve,
    dossier_forward,
    dossier_issue_result,
    dossier_pickup_arrival_record,
    dossier_pickup_request,
    dossier_receive,
    dossier_return,
    dossier_submit_online,
    online_result_downloaded,
)
from chinhquyen.dossiers.transitions import transition_find
from tests.dossiers.factories import World, pdf_bytes

pytestmark = pytest.mark.django_db


def _issued(world: World, dossier):
    dossier = dossier_receive(by=world.front_desk, dossier=dossier)
    dossier = dossier_forward(by=world.specialist, dossier=dossier)
    dossier = dossier_approve(by=world.leader, dossier=dossier)
    upload = SimpleUploadedFile("ket-qua.pdf", pdf_bytes(), content_type="application/pdf")
    return dossier_issue_result(by=world.front_desk, dossier=dossier, upload=upload)


def _online_brought_by_post(world: World):
    user = world.applicant.user
    dossier = dossier_submit_online(
        by=user, applicant=world.applicant, procedure=world.procedure, receiving_agency=world.agency, form_data={}
    )
    dossier = dossier_pickup_request(by=user, dossier=dossier, order={"item_code": "EB000000014VN"})
    arrived = dossier_pickup_arrival_record(dossier=dossier.pk, arrived=True)
    assert arrived is not None
    return arrived


def test_an_online_application_whose_papers_came_by_post_is_received_online_by_its_applicant():
    world = World()
    dossier = _issued(world, _online_brought_by_post(world))
    user = world.applicant.user

    row = transition_find(dossier=dossier, action="return", user=user)
    actions = dossier_actions_for(dossier=dossier, user=user)
    returned = online_result_downloaded(by=user, dossier=dossier)

    assert (row.action, row.roles) == ("return", frozenset({"applicant"}))
    assert actions == ["return"]
    assert (returned.status, returned.return_method, returned.channel, returned.substatus) == (
        DossierStatus.RETURNED,
        ReturnMethod.ONLINE,
        Channel.POSTAL,  # how the paper dossier came stays as it was, for the national portal and the reports
        Substatus.RESULT_HANDED_OVER,
    )
    assert returned.events.get(action="return").actor == user


def test_a_counter_dossier_is_not_handed_over_online_even_to_an_applicant_with_an_account():
    world = World()
    dossier = _issued(world, world.draft())
    user = world.applicant.user

    with pytest.raises(TransitionRefused) as info:
        dossier_return(by=user, dossier=dossier, method="online")

    assert (info.value.code, info.value.message) == (
        "not_online_channel",
        "This result is handed over at the counter or by post, not online.",
    )
    assert dossier_actions_for(dossier=dossier, user=user) == []
    dossier.refresh_from_db()
    assert (dossier.status, dossier.submitted_at) == (DossierStatus.RESOLVED, None)
    assert dossier_return(by=world.front_desk, dossier=dossier, method="counter").status == DossierStatus.RETURNED


def test_another_account_cannot_take_the_result_of_an_online_application():
    world = World()
    dossier = _issued(world, _online_brought_by_post(world))
    stranger = World().applicant.user

    with pytest.raises(TransitionRefused) as info:
        dossier_return(by=stranger, dossier=dossier, method="online")

    assert info.value.code == "role_required"
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED
