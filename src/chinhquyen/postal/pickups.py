"""Services (writes) of the postal app: the postal service collects an applicant's paper dossier.

The applicant of an online application that waits to be received asks the post office to collect the
paper documents at an address (thu gom hồ sơ qua bưu chính): a pickup order, sent by the applicant and
received by the agency. As for a result sent by post (``services.py``), the partner is called outside
any transaction of ours, then our records are written in one; if that fails, the order is cancelled.
Its tracking (``postal_tracking_refresh``) marks the dossier "arrived by post" on delivery to the agency.
Until the postman has collected the documents the applicant may call the pickup off
(``postal_pickup_cancel``): the partner cancels the order first, then our records follow in one transaction.
A dossier withdrawn, refused or stopped meanwhile no longer needs its papers: the worker calls its pickup off
(``postal_pickups_call_off``, queued by the dossier event hook in ``hooks.py``; ``postal_track`` retries).

Fees for the pickup are not handled here: the partner's tariff and who pays it are agreed outside.
"""

import logging
from dataclasses import asdict
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from chinhquyen.core.audit import audit_record
from chinhquyen.core.errors import DomainError
from chinhquyen.directory.models import User
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services import dossier_pickup_called_off_record, dossier_pickup_cancel, dossier_pickup_request

from .client import KIND_PICKUP, DeliveryOrder, OrderReceipt, Party, PostalError
from .errors import PostalRefused
from .models import FINAL_STATES, Direction, OrderState, PostalShipment
from .selectors import postal_pickups_to_call_off
from .services import (
    PartyMessages,
    _client,
    _partner_error,
    agency_party,
    dossier_current_if_allowed,
    order_place,
    party_check,
    postal_tracking_refresh,
    shipment_create,
)

logger = logging.getLogger(__name__)


def pickup_place_check(*, name: str, phone: str, address: str, division_code: str) -> Party:
    """Where and from whom the postal service collects, as the partner needs it; else InvalidInput."""
    messages = PartyMessages(
        name=_("Give the name of the person who hands the documents over."),
        phone=_("Give a phone number for the postman: 10 digits starting with 0, such as 0912345678."),
        address=_("Give the address to collect from (house number, street, village)."),
    )
    return party_check(
        name=name, phone=phone, address=address, division_code=division_code, prefix="pickup", messages=messages
    )


def _pickup_error(exc: PostalError) -> DomainError:
    """Our words for the partner's refusal of a pickup (the fields are the pickup form's)."""
    if exc.code == "postal_disabled" or exc.retryable:
        return _partner_error(exc)
    if exc.code == "sender_phone_refused":
        message = _("The postal partner does not collect from this phone number; give another one.")
    else:
        message = _("The postal partner refused the order: %(reason)s") % {"reason": exc.message}
    field = "pickup_" + exc.field.removeprefix("sender_") if exc.field.startswith("sender_") else None
    return PostalRefused(message, code="postal_refused", field=field, partner_code=exc.code)


def _description(dossier: Dossier) -> str:
    # Printed on the parcel: always in the platform's language, whoever orders it.
    with translation.override(settings.LANGUAGE_CODE):
        return _("Paper documents of online application %(number)s for %(agency)s") % {
            "number": dossier.pk,
            "agency": dossier.receiving_agency.name,
        }


def postal_pickup_order(
    *,
    by: User,
    dossier: Dossier,
    pickup_name: str,
    pickup_phone: str,
    pickup_address: str,
    pickup_division_code: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> PostalShipment:
    """Have the postal service collect the paper documents of ``by``'s online application.

    If the partner refuses, nothing changes and PostalRefused says why (``field`` names the pickup field at
    fault); if it cannot be reached, PostalUnavailable.
    """
    place = pickup_place_check(
        name=pickup_name, phone=pickup_phone, address=pickup_address, division_code=pickup_division_code
    )
    current = dossier_current_if_allowed(
        by=by, dossier=dossier, action="pickup_request", expected_version=expected_version
    )
    order = DeliveryOrder(
        # One reference per state of the dossier: a retried request finds the same order at the partner,
        # and an application whose earlier pickup failed gets a new one.
        reference=f"HS{current.pk}-V{current.version}",
        sender=place,
        receiver=agency_party(current.receiving_agency),
        description=_description(current),
        kind=KIND_PICKUP,
    )
    return order_place(
        order,
        dossier_id=dossier.pk,
        refused=_pickup_error,
        record=lambda receipt: _record(
            by=by, dossier=dossier, order=order, receipt=receipt, expected_version=expected_version, at=at
        ),
    )


def _record(
    *,
    by: User,
    dossier: Dossier,
    order: DeliveryOrder,
    receipt: OrderReceipt,
    expected_version: int | None,
    at: datetime | None,
) -> PostalShipment:
    place = order.sender
    with transaction.atomic():
        ordered = dossier_pickup_request(
            by=by,
            dossier=dossier,
            order={
                "order_number": receipt.order_number,
                "item_code": receipt.item_code,
                "pickup": asdict(place),
            },
            at=at,
            expected_version=expected_version,
        )
        shipment = shipment_create(
            dossier=ordered,
            direction=Direction.DOSSIER_PICKUP,
            receipt=receipt,
            party=place,
            description=order.description,
            by=by,
        )
        audit_record(
            actor=by,
            action="postal.pickup_order",
            target=f"postal_shipment:{shipment.pk}",
            data={
                "dossier": ordered.pk,
                "order_number": shipment.order_number,
                "item_code": shipment.item_code,
                "pickup_division_code": shipment.receiver_division_code,
            },
        )
    return shipment


def postal_pickup_cancel(
    *, by: User, dossier: Dossier, expected_version: int | None = None, at: datetime | None = None
) -> PostalShipment:
    """Call off the collection of ``by``'s paper documents while the postman has not collected them.

    The partner is asked first; once it has collected them it refuses, and PostalRefused
    (``pickup_collected``) says so with nothing changed. If our records then fail (the dossier changed
    meanwhile), the order stays cancelled at the partner and its tracking puts the application back as
    for a pickup that failed.
    """
    current = dossier_current_if_allowed(
        by=by, dossier=dossier, action="pickup_cancel", expected_version=expected_version
    )
    shipment = (
        PostalShipment.objects.filter(dossier=current, direction=Direction.DOSSIER_PICKUP)
        .exclude(state__in=FINAL_STATES)
        .order_by("-created_at", "-pk")
        .first()
    )
    if shipment is None:
        raise PostalRefused(_("No collection by post waits for this application."), code="no_pickup_requested")
    try:
        _client().order_cancel(order_number=shipment.order_number)
    except PostalError as exc:
        if exc.code == "not_cancellable":
            raise PostalRefused(
                _("The postman has collected the documents already: the pickup can no longer be called off."),
                code="pickup_collected",
            ) from exc
        raise _partner_error(exc) from exc
    data = {"order_number": shipment.order_number, "item_code": shipment.item_code}
    with transaction.atomic():
        # The shipment before the dossier, as tracking takes them: the other order could deadlock with it.
        locked = PostalShipment.objects.select_for_update().get(pk=shipment.pk)
        dossier_pickup_cancel(by=by, dossier=dossier, order=data, at=at, expected_version=expected_version)
        previous, locked.state = locked.state, OrderState.CANCELLED
        locked.save(update_fields=["state"])
        audit_record(
            actor=by,
            action="postal.pickup_cancel",
            target=f"postal_shipment:{locked.pk}",
            data={"dossier": dossier.pk, "from": previous, **data},
        )
    return locked


def postal_pickups_call_off(*, dossier_id: int) -> list[PostalShipment]:
    """Call off the dossier's pickups the postman has not collected, once it is withdrawn, refused or stopped.

    Returns those the partner answered for, as they are now; one it cannot cancel now is logged and left for
    ``postal_track``, which tries again. Safe to run twice: a pickup called off is not waiting any more.
    """
    shipments = []
    for shipment in postal_pickups_to_call_off(dossier_id=dossier_id):
        try:
            shipments.append(postal_pickup_call_off(shipment=shipment))
        except DomainError:
            logger.warning(
                "Pickup %s (item %s) of dossier %s, closed, could not be called off now; postal_track tries again.",
                shipment.order_number,
                shipment.item_code,
                dossier_id,
                exc_info=True,
            )
    return shipments


def postal_pickup_call_off(*, shipment: PostalShipment) -> PostalShipment:
    """Cancel at the partner a pickup whose dossier was withdrawn, refused or stopped, so the postman does not go.

    A pickup that is not one (collected, final, or its dossier still open) is returned as it is. Once the
    postman has collected the documents the partner refuses: the tracking then records where they are
    (they reach the agency; nothing else is done). If the partner cannot be reached, PostalUnavailable
    with nothing changed.
    """
    due = postal_pickups_to_call_off().filter(pk=shipment.pk).first()
    if due is None:
        return PostalShipment.objects.get(pk=shipment.pk)
    client = _client()
    try:
        client.order_cancel(order_number=due.order_number)
    except PostalError as exc:
        if exc.code != "not_cancellable":
            raise _partner_error(exc) from exc
        logger.info(
            "Pickup %s (item %s) of dossier %s, closed, was not called off: the postman had"
            " collected the documents, which go on to the agency.",
            due.order_number,
            due.item_code,
            due.dossier_id,
        )
        return postal_tracking_refresh(shipment=due)
    with transaction.atomic():
        locked = PostalShipment.objects.select_for_update().get(pk=due.pk)
        if locked.is_final:
            return locked  # another run recorded it meanwhile
        previous, locked.state = locked.state, OrderState.CANCELLED
        locked.save(update_fields=["state"])
        # The dossier's timeline says so too (no actor: the worker acts on the dossier's closing).
        dossier_pickup_called_off_record(
            dossier=locked.dossier_id, order={"order_number": locked.order_number, "item_code": locked.item_code}
        )
        audit_record(
            actor=None,
            action="postal.pickup_call_off",
            target=f"postal_shipment:{locked.pk}",
            data={
                "dossier": locked.dossier_id,
                # Why: the dossier's status (withdrawn, refused or stopped).
                "dossier_status": Dossier.objects.values_list("status", flat=True).get(pk=locked.dossier_id),
                "from": previous,
                "order_number": locked.order_number,
                "item_code": locked.item_code,
            },
        )
    return locked
