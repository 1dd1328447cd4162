"""Paper dossiers collected by post: the order at the partner, its tracking, and reception at the counter."""

import re
from datetime import datetime

import pytest
from django.urls import reverse

from chinhquyen.core.audit import AuditEntry
from chinhquyen.core.errors import InvalidInput
from chinhquyen.dossiers import services
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import Channel, DossierEvent, DossierStatus, Substatus
from chinhquyen.postal.errors import PostalRefused
from chinhquyen.postal.models import Direction, OrderState, PostalShipment, SimulatedPostalOrder
from chinhquyen.postal.pickups import postal_pickup_cancel, postal_pickup_order
from chinhquyen.postal.services import postal_tracking_refresh
from chinhquyen.postal.simulator.orders import sim_order_advance
from tests.factories import UserFactory
from tests.office.helpers import office_make

from .helpers import COMMUNE, FIRST_ITEM, FIRST_ORDER, applicant_make

pytestmark = pytest.mark.django_db

PLACE = {
    "pickup_name": "Trần Thị Bình",
    "pickup_phone": "0912 345 678",
    "pickup_address": "Số 5, thôn Đông",
    "pickup_division_code": COMMUNE,
}


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def submitted(office, applicant=None):
    """An online application waiting at the office's front desk (status 1)."""
    applicant = applicant or applicant_make(user=UserFactory())
    return services.dossier_submit_online(
        by=applicant.user, applicant=applicant, procedure=office.procedure, receiving_agency=office.agency, form_data={}
    )


def ordered(office, **overrides):
    dossier = submitted(office)
    shipment = postal_pickup_order(by=dossier.applicant.user, dossier=dossier, **{**PLACE, **overrides})
    return dossier, shipment


def advance(to: str = "") -> SimulatedPostalOrder:
    return sim_order_advance(SimulatedPostalOrder.objects.get(order_number=FIRST_ORDER), to=to)


def at_of(order: SimulatedPostalOrder, state: str) -> datetime:
    return datetime.fromisoformat(next(e["at"] for e in order.events if e["state"] == state))


# --- The order ----------------------------------------------------------------------------------


def test_the_order_asks_the_partner_to_collect_at_the_applicant_and_the_dossier_waits_for_it(office):
    dossier = submitted(office)
    version = dossier.version

    shipment = postal_pickup_order(by=dossier.applicant.user, dossier=dossier, expected_version=version, **PLACE)

    order = SimulatedPostalOrder.objects.get()
    assert (order.order_number, order.item_code, order.reference) == (FIRST_ORDER, FIRST_ITEM, f"HS{dossier.pk}-V0")
    assert order.payload["kind"] == "pickup"
    assert order.payload["sender"] == {
        "name": "Trần Thị Bình",
        "phone": "0912345678",
        "address": "Số 5, thôn Đông",
        "province_code": "37",
        "commune_code": COMMUNE,
    }
    assert order.payload["receiver"]["name"] == office.agency.name
    assert order.payload["item"]["cod_amount"] == 0
    assert (shipment.direction, shipment.state, shipment.handed_over_at, shipment.item_code) == (
        Direction.DOSSIER_PICKUP,
        OrderState.CREATED,
        None,
        FIRST_ITEM,
    )
    assert shipment.receiver_place == "Xã Gia Viễn, Ninh Bình"
    # Written in Vietnamese, the language the postal partner receives.
    assert shipment.description == f"Giấy tờ của hồ sơ nộp trực tuyến số {dossier.pk} gửi {office.agency.name}"
    dossier.refresh_from_db()
    assert (dossier.status, dossier.substatus, dossier.channel, dossier.version) == (
        DossierStatus.SUBMITTED,
        Substatus.PICKUP_REQUESTED,
        Channel.ONLINE,
        version + 1,
    )
    event = DossierEvent.objects.get(dossier=dossier, action="pickup_request")
    assert (event.actor, event.internal, event.data["order_number"], event.data["item_code"]) == (
        dossier.applicant.user,
        False,
        FIRST_ORDER,
        FIRST_ITEM,
    )
    assert AuditEntry.objects.filter(action="postal.pickup_order", target=f"postal_shipment:{shipment.pk}").exists()


def test_a_phone_the_partner_refuses_is_named_at_its_field_and_nothing_changes(office):
    dossier = submitted(office)

    with pytest.raises(PostalRefused) as info:
        postal_pickup_order(by=dossier.applicant.user, dossier=dossier, **{**PLACE, "pickup_phone": "0912340000"})

    assert (info.value.field, info.value.params["partner_code"]) == ("pickup_phone", "sender_phone_refused")
    assert info.value.message == "The postal partner does not collect from this phone number; give another one."
    assert PostalShipment.objects.count() == 0
    dossier.refresh_from_db()
    assert (dossier.substatus, dossier.version) == (Substatus.NONE, 0)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        pytest.param("pickup_name", " ", "Give the name of the person who hands the documents over.", id="name"),
        pytest.param(
            "pickup_phone",
            "12345",
            "Give a phone number for the postman: 10 digits starting with 0, such as 0912345678.",
            id="phone",
        ),
        pytest.param(
            "pickup_address", "", "Give the address to collect from (house number, street, village).", id="address"
        ),
        pytest.param(
            "pickup_division_code",
            "37",
            "37 is not a commune code of the 2025 divisions (5 digits).",
            id="commune",
        ),
    ],
)
def test_the_place_is_checked_before_the_partner_is_asked(office, field, value, message):
    dossier = submitted(office)

    with pytest.raises(InvalidInput) as info:
        postal_pickup_order(by=dossier.applicant.user, dossier=dossier, **{**PLACE, field: value})

    assert (info.value.field, info.value.message) == (field, message)
    assert SimulatedPostalOrder.objects.count() == 0


def test_only_the_applicant_of_an_online_application_waiting_at_the_counter_may_order(office):
    waiting = submitted(office)
    other = applicant_make(user=UserFactory())
    at_the_counter = services.dossier_create_at_counter(
        by=office.front_desk, procedure=office.procedure, applicant=other
    )
    received = services.dossier_receive(by=office.front_desk, dossier=submitted(office))

    def code(by, dossier):
        with pytest.raises(TransitionRefused) as info:
            postal_pickup_order(by=by, dossier=dossier, **PLACE)
        return info.value.code

    codes = [
        code(other.user, waiting),
        code(office.front_desk, waiting),
        code(other.user, at_the_counter),
        code(received.applicant.user, received),
    ]
    postal_pickup_order(by=waiting.applicant.user, dossier=waiting, **PLACE)
    codes.append(code(waiting.applicant.user, waiting))

    assert codes == [
        "role_required",
        "role_required",
        "transition_not_allowed",
        "transition_not_allowed",
        "pickup_not_open",
    ]
    assert SimulatedPostalOrder.objects.count() == 1  # the refusals never reached the partner


def test_the_partners_order_is_cancelled_when_our_record_fails(office, monkeypatch):
    dossier = submitted(office)

    def broken(**kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr("chinhquyen.postal.pickups.dossier_pickup_request", broken)
    with pytest.raises(RuntimeError):
        postal_pickup_order(by=dossier.applicant.user, dossier=dossier, **PLACE)

    assert SimulatedPostalOrder.objects.get().state == OrderState.CANCELLED
    assert PostalShipment.objects.count() == 0
    dossier.refresh_from_db()
    assert dossier.substatus == Substatus.NONE


# --- Calling it off -----------------------------------------------------------------------------


def test_the_applicant_calls_the_pickup_off_before_the_postman_comes_and_may_order_again(office):
    dossier, shipment = ordered(office)

    cancelled = postal_pickup_cancel(by=dossier.applicant.user, dossier=dossier, expected_version=1)

    assert (cancelled.pk, cancelled.state) == (shipment.pk, OrderState.CANCELLED)
    assert SimulatedPostalOrder.objects.get(order_number=FIRST_ORDER).state == OrderState.CANCELLED
    dossier.refresh_from_db()
    assert (dossier.status, dossier.substatus, dossier.channel, dossier.version) == (
        DossierStatus.SUBMITTED,
        Substatus.NONE,
        Channel.ONLINE,
        2,
    )
    event = DossierEvent.objects.get(dossier=dossier, action="pickup_cancel")
    assert (event.actor, event.internal, event.data) == (
        dossier.applicant.user,
        False,
        {"order_number": FIRST_ORDER, "item_code": FIRST_ITEM},
    )
    assert (
        AuditEntry.objects.filter(action="postal.pickup_cancel", target=f"postal_shipment:{shipment.pk}").count() == 1
    )
    assert postal_tracking_refresh(shipment=cancelled) == cancelled  # final: not read again
    again = postal_pickup_order(by=dossier.applicant.user, dossier=dossier, **PLACE)
    assert again.order_number == "SIM00000002"


def test_once_collected_the_pickup_cannot_be_called_off_and_nothing_changes(office):
    dossier, shipment = ordered(office)
    advance()  # the postman has the documents

    with pytest.raises(PostalRefused) as refused:
        postal_pickup_cancel(by=dossier.applicant.user, dossier=dossier)

    assert refused.value.code == "pickup_collected"
    assert (
        refused.value.message
        == "The postman has collected the documents already: the pickup can no longer be called off."
    )
    dossier.refresh_from_db()
    shipment.refresh_from_db()
    assert (dossier.substatus, dossier.version, shipment.state) == (Substatus.PICKUP_REQUESTED, 1, OrderState.CREATED)
    assert not DossierEvent.objects.filter(dossier=dossier, action="pickup_cancel").exists()


def test_only_the_applicant_may_call_off_a_pickup_that_waits(office):
    dossier, _shipment = ordered(office)
    plain = submitted(office)

    def code(by, target):
        with pytest.raises(TransitionRefused) as info:
            postal_pickup_cancel(by=by, dossier=target)
        return info.value.code

    codes = [
        code(office.front_desk, dossier),
        code(applicant_make(user=UserFactory()).user, dossier),
        code(plain.applicant.user, plain),
    ]

    assert codes == ["role_required", "role_required", "no_pickup_requested"]
    assert SimulatedPostalOrder.objects.get().state == OrderState.CREATED  # the partner was never asked


# --- Tracking -----------------------------------------------------------------------------------


def test_collected_then_delivered_to_the_agency_marks_the_dossier_arrived_by_post(office):
    dossier, shipment = ordered(office)

    collected = advance()
    shipment = postal_tracking_refresh(shipment=shipment)
    assert (shipment.state, shipment.handed_over_at, shipment.delivered_at) == (
        OrderState.PICKED_UP,
        at_of(collected, OrderState.PICKED_UP),
        None,
    )
    dossier.refresh_from_db()
    assert dossier.substatus == Substatus.PICKUP_REQUESTED
    delivered = advance()
    shipment = postal_tracking_refresh(shipment=shipment)

    assert (shipment.state, shipment.delivered_at) == (OrderState.DELIVERED, at_of(delivered, OrderState.DELIVERED))
    dossier.refresh_from_db()
    assert (dossier.status, dossier.substatus, dossier.channel, dossier.version) == (
        DossierStatus.SUBMITTED,
        Substatus.PICKUP_ARRIVED,
        Channel.POSTAL,
        2,
    )
    event = DossierEvent.objects.get(dossier=dossier, action="postal_pickup_arrived")
    assert (event.actor, event.at, event.data) == (
        None,
        at_of(delivered, OrderState.DELIVERED),
        {"order_number": FIRST_ORDER, "item_code": FIRST_ITEM},
    )
    assert AuditEntry.objects.filter(action="dossier.postal_pickup_arrived", target=f"dossier:{dossier.pk}").exists()
    assert postal_tracking_refresh(shipment=shipment) == shipment  # final: not read again


def test_a_pickup_brought_back_lets_the_applicant_order_again(office):
    dossier, shipment = ordered(office)
    advance()
    advance(OrderState.RETURNED_TO_SENDER)

    postal_tracking_refresh(shipment=shipment, by=office.front_desk)

    dossier.refresh_from_db()
    assert (dossier.substatus, dossier.channel) == (Substatus.NONE, Channel.ONLINE)
    assert DossierEvent.objects.get(dossier=dossier, action="postal_pickup_failed").actor == office.front_desk
    again = postal_pickup_order(by=dossier.applicant.user, dossier=dossier, **PLACE)
    assert (again.order_number, SimulatedPostalOrder.objects.get(order_number=again.order_number).reference) == (
        "SIM00000002",
        f"HS{dossier.pk}-V2",
    )


def test_an_application_received_before_its_paper_arrives_is_left_as_it_is(office):
    dossier, shipment = ordered(office)
    services.dossier_receive(by=office.front_desk, dossier=dossier)
    advance()
    advance()

    shipment = postal_tracking_refresh(shipment=shipment)

    assert shipment.state == OrderState.DELIVERED
    dossier.refresh_from_db()
    assert (dossier.status, dossier.substatus, dossier.channel) == (DossierStatus.RECEIVED, Substatus.NONE, 2)
    assert not DossierEvent.objects.filter(dossier=dossier, action="postal_pickup_arrived").exists()


# --- The office ---------------------------------------------------------------------------------


def test_the_front_desk_follows_the_pickup_then_receives_the_paper_dossier(as_user, office):
    dossier, shipment = ordered(office)
    client = as_user(office.front_desk)
    pickups = reverse("office:postal_pickups")

    listed = _text(client.get(pickups))
    advance()
    refreshed = client.post(
        reverse("office:postal_refresh", args=[dossier.pk]), {"shipment": shipment.pk, "next": "pickups"}
    )
    after = _text(client.get(refreshed["Location"]))
    advance()
    client.post(reverse("office:postal_refresh", args=[dossier.pk]), {"shipment": shipment.pk, "next": "pickups"})
    inbox = _text(client.get(reverse("office:inbox")))

    assert f"<strong>{FIRST_ITEM}</strong>" in listed
    assert "Order created" in listed
    assert "Trần Thị Bình · 0912345678" in listed
    assert "Xã Gia Viễn, Ninh Bình" in listed
    assert "Paper documents to be collected by post" in listed
    assert refreshed["Location"] == pickups
    assert f"Item {FIRST_ITEM}: Picked up by the postal service." in after
    assert reverse("office:reception_dossier", args=[dossier.pk]) in inbox
    assert '<span class="badge">Paper documents arrived by post</span>' in inbox

    ticked = client.post(
        reverse("office:reception_documents", args=[dossier.pk]),
        {"expected_version": 2, "required_documents": [str(d.pk) for d in office.documents]},
    )
    received = client.post(reverse("office:dossier_action", args=[dossier.pk, "receive"]), {"expected_version": 3})

    assert ticked.status_code == 302
    assert received["Location"] == reverse("office:reception_outcome", args=[dossier.pk])
    dossier.refresh_from_db()
    assert (dossier.status, dossier.channel, dossier.substatus) == (DossierStatus.RECEIVED, Channel.POSTAL, "")
    assert dossier.code
    assert sorted(dossier.documents.filter(received=True).values_list("name", flat=True)) == [
        "Giấy chứng sinh",
        "Tờ khai đăng ký khai sinh",
    ]
    page = _text(client.get(reverse("office:dossier", args=[dossier.pk])))
    assert "Paper documents collected by post" in page
    assert "Paper documents arrived by post</strong>" in page  # the timeline row
    assert "Pickup of the paper documents by post ordered</strong>" in page
    assert "By post" in page  # the channel


def test_pickups_are_listed_to_the_front_desk_of_the_receiving_agency_only(as_user, office):
    ordered(office)
    other = office_make(prefix="q")

    elsewhere = _text(as_user(other.front_desk).get(reverse("office:postal_pickups")))
    specialist = as_user(office.specialist).get(reverse("office:postal_pickups"))

    assert FIRST_ITEM not in elsewhere
    assert "No pickup has been ordered for your counter." in elsewhere
    assert specialist.status_code == 403
