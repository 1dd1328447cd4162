"""Paper documents collected by post (thu gom hồ sơ qua bưu chính) for an online application.

The applicant of a submitted online application asks the postal service to collect the paper
documents (``pickup_request``, a row of the transition table); ``chinhquyen.postal`` places the order
with the partner and calls :func:`dossier_pickup_request` with it. When the partner reports the item
delivered to the agency, :func:`dossier_pickup_arrival_record` marks the application "arrived by post"
(channel 3, postal) for the front desk's queue, which then receives it as usual; an item the postal
service could not collect puts the application back as it was, as does the applicant calling the pickup
off before the postman came (``pickup_cancel``). A pickup the postal service called off because the
dossier was withdrawn, refused or stopped first gets a timeline row of its own
(:func:`dossier_pickup_called_off_record`). The partner's reports are not actions of
anyone, so, like the delivery of a result (``digitisation.py``), they have no row in the table.

The channel says how the paper dossier reached the agency (KenhThucHien, synced and counted as such); it
does not say how the applicant follows the dossier. The application is still the applicant's online one:
they receive an electronic result on the portal (the ``return`` guard asks whether it was submitted
online, not for channel 2).
"""

from datetime import datetime
from typing import Any

from chinhquyen.directory.models import User

from ..models import PAPERS_UNNEEDED_STATUSES, Channel, Dossier, DossierStatus, Substatus
from .base import transition_apply
from .digitisation import postal_update_record


def dossier_pickup_request(
    *,
    by: User,
    dossier: Dossier,
    order: dict[str, Any],
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Record the pickup order placed for the applicant; ``order`` (order number, item code, where) is logged."""
    return _pickup_change(by, dossier, "pickup_request", Substatus.PICKUP_REQUESTED, order, at, expected_version)


def dossier_pickup_cancel(
    *,
    by: User,
    dossier: Dossier,
    order: dict[str, Any],
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The applicant called off the pickup the partner has cancelled; ``order`` (its number, item) is logged."""
    return _pickup_change(by, dossier, "pickup_cancel", Substatus.NONE, order, at, expected_version)


def _pickup_change(
    by: User,
    dossier: Dossier,
    action: str,
    substatus: str,
    order: dict[str, Any],
    at: datetime | None,
    expected_version: int | None,
) -> Dossier:
    with transition_apply(by=by, dossier=dossier, action=action, expected_version=expected_version, at=at) as c:
        c.set(substatus=substatus)
        c.data = dict(order)
    return c.dossier


def dossier_pickup_arrival_record(
    *,
    dossier: Dossier | int,
    arrived: bool,
    at: datetime | None = None,
    by: User | None = None,
    data: dict[str, Any] | None = None,
) -> Dossier | None:
    """The postal service delivered the paper documents to the agency, or could not collect them.

    ``by`` is the officer who asked for the tracking, or None when the update came by itself. Returns the
    dossier, or None when it was not waiting for a pickup (received meanwhile, or an update read twice).
    """
    changes: dict[str, Any] = {"substatus": Substatus.PICKUP_ARRIVED if arrived else Substatus.NONE}
    if arrived:
        changes["channel"] = Channel.POSTAL  # KenhThucHien 3: the paper dossier came through the postal service
    return postal_update_record(
        dossier=dossier,
        action="postal_pickup_arrived" if arrived else "postal_pickup_failed",
        waiting=({DossierStatus.SUBMITTED}, Substatus.PICKUP_REQUESTED),
        changes=changes,
        at=at,
        by=by,
        data=data,
    )


def dossier_pickup_called_off_record(
    *, dossier: Dossier | int, order: dict[str, Any], at: datetime | None = None
) -> Dossier | None:
    """The postal service called off the pickup of a dossier closed before its papers came (withdrawn, refused
    or stopped): a timeline row with the order (its number, item), and no pickup awaited any more.

    Returns the dossier, or None when it is not closed so (a pickup is only called off for those).
    """
    return postal_update_record(
        dossier=dossier,
        action="postal_pickup_called_off",
        waiting=(PAPERS_UNNEEDED_STATUSES, None),
        changes={"substatus": Substatus.NONE},
        at=at,
        by=None,
        data=order,
    )
