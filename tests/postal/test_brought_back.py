"""A result the post office brought back (chuyển hoàn): status 10 stays, and it is handed over anew."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from chinhquyen.dossiers import selectors
from chinhquyen.dossiers import services as dossier_services
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import DossierStatus, Substatus
from chinhquyen.postal.models import PostalShipment, SimulatedPostalOrder
from chinhquyen.postal.services import postal_result_send, postal_tracking_refresh
from chinhquyen.postal.simulator.orders import sim_order_advance

from .helpers import RECEIVER, resolved

pytestmark = pytest.mark.django_db


def _brought_back(office):
    dossier = resolved(office)
    sent_at = timezone.now().replace(microsecond=0) - timedelta(days=3)
    shipment = postal_result_send(by=office.front_desk, dossier=dossier, at=sent_at, **RECEIVER)
    order = SimulatedPostalOrder.objects.get(order_number=shipment.order_number)
    sim_order_advance(order)
    sim_order_advance(order, to="returned_to_sender", note="Không có người nhận")
    postal_tracking_refresh(shipment=shipment)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.substatus) == (DossierStatus.RETURNED, Substatus.RESULT_READY)
    return dossier, sent_at


def test_a_result_brought_back_is_handed_over_at_the_counter(office):
    dossier, sent_at = _brought_back(office)
    outcome = dossier.outcome
    assert "return" in selectors.dossier_actions_for(dossier=dossier, user=office.front_desk)
    at = timezone.now().replace(microsecond=0)

    done = dossier_services.dossier_return(by=office.front_desk, dossier=dossier, method="counter", at=at)

    done.refresh_from_db()
    assert (done.status, done.substatus, done.return_method) == (
        DossierStatus.RETURNED,
        Substatus.RESULT_HANDED_OVER,
        "counter",
    )
    # The hand-over is the counter's; on time or late was settled by the result's issue, and stays.
    assert (done.returned_at, done.outcome) == (at, outcome)
    returns = list(done.events.filter(action="return").order_by("pk").values_list("data__method", "at"))
    assert returns == [("postal", sent_at), ("counter", at)]


def test_a_result_brought_back_can_be_sent_by_post_again(office):
    dossier, _sent_at = _brought_back(office)

    again = postal_result_send(by=office.front_desk, dossier=dossier, **{**RECEIVER, "receiver_address": "Số 7"})

    dossier.refresh_from_db()
    assert (dossier.status, dossier.substatus) == (DossierStatus.RETURNED, Substatus.RESULT_AWAITING_CONFIRMATION)
    assert list(PostalShipment.objects.order_by("pk").values_list("state", "receiver_address")) == [
        ("returned_to_sender", "Số 5, thôn Đông"),
        ("created", "Số 7"),
    ]
    assert again.pk == PostalShipment.objects.order_by("pk").last().pk


def test_a_result_handed_over_cannot_be_returned_again(office):
    dossier = resolved(office)
    dossier_services.dossier_return(by=office.front_desk, dossier=dossier, method="counter")
    dossier.refresh_from_db()
    version = dossier.version

    assert "return" not in selectors.dossier_actions_for(dossier=dossier, user=office.front_desk)
    with pytest.raises(TransitionRefused) as refused:
        dossier_services.dossier_return(by=office.front_desk, dossier=dossier, method="counter")

    assert refused.value.code == "already_returned"
    assert refused.value.message == "The result of this dossier has already been handed over."
    dossier.refresh_from_db()
    assert (dossier.version, dossier.events.filter(action="return").count()) == (version, 1)


def test_a_result_on_its_way_cannot_be_returned_again(office):
    dossier = resolved(office)
    postal_result_send(by=office.front_desk, dossier=dossier, **RECEIVER)
    dossier.refresh_from_db()

    with pytest.raises(TransitionRefused) as refused:
        dossier_services.dossier_return(by=office.front_desk, dossier=dossier, method="counter")

    assert refused.value.code == "already_returned"
    assert PostalShipment.objects.count() == 1


def test_the_dossier_page_offers_the_return_again_and_the_counter_hands_it_over(office, as_user):
    dossier, _sent_at = _brought_back(office)
    client = as_user(office.front_desk)
    action = reverse("office:dossier_action", args=[dossier.pk, "return"])

    page = client.get(reverse("office:dossier", args=[dossier.pk])).content.decode()
    done = client.post(action, {"expected_version": dossier.version, "method": "counter"})

    assert action in page
    assert "Brought back by the postal service, not delivered" in page
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.return_method, dossier.substatus) == ("counter", Substatus.RESULT_HANDED_OVER)
    assert action not in client.get(reverse("office:dossier", args=[dossier.pk])).content.decode()
