"""Services (writes) of the postal app: return a result by post, follow its delivery (pickups: ``pickups.py``).

The partner is called outside any transaction of ours: a slow partner must not hold the dossier's lock.
So sending is two steps, the partner's order first, then our records in one transaction; if our part
fails after the partner accepted, the partner's order is cancelled (compensation).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from vietnam_provinces import Ward, WardCode

from chinhquyen.core.audit import audit_record
from chinhquyen.core.errors import DomainError, InvalidInput
from chinhquyen.core.phones import PHONE_RE, phone_normalise
from chinhquyen.core.text import clean
from chinhquyen.directory.models import Agency, User
from chinhquyen.dossiers.models import Dossier, ReturnMethod
from chinhquyen.dossiers.services import (
    dossier_pickup_arrival_record,
    dossier_result_awaiting_delivery,
    dossier_result_delivery_record,
)
from chinhquyen.dossiers.services.base import version_check
from chinhquyen.dossiers.services.processing import (
    dossier_result_post_cancelled_record,
    dossier_return_by_post,
    return_method_check,
)
from chinhquyen.dossiers.transitions import Transition, transition_find

from .client import DeliveryOrder, OrderReceipt, Party, PostalBackend, PostalError, postal_client
from .errors import PostalRefused, PostalSenderIncomplete, PostalUnavailable
from .models import FINAL_STATES, Direction, OrderState, PostalShipment
from .selectors import postal_pickups_to_call_off, postal_shipments_open

logger = logging.getLogger(__name__)

# The largest amount the partner collects on delivery of one item, in VND (?: the partner's contract).
MAX_COD_AMOUNT = 100_000_000


def _province_of_commune(code: str) -> str | None:
    """The province code of a 2025 commune code, or None if ``code`` is not one."""
    if len(code) != 5 or not code.isdigit():
        return None
    try:
        ward = Ward.from_code(WardCode(int(code)))
    except ValueError:
        return None
    return f"{int(ward.province_code):02d}"


@dataclass(frozen=True)
class PartyMessages:
    """What to say of each missing or wrong part of a party, in the words of its form."""

    name: str
    phone: str
    address: str


def party_check(
    *, name: str, phone: str, address: str, division_code: str, prefix: str, messages: PartyMessages
) -> Party:
    """The party as the partner needs it, or InvalidInput naming the field ``<prefix>_<part>`` at fault."""
    name, address, division_code = clean(name), clean(address), clean(division_code)
    phone = phone_normalise(clean(phone))
    if not name:
        raise InvalidInput(messages.name, code=f"{prefix}_name", field=f"{prefix}_name")
    if not PHONE_RE.fullmatch(phone):
        raise InvalidInput(messages.phone, code=f"{prefix}_phone", field=f"{prefix}_phone")
    if not address:
        raise InvalidInput(messages.address, code=f"{prefix}_address", field=f"{prefix}_address")
    province = _province_of_commune(division_code)
    if province is None:
        raise InvalidInput(
            _("%(code)s is not a commune code of the 2025 divisions (5 digits).") % {"code": division_code or "—"},
            code=f"{prefix}_division_code",
            field=f"{prefix}_division_code",
        )
    return Party(name=name, phone=phone, address=address, province_code=province, commune_code=division_code)


def receiver_check(*, name: str, phone: str, address: str, division_code: str) -> Party:
    """The receiver of a result as the partner needs it, or InvalidInput naming the field at fault."""
    messages = PartyMessages(
        name=_("Give the receiver's name."),
        phone=_("Give the receiver's phone number: 10 digits starting with 0, such as 0912345678."),
        address=_("Give the receiver's address (house number, street, village)."),
    )
    return party_check(
        name=name, phone=phone, address=address, division_code=division_code, prefix="receiver", messages=messages
    )


def cod_check(amount: Any) -> int:
    """The amount to collect on delivery, a whole number of VND from 0 to :data:`MAX_COD_AMOUNT`."""
    try:
        value = Decimal(str(amount if amount not in (None, "") else 0))
    except InvalidOperation:
        value = Decimal(-1)
    if value != value.to_integral_value() or not 0 <= value <= MAX_COD_AMOUNT:
        raise InvalidInput(
            _("The amount collected on delivery is a whole number of VND from 0 to %(max)s.")
            % {"max": f"{MAX_COD_AMOUNT:,}".replace(",", ".")},
            code="cod_amount",
            field="cod_amount",
        )
    return int(value)


def agency_party(agency: Agency) -> Party:
    """The agency's side of an order (sender of a result, receiver of a pickup), as the partner needs it.

    Its commune is that of its address, or its division if that is a commune (a province-level agency's is the
    province). PostalSenderIncomplete names what the directory lacks, before the partner is asked.
    """
    division = agency.division_code or ""
    commune = agency.address_division_code or (division if len(division) == 5 else "")
    missing = [] if clean(agency.name) else [_("name")]
    if not PHONE_RE.fullmatch(phone_normalise(clean(agency.phone))):
        missing.append(_("phone number"))
    if not clean(agency.address):
        missing.append(_("address"))
    if _province_of_commune(commune) is None:
        missing.append(_("commune of the address"))
    if missing:
        raise PostalSenderIncomplete(
            _(
                "The post office needs the %(missing)s of %(agency)s, which the directory does not give: an"
                " administrator must complete the agency's address in the directory first."
            )
            % {"missing": ", ".join(missing), "agency": agency.name},
            code="postal_sender_incomplete",
        )
    # The applicant's side's check, for the same values: it passes once nothing is missing.
    messages = PartyMessages(name="", phone="", address="")
    return party_check(
        name=agency.name,
        phone=agency.phone,
        address=agency.address,
        division_code=commune,
        prefix="sender",
        messages=messages,
    )


def _description(dossier: Dossier) -> str:
    # Printed on the parcel for the receiver: always in the platform's language, whoever sends it.
    with translation.override(settings.LANGUAGE_CODE):
        return _("Result of dossier %(code)s") % {"code": dossier.code}


def _partner_error(exc: PostalError) -> DomainError:
    """Our words, in the user's language, for what the partner answered."""
    if exc.code == "postal_disabled":
        return PostalUnavailable(_("Sending results by post is not set up on this platform."), code="postal_disabled")
    if exc.retryable:
        return PostalUnavailable(
            _("The postal partner cannot be reached now; nothing was changed. Try again in a few minutes."),
            code="postal_unavailable",
        )
    if exc.code == "receiver_phone_refused":
        message = _("The postal partner does not accept deliveries to this phone number; check it with the applicant.")
    else:
        message = _("The postal partner refused the order: %(reason)s") % {"reason": exc.message}
    field = exc.field if exc.field.startswith("receiver_") or exc.field == "cod_amount" else None
    return PostalRefused(message, code="postal_refused", field=field, partner_code=exc.code)


def _client() -> PostalBackend:
    try:
        return postal_client()
    except PostalError as exc:
        raise _partner_error(exc) from exc


def dossier_current_if_allowed(*, by: User, dossier: Dossier, action: str, expected_version: int | None) -> Dossier:
    """The dossier as it is now, if ``by`` may take ``action`` on it: checked before the partner is asked."""
    return _current_and_row(by=by, dossier=dossier, action=action, expected_version=expected_version)[0]


def _current_and_row(
    *, by: User, dossier: Dossier, action: str, expected_version: int | None
) -> tuple[Dossier, Transition]:
    current = Dossier.objects.select_related("receiving_agency", "active_step").get(pk=dossier.pk)
    version_check(current, expected_version)
    return current, transition_find(dossier=current, action=action, user=by)


def postal_result_send(
    *,
    by: User,
    dossier: Dossier,
    receiver_name: str,
    receiver_phone: str,
    receiver_address: str,
    receiver_division_code: str,
    cod_amount: int | str | Decimal = 0,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> PostalShipment:
    """Hand the result to the postal partner: the dossier is returned (status 10) by post.

    If the partner refuses, nothing changes and PostalRefused says why (``field`` names the receiver's
    field at fault); if it cannot be reached, PostalUnavailable.
    """
    receiver = receiver_check(
        name=receiver_name, phone=receiver_phone, address=receiver_address, division_code=receiver_division_code
    )
    cod = cod_check(cod_amount)
    current, row = _current_and_row(by=by, dossier=dossier, action="return", expected_version=expected_version)
    return_method_check(row=row, method=ReturnMethod.POSTAL, by_post=True)  # never the applicant's own row
    order = DeliveryOrder(
        reference=_result_reference(current),
        sender=agency_party(current.receiving_agency),
        receiver=receiver,
        description=_description(current),
        cod_amount=cod,
    )
    return order_place(
        order,
        dossier_id=dossier.pk,
        refused=_partner_error,
        record=lambda receipt: _record(
            by=by, dossier=dossier, order=order, receipt=receipt, expected_version=expected_version, at=at
        ),
    )


def _result_reference(dossier: Dossier) -> str:
    """The partner's idempotency key: the dossier code, then ``-2``, ``-3``… for a result sent again.

    The partner answers an order with a known reference with the first order, so a retry after a lost reply
    places nothing twice; a result the post office brought back needs a new reference to travel again.
    """
    earlier = PostalShipment.objects.filter(dossier=dossier, direction=Direction.RESULT_DELIVERY).count()
    return dossier.code if not earlier else f"{dossier.code}-{earlier + 1}"


def order_place(
    order: DeliveryOrder,
    *,
    dossier_id: int,
    refused: Callable[[PostalError], DomainError],
    record: Callable[[OrderReceipt], PostalShipment],
) -> PostalShipment:
    """Place ``order`` with the partner, outside any transaction, then ``record`` it in ours.

    A partner's refusal becomes ``refused(error)`` and nothing is written; if recording fails, the partner's
    order is cancelled, so no parcel travels for a dossier whose state did not change.
    """
    client = _client()
    try:
        receipt = client.order_create(order)
    except PostalError as exc:
        raise refused(exc) from exc
    try:
        return record(receipt)
    except Exception:
        _compensate(client=client, receipt=receipt, dossier_id=dossier_id)
        raise


def _record(
    *,
    by: User,
    dossier: Dossier,
    order: DeliveryOrder,
    receipt: OrderReceipt,
    expected_version: int | None,
    at: datetime | None,
) -> PostalShipment:
    with transaction.atomic():
        returned = dossier_return_by_post(by=by, dossier=dossier, at=at, expected_version=expected_version)
        dossier_result_awaiting_delivery(dossier=returned)
        shipment = shipment_create(
            dossier=returned,
            direction=Direction.RESULT_DELIVERY,
            receipt=receipt,
            party=order.receiver,
            description=order.description,
            by=by,
            cod_amount=order.cod_amount,
            handed_over_at=returned.returned_at or timezone.now(),
        )
        audit_record(
            actor=by,
            action="postal.result_send",
            target=f"postal_shipment:{shipment.pk}",
            data={
                "dossier": returned.pk,
                "code": returned.code,
                "order_number": shipment.order_number,
                "item_code": shipment.item_code,
                "cod_amount": shipment.cod_amount,
                "receiver_division_code": shipment.receiver_division_code,
            },
        )
    return shipment


def shipment_create(
    *,
    dossier: Dossier,
    direction: str,
    receipt: OrderReceipt,
    party: Party,
    description: str,
    by: User,
    **fields: Any,
) -> PostalShipment:
    """Record the partner's order; ``party`` is the applicant's side (receiver of a result, sender of a pickup)."""
    return PostalShipment.objects.create(
        dossier=dossier,
        direction=direction,
        order_number=receipt.order_number,
        item_code=receipt.item_code,
        receiver_name=party.name,
        receiver_phone=party.phone,
        receiver_address=party.address,
        receiver_division_code=party.commune_code,
        receiver_province_code=party.province_code,
        description=description,
        state=receipt.state if receipt.state in OrderState.values else OrderState.CREATED,
        created_by=by,
        **fields,
    )


def _compensate(*, client: PostalBackend, receipt: OrderReceipt, dossier_id: int) -> None:
    """Cancel the partner's order whose dossier could not be returned; an order we recorded is never cancelled."""
    if PostalShipment.objects.filter(order_number=receipt.order_number).exists():
        return  # the partner handed back an order of ours (same reference): it is not this attempt's to undo
    try:
        client.order_cancel(order_number=receipt.order_number)
    except PostalError:
        logger.exception(
            "Postal order %s (item %s) of dossier %s was accepted but the return failed, and cancelling it failed"
            " too: cancel it with the postal partner by hand.",
            receipt.order_number,
            receipt.item_code,
            dossier_id,
        )
        return
    logger.warning(
        "Postal order %s of dossier %s cancelled: the return failed after the partner accepted it.",
        receipt.order_number,
        dossier_id,
    )


def _event_time(events: tuple[dict[str, str], ...], state: str) -> datetime | None:
    for event in reversed(events):
        if event.get("state") == state:
            try:
                at = datetime.fromisoformat(event.get("at", ""))
            except ValueError:
                return None
            return at if timezone.is_aware(at) else timezone.make_aware(at)
    return None


def postal_tracking_refresh(*, shipment: PostalShipment, by: User | None = None) -> PostalShipment:
    """Read the shipment's state from the partner; what it means for the dossier is recorded there.

    A result delivered is handed over (sub-state of the dossier); a pickup collected from the applicant is
    handed to the postal service then, and one delivered to the agency marks the dossier "arrived by post".

    ``by`` is the officer who asked, or None for the periodic task. Safe to run twice.
    """
    if shipment.is_final:
        return shipment
    client = _client()
    try:
        tracking = client.order_track(order_number=shipment.order_number)
    except PostalError as exc:
        raise PostalUnavailable(
            _("The postal partner cannot tell the state of item %(item)s now; try again later.")
            % {"item": shipment.item_code},
            code="postal_tracking_failed",
        ) from exc
    now = timezone.now()
    with transaction.atomic():
        locked = PostalShipment.objects.select_for_update().get(pk=shipment.pk)
        previous = locked.state
        # A state this platform does not know (the partner added one) keeps the last known one.
        state = tracking.state if tracking.state in OrderState.values else previous
        locked.state, locked.events, locked.tracked_at = state, list(tracking.events), now
        if state == previous:
            locked.save(update_fields=["events", "tracked_at"])
            return locked
        at = _event_time(tracking.events, state) or now
        if state == OrderState.DELIVERED:
            locked.delivered_at = at
        if locked.handed_over_at is None and state != OrderState.CANCELLED:
            # A pickup is in the postal service's hands from its collection (read late: when it was).
            locked.handed_over_at = _event_time(tracking.events, OrderState.PICKED_UP) or at
        locked.save(update_fields=["state", "events", "tracked_at", "delivered_at", "handed_over_at"])
        data = {"order_number": locked.order_number, "item_code": locked.item_code}
        if locked.direction == Direction.RESULT_DELIVERY and state in (
            OrderState.DELIVERED,
            OrderState.RETURNED_TO_SENDER,
        ):
            dossier_result_delivery_record(
                dossier=locked.dossier_id, delivered=state == OrderState.DELIVERED, at=at, by=by, data=data
            )
        if locked.direction == Direction.RESULT_DELIVERY and state == OrderState.CANCELLED:
            # The parcel never left: the result is back at the front desk, to hand over anew.
            dossier_result_post_cancelled_record(dossier=locked.dossier_id, at=at, by=by, data=data)
        if locked.direction == Direction.DOSSIER_PICKUP and state in FINAL_STATES:
            dossier_pickup_arrival_record(
                dossier=locked.dossier_id, arrived=state == OrderState.DELIVERED, at=at, by=by, data=data
            )
        # Last, after the dossier's lock: a transition locks the dossier, then the chain head; the other way
        # round, tracking and a transition of the same dossier would each wait for the other.
        audit_record(
            actor=by,
            action="postal.tracking",
            target=f"postal_shipment:{locked.pk}",
            data={"dossier": locked.dossier_id, "from": previous, "to": state, **data},
        )
    return locked


def postal_tracking_refresh_open(*, limit: int = 500) -> dict[str, int]:
    """Refresh the shipments the partner may still change (the periodic task); failures are logged and counted.

    A pickup of a withdrawn, refused or stopped dossier that the postman has not collected is called off instead:
    this retries what the worker could not do when the dossier closed (``pickups.postal_pickups_call_off``).
    """
    from .pickups import postal_pickup_call_off  # pickups.py builds on this module

    counts = {"refreshed": 0, "changed": 0, "failed": 0}
    shipments = list(postal_shipments_open()[:limit])
    call_off = set(postal_pickups_to_call_off().filter(pk__in=[s.pk for s in shipments]).values_list("pk", flat=True))
    for shipment in shipments:
        try:
            if shipment.pk in call_off:
                fresh = postal_pickup_call_off(shipment=shipment)
            else:
                fresh = postal_tracking_refresh(shipment=shipment)
        except DomainError:
            logger.warning("Tracking of postal shipment %s failed.", shipment.pk, exc_info=True)
            counts["failed"] += 1
            continue
        counts["refreshed"] += 1
        counts["changed"] += int(fresh.state != shipment.state)
    return counts
