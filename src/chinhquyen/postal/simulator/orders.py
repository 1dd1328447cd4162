"""The simulated partner's order book: what a real partner does on its side, kept in ``SimulatedPostalOrder``.

Rules that make it useful by hand and in tests:

- an order without a sender's or a receiver's name, phone, address, province or commune is refused;
- a receiver phone number ending in ``0000`` is refused, as a partner refuses an address it cannot serve
  (for a pickup order, the sender's: the postman collects the item there);
- item codes are UPU S10 barcodes (``EB000000014VN``) built from a serial number that starts at 1 in an
  empty database, so a test knows the code its first order gets;
- an order moves created → picked up → delivered or returned to the sender, by :func:`sim_order_advance`
  (the admin's actions and ``manage.py postal_sim_advance``); only a created order can be cancelled;
- creating an order again with the same reference returns the first one (unless it was cancelled).
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from ..client import KIND_DELIVERY, KIND_PICKUP, PostalError, Tracking
from ..models import OrderState, SimulatedPostalOrder

REFUSED_PHONE_SUFFIX = "0000"
ITEM_PREFIX = "EB"
COUNTRY = "VN"
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
# The next state when none is named, and every state change the partner allows.
NEXT_STATE = {OrderState.CREATED: OrderState.PICKED_UP, OrderState.PICKED_UP: OrderState.DELIVERED}
ALLOWED = {
    OrderState.CREATED: {OrderState.PICKED_UP, OrderState.CANCELLED},
    OrderState.PICKED_UP: {OrderState.DELIVERED, OrderState.RETURNED_TO_SENDER},
}
_PARTY_FIELDS = ("name", "phone", "address", "province_code", "commune_code")


def s10_check_digit(digits: str) -> int:
    """The check digit of an 8-digit S10 serial number (UPU standard S10)."""
    remainder = 11 - sum(int(d) * w for d, w in zip(digits, _S10_WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(remainder, remainder)


def item_code_for(serial: int) -> str:
    digits = f"{serial:08d}"
    return f"{ITEM_PREFIX}{digits}{s10_check_digit(digits)}{COUNTRY}"


def order_number_for(serial: int) -> str:
    return f"SIM{serial:08d}"


def _event(state: str, note: str = "") -> dict[str, str]:
    return {"state": state, "at": timezone.now().isoformat(), "note": note}


def _check(payload: dict[str, Any]) -> None:
    """Refuse an order the partner could not deliver, naming the field."""
    if not str(payload.get("reference") or "").strip():
        raise PostalError("The order has no customer reference.", code="invalid_order", field="reference")
    kind = payload.get("kind") or KIND_DELIVERY
    if kind not in (KIND_DELIVERY, KIND_PICKUP):
        raise PostalError(f"Unknown kind of order {kind!r}.", code="invalid_order", field="kind")
    # Both parties in full (Decision 45/2016): the postman goes to one, the item comes back to the other.
    for side in ("sender", "receiver"):
        if not isinstance(payload.get(side), dict):
            raise PostalError(f"The order has no {side}.", code="invalid_order", field=side)
        for name in _PARTY_FIELDS:
            if not str(payload[side].get(name) or "").strip():
                raise PostalError(f"The {side}'s {name} is missing.", code="invalid_order", field=f"{side}_{name}")
    # The party the postman goes to: the receiver of a delivery, the sender of a pickup.
    role = "sender" if kind == KIND_PICKUP else "receiver"
    party = payload[role]
    item = payload.get("item")
    if item is not None and not isinstance(item, dict):
        raise PostalError("The order's item must be an object.", code="invalid_order", field="item")
    cod = (item or {}).get("cod_amount", 0)
    if not isinstance(cod, int) or cod < 0:
        raise PostalError("The COD amount must be a whole number of VND.", code="invalid_order", field="cod_amount")
    if str(party["phone"]).endswith(REFUSED_PHONE_SUFFIX):
        what = "Pickup from" if kind == KIND_PICKUP else "Delivery to"
        raise PostalError(
            f"{what} this phone number is not accepted.", code=f"{role}_phone_refused", field=f"{role}_phone"
        )


def sim_order_create(*, customer_code: str, payload: dict[str, Any]) -> tuple[SimulatedPostalOrder, bool]:
    """Accept an order; return it and whether it is new (False: the reference's open order)."""
    _check(payload)
    reference = str(payload["reference"]).strip()
    orders = SimulatedPostalOrder.objects.filter(customer_code=customer_code, reference=reference)
    existing = orders.exclude(state=OrderState.CANCELLED).order_by("serial").first()
    if existing is not None:
        return existing, False
    for _attempt in range(5):
        serial = (SimulatedPostalOrder.objects.aggregate(m=Max("serial"))["m"] or 0) + 1
        try:
            with transaction.atomic():
                order = SimulatedPostalOrder.objects.create(
                    serial=serial,
                    order_number=order_number_for(serial),
                    item_code=item_code_for(serial),
                    customer_code=customer_code,
                    reference=reference,
                    payload=payload,
                    events=[_event(OrderState.CREATED)],
                )
        except IntegrityError:
            continue  # another order took the serial meanwhile
        return order, True
    raise PostalError("The postal simulator is busy; try again.", code="partner_busy", retryable=True)


def sim_order_get(*, customer_code: str, order_number: str) -> SimulatedPostalOrder:
    order = SimulatedPostalOrder.objects.filter(customer_code=customer_code, order_number=order_number).first()
    if order is None:
        raise PostalError(f"No order {order_number}.", code="order_not_found")
    return order


def sim_order_advance(order: SimulatedPostalOrder, *, to: str = "", note: str = "") -> SimulatedPostalOrder:
    """Move the order to ``to`` (default: its next state), as the postal service's work would."""
    target = to or NEXT_STATE.get(OrderState(order.state), "")
    if target not in ALLOWED.get(OrderState(order.state), set()):
        raise PostalError(
            f"An order {order.state} cannot become {target or 'anything else'}.", code="invalid_state_change"
        )
    order.state = target
    order.events = [*order.events, _event(target, note)]
    order.save(update_fields=["state", "events", "updated_at"])
    return order


def sim_order_cancel(*, customer_code: str, order_number: str) -> SimulatedPostalOrder:
    order = sim_order_get(customer_code=customer_code, order_number=order_number)
    if order.state == OrderState.CANCELLED:
        return order
    if order.state != OrderState.CREATED:
        raise PostalError("The item has been picked up already; it can no longer be cancelled.", code="not_cancellable")
    return sim_order_advance(order, to=OrderState.CANCELLED)


def sim_tracking(order: SimulatedPostalOrder) -> Tracking:
    return Tracking(
        order_number=order.order_number,
        item_code=order.item_code,
        state=order.state,
        events=tuple(dict(e) for e in order.events),
    )


def sim_tracking_json(order: SimulatedPostalOrder) -> dict[str, Any]:
    """The order as the simulator's API answers it."""
    return {
        "order_number": order.order_number,
        "item_code": order.item_code,
        "reference": order.reference,
        "state": order.state,
        "events": order.events,
    }
