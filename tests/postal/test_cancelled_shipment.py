"""A postal order the partner cancels: the parcel never left, so the result is back at the front desk.

Status 10 stays, as for a result brought back, with the sub-state ``result_ready`` and no hand-over time;
the front desk hands it over anew (at the counter, or by post again), and an online applicant downloads it.
Sending by post is the front desk's: the applicant's own rows never place an order.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.models import AuditEntry
from chinhquyen.dossiers import selectors
from chinhquyen.dossiers import services as dossier_services
from chinhquyen.dossiers.models import Dossier, DossierStatus, ReturnMethod, Substatus
from chinhquyen.postal.models import PostalShipment, SimulatedPostalOrder
from chinhquyen.postal.services import postal_result_send, postal_tracking_refresh
from chinhquyen.postal.simulator.orders import sim_order_advance
from tests.factories import UserFactory

from .helpers import FIRST_ITEM, FIRST_ORDER, RECEIVER, applicant_make, resolved

pytestmark = pytest.mark.django_db


def _cancelled(office, dossier: Dossier, *, by=None) -> Dossier:
    """``dossier`` sent by post three days ago, then the partner cancels the order before collecting it."""
    sent_at = timezone.now().replace(microsecond=0) - timedelta(days=3)
    shipment = postal_result_send(by=office.front_desk, dossier=dossier, at=sent_at, **RECEIVER)
    sim_order_advance(SimulatedPostalOrder.objects.get(order_number=shipment.order_number), to="cancelled")
    assert postal_tracking_refresh(shipment=shipment, by=by).state == "cancelled"
    return Dossier.objects.get(pk=dossier.pk)


def test_a_cancelled_order_puts_the_result_back_at_the_front_desk(office):
    back = _cancelled(office, resolved(office))

    assert (back.status, back.substatus, back.returned_at, back.return_method) == (
        DossierStatus.RETURNED,
        Substatus.RESULT_READY,
        None,
        ReturnMethod.POSTAL,  # the applicant is told the post could not bring it: contact the agency
    )
    assert back.outcome == "early"  # judged by the result's issue, and it stays
    event = back.events.last()
    assert (event.action, event.actor, event.from_status, event.to_status) == ("postal_cancelled", None, 10, 10)
    assert event.data == {"order_number": FIRST_ORDER, "item_code": FIRST_ITEM}
    assert AuditEntry.objects.filter(action="dossier.postal_cancelled", target=f"dossier:{back.pk}").count() == 1
    assert selectors.dossier_actions_for(dossier=back, user=office.front_desk) == ["return"]
    assert [row.dossier.pk for row in selectors.dossier_inbox(officer=office.front_desk)] == [back.pk]


def test_the_officer_who_read_the_cancellation_is_its_events_actor(office):
    back = _cancelled(office, resolved(office), by=office.front_desk)

    assert (back.events.last().action, back.events.last().actor) == ("postal_cancelled", office.front_desk)


def test_reading_a_cancelled_order_again_changes_nothing(office):
    back = _cancelled(office, resolved(office))
    shipment = PostalShipment.objects.get()

    assert postal_tracking_refresh(shipment=shipment).state == "cancelled"

    again = Dossier.objects.get(pk=back.pk)
    assert (again.version, again.events.filter(action="postal_cancelled").count()) == (back.version, 1)


def test_a_result_whose_order_was_cancelled_is_handed_over_at_the_counter(office):
    back = _cancelled(office, resolved(office))
    at = timezone.now().replace(microsecond=0)

    done = dossier_services.dossier_return(by=office.front_desk, dossier=back, method="counter", at=at)

    assert (done.status, done.substatus, done.return_method, done.returned_at) == (
        DossierStatus.RETURNED,
        Substatus.RESULT_HANDED_OVER,
        ReturnMethod.COUNTER,
        at,
    )
    assert list(done.events.filter(action="return").order_by("pk").values_list("data__method", flat=True)) == [
        "postal",
        "counter",
    ]
    assert selectors.dossier_inbox(officer=office.front_desk) == []


def test_a_result_whose_order_was_cancelled_can_be_sent_by_post_again(office):
    back = _cancelled(office, resolved(office))

    again = postal_result_send(by=office.front_desk, dossier=back, **RECEIVER)

    back.refresh_from_db()
    assert (back.status, back.substatus, back.returned_at) == (
        DossierStatus.RETURNED,
        Substatus.RESULT_AWAITING_CONFIRMATION,
        again.handed_over_at,
    )
    assert list(SimulatedPostalOrder.objects.order_by("pk").values_list("reference", "state")) == [
        (back.code, "cancelled"),
        (f"{back.code}-2", "created"),
    ]


def test_an_online_applicant_downloads_a_result_whose_order_was_cancelled(office):
    user = UserFactory(username="citizen.c")
    dossier = dossier_services.dossier_submit_online(
        by=user,
        applicant=applicant_make(user=user),
        procedure=office.procedure,
        receiving_agency=office.agency,
        form_data={},
    )
    dossier_services.dossier_receive(by=office.front_desk, dossier=dossier)
    dossier_services.dossier_forward(by=office.specialist, dossier=dossier)
    dossier = dossier_services.dossier_issue_result(by=office.leader, dossier=dossier, text="Đồng ý cấp.")
    back = _cancelled(office, dossier)
    result = back.documents.get(kind="result")
    assert selectors.document_open_to_applicant(dossier=back, document=result) is False

    done = dossier_services.online_result_downloaded(by=user, dossier=back)

    assert (done.substatus, done.return_method) == (Substatus.RESULT_HANDED_OVER, ReturnMethod.ONLINE)
    assert selectors.document_open_to_applicant(dossier=done, document=result) is True


def test_the_applicant_cannot_place_an_order_to_send_the_result(office):
    user = UserFactory(username="citizen.d")
    dossier = dossier_services.dossier_submit_online(
        by=user,
        applicant=applicant_make(user=user),
        procedure=office.procedure,
        receiving_agency=office.agency,
        form_data={},
    )
    dossier_services.dossier_receive(by=office.front_desk, dossier=dossier)
    dossier_services.dossier_forward(by=office.specialist, dossier=dossier)
    dossier = dossier_services.dossier_issue_result(by=office.leader, dossier=dossier, text="Đồng ý cấp.")

    with pytest.raises(InvalidInput) as refused:
        postal_result_send(by=user, dossier=dossier, **RECEIVER)

    assert refused.value.code == "online_only"
    assert (SimulatedPostalOrder.objects.count(), PostalShipment.objects.count()) == (0, 0)  # the partner never asked
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED
