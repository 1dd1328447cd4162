"""Returning a result by post: the partner's order, then the dossier returned (status 10), or nothing at all."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext

from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.models import AuditEntry
from chinhquyen.dossiers import services as dossier_services
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import DossierStatus, ReturnMethod, Substatus
from chinhquyen.postal.client import PostalError
from chinhquyen.postal.errors import PostalRefused, PostalUnavailable
from chinhquyen.postal.models import PostalShipment, SimulatedPostalOrder
from chinhquyen.postal.services import postal_result_send, postal_tracking_refresh, postal_tracking_refresh_open
from chinhquyen.postal.simulator.backend import SimulatorBackend
from chinhquyen.postal.simulator.orders import sim_order_advance

from .helpers import COMMUNE, FIRST_ITEM, FIRST_ORDER, RECEIVER, resolved

pytestmark = pytest.mark.django_db


def _send(office, dossier, **overrides):
    return postal_result_send(by=office.front_desk, dossier=dossier, **{**RECEIVER, **overrides})


def _sim_order():
    return SimulatedPostalOrder.objects.get()


def test_sending_by_post_returns_the_dossier_and_records_the_shipment(office):
    dossier = resolved(office)
    at = timezone.now().replace(microsecond=0)

    shipment = _send(office, dossier, cod_amount="30000", at=at)

    dossier.refresh_from_db()
    assert (dossier.status, dossier.return_method, dossier.returned_at) == (DossierStatus.RETURNED, "postal", at)
    assert dossier.substatus == Substatus.RESULT_AWAITING_CONFIRMATION
    assert dossier.events.get(action="return").data == {"method": "postal", "outcome": dossier.outcome}
    assert (shipment.order_number, shipment.item_code, shipment.state) == (FIRST_ORDER, FIRST_ITEM, "created")
    assert (shipment.receiver_name, shipment.receiver_phone, shipment.receiver_address) == (
        "Trần Thị Bình",
        "0912345678",
        "Số 5, thôn Đông",
    )
    assert (shipment.receiver_division_code, shipment.receiver_province_code) == (COMMUNE, "37")
    assert shipment.receiver_place == "Xã Gia Viễn, Ninh Bình"
    assert (shipment.cod_amount, shipment.handed_over_at, shipment.created_by) == (30000, at, office.front_desk)
    with translation.override("vi"):  # printed on the parcel in the platform's language, whoever sends it
        assert shipment.description == gettext("Result of dossier %(code)s") % {"code": dossier.code}
    order = _sim_order()
    assert order.reference == dossier.code
    assert order.payload["sender"]["province_code"] == "37"
    entry = AuditEntry.objects.filter(action="postal.result_send").get()
    assert entry.target == f"postal_shipment:{shipment.pk}"
    assert entry.data["item_code"] == FIRST_ITEM
    assert entry.actor == office.front_desk


def test_a_refusal_by_the_partner_changes_nothing(office):
    dossier = resolved(office)
    version, events = dossier.version, dossier.events.count()

    with pytest.raises(PostalRefused) as refused:
        _send(office, dossier, receiver_phone="0912340000")

    assert refused.value.code == "postal_refused"
    assert refused.value.field == "receiver_phone"
    assert refused.value.message == (
        "The postal partner does not accept deliveries to this phone number; check it with the applicant."
    )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.version, dossier.events.count()) == (DossierStatus.RESOLVED, version, events)
    assert dossier.return_method == ""
    assert PostalShipment.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        pytest.param("receiver_name", " ", "Give the receiver's name.", id="name"),
        pytest.param(
            "receiver_phone",
            "12345",
            "Give the receiver's phone number: 10 digits starting with 0, such as 0912345678.",
            id="phone",
        ),
        pytest.param(
            "receiver_division_code",
            "99999",
            "99999 is not a commune code of the 2025 divisions (5 digits).",
            id="commune",
        ),
        pytest.param(
            "receiver_division_code", "37", "37 is not a commune code of the 2025 divisions (5 digits).", id="province"
        ),
        pytest.param(
            "cod_amount",
            "-1",
            "The amount collected on delivery is a whole number of VND from 0 to 100.000.000.",
            id="cod",
        ),
    ],
)
def test_bad_receiver_details_are_refused_before_the_partner_is_asked(office, field, value, message):
    dossier = resolved(office)

    with pytest.raises(InvalidInput) as refused:
        _send(office, dossier, **{field: value})

    assert (refused.value.field, refused.value.message) == (field, message)
    assert SimulatedPostalOrder.objects.count() == 0


def test_an_officer_who_may_not_return_it_gets_no_order_placed(office):
    dossier = resolved(office)

    with pytest.raises(TransitionRefused) as refused:
        postal_result_send(by=office.specialist, dossier=dossier, **RECEIVER)

    assert refused.value.code == "role_required"
    assert SimulatedPostalOrder.objects.count() == 0


def test_a_stale_form_is_refused_before_the_partner_is_asked(office):
    dossier = resolved(office)

    with pytest.raises(TransitionRefused) as refused:
        _send(office, dossier, expected_version=dossier.version - 1)

    assert refused.value.code == "stale_version"
    assert SimulatedPostalOrder.objects.count() == 0


class _ReturnedMeanwhile(SimulatorBackend):
    """The partner is slow: while it takes the order, another officer returns the result at the counter."""

    def __init__(self, office, dossier):
        super().__init__(customer_code="CHINHQUYEN-DEV")
        self.office, self.dossier = office, dossier

    def order_create(self, order):
        receipt = super().order_create(order)
        dossier_services.dossier_return(
            by=self.office.front_desk, dossier=type(self.dossier).objects.get(pk=self.dossier.pk), method="counter"
        )
        return receipt


def test_the_partner_order_is_cancelled_when_the_dossier_cannot_be_returned(office, monkeypatch):
    dossier = resolved(office)
    monkeypatch.setattr("chinhquyen.postal.services.postal_client", lambda: _ReturnedMeanwhile(office, dossier))

    with pytest.raises(TransitionRefused) as refused:
        _send(office, dossier)

    assert refused.value.code == "already_returned"
    assert _sim_order().state == "cancelled"
    assert PostalShipment.objects.count() == 0
    dossier.refresh_from_db()
    assert (dossier.status, dossier.return_method) == (DossierStatus.RETURNED, ReturnMethod.COUNTER)


def test_a_failure_of_our_records_cancels_the_partner_order(office, monkeypatch):
    dossier = resolved(office)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("chinhquyen.postal.services.dossier_result_awaiting_delivery", broken)

    with pytest.raises(RuntimeError, match="disk full"):
        _send(office, dossier)

    assert _sim_order().state == "cancelled"
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED
    assert PostalShipment.objects.count() == 0


def test_no_partner_configured_is_a_clear_refusal(office, settings):
    settings.POSTAL_BACKEND = ""
    dossier = resolved(office)

    with pytest.raises(PostalUnavailable) as unavailable:
        _send(office, dossier)

    assert unavailable.value.code == "postal_disabled"
    assert unavailable.value.message == "Sending results by post is not set up on this platform."


def test_an_unreachable_partner_changes_nothing(office, monkeypatch):
    dossier = resolved(office)

    class Down(SimulatorBackend):
        def order_create(self, order):
            raise PostalError("timeout", code="partner_unreachable", retryable=True)

    monkeypatch.setattr("chinhquyen.postal.services.postal_client", lambda: Down(customer_code="x"))

    with pytest.raises(PostalUnavailable) as unavailable:
        _send(office, dossier)

    assert unavailable.value.message == (
        "The postal partner cannot be reached now; nothing was changed. Try again in a few minutes."
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED


def test_tracking_to_delivered_hands_the_result_over(office):
    dossier = resolved(office)
    shipment = _send(office, dossier)
    returned_version = type(dossier).objects.get(pk=dossier.pk).version

    sim_order_advance(_sim_order())
    picked = postal_tracking_refresh(shipment=shipment, by=office.front_desk)
    dossier.refresh_from_db()
    assert (picked.state, dossier.substatus) == ("picked_up", Substatus.RESULT_AWAITING_CONFIRMATION)

    sim_order_advance(_sim_order())
    delivered = postal_tracking_refresh(shipment=picked)

    dossier.refresh_from_db()
    assert delivered.state == "delivered"
    assert delivered.delivered_at is not None
    assert [e["state"] for e in delivered.events] == ["created", "picked_up", "delivered"]
    assert dossier.substatus == Substatus.RESULT_HANDED_OVER
    assert dossier.status == DossierStatus.RETURNED
    assert dossier.version == returned_version + 1
    event = dossier.events.last()
    assert (event.action, event.actor, event.from_status, event.to_status) == ("postal_delivered", None, 10, 10)
    assert event.data == {"order_number": FIRST_ORDER, "item_code": FIRST_ITEM}
    assert AuditEntry.objects.filter(action="dossier.postal_delivered", target=f"dossier:{dossier.pk}").count() == 1
    assert list(AuditEntry.objects.filter(action="postal.tracking").values_list("data__to", flat=True)) == [
        "picked_up",
        "delivered",
    ]
    # Read again: a delivered shipment is final, nothing more changes.
    assert postal_tracking_refresh(shipment=delivered).state == "delivered"
    assert dossier.events.filter(action="postal_delivered").count() == 1


def test_an_item_returned_to_the_sender_makes_the_result_ready_again(office):
    dossier = resolved(office)
    shipment = _send(office, dossier)
    order = _sim_order()
    sim_order_advance(order)
    sim_order_advance(order, to="returned_to_sender", note="Không có người nhận")

    back = postal_tracking_refresh(shipment=shipment, by=office.front_desk)

    dossier.refresh_from_db()
    assert back.state == "returned_to_sender"
    assert back.delivered_at is None
    assert dossier.substatus == Substatus.RESULT_READY
    event = dossier.events.last()
    assert (event.action, event.actor) == ("postal_returned_to_sender", office.front_desk)


def test_the_sweep_and_the_commands_follow_open_shipments(office):
    first = _send(office, resolved(office))
    _send(office, resolved(office))

    call_command("postal_sim_advance", first.order_number, "--to", "picked_up")
    counts = postal_tracking_refresh_open()
    call_command("postal_sim_advance", "--all")
    call_command("postal_track")

    assert counts == {"refreshed": 2, "changed": 1, "failed": 0}
    assert sorted(PostalShipment.objects.values_list("state", flat=True)) == ["delivered", "picked_up"]
    tracked = PostalShipment.objects.get(pk=first.pk).tracked_at
    assert tracked is not None
    assert tracked > timezone.now() - timedelta(hours=1)
