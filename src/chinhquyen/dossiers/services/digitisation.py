"""Sub-states the status does not tell (spec §1): digitisation (số hóa) and the delivery of a result by post.

Nobody takes these as an action of their own, so they have no row in the transition table: attaching a
scan (inside ``dossier_document_add``'s transition; taking the last one off a draft, inside
``dossier_scan_remove``'s), issuing the result as a signed PDF (inside
``dossier_issue_result``'s transition) and the postal partner's tracking (``chinhquyen.postal``) set
them. Each change is written under the dossier's lock and audited; the delivery of a result is also a
line of the timeline.

Not built yet: "components reused" / "result reused" are set when the applicant's data store exists (a
component or result taken from it instead of being asked for again). The acceptance of a supplement is an
action of the transition table (``supplement.py``).
"""

from collections.abc import Collection
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from chinhquyen.core.audit import audit_record
from chinhquyen.directory.models import User

from ..models import Digitisation, DocumentKind, Dossier, DossierStatus, Substatus
from .base import Change, dossier_lock, event_write


def digitisation_on_document(change: Change, *, kind: str) -> None:
    """Inside a transition attaching a file: a scan made at the counter makes the dossier digitised."""
    if kind == DocumentKind.SCAN and change.dossier.digitisation == Digitisation.NONE:
        change.set(digitisation=Digitisation.DIGITISED)
        change.data["digitisation"] = Digitisation.DIGITISED.value


def digitisation_on_scan_removed(change: Change) -> None:
    """Inside a transition taking a scan off a draft: with no scan left, the draft is not digitised (before
    reception nothing else digitises it)."""
    if change.dossier.digitisation != Digitisation.DIGITISED:
        return
    if not change.dossier.documents.filter(kind=DocumentKind.SCAN).exclude(file="").exists():
        change.set(digitisation=Digitisation.NONE)
        change.data["digitisation"] = Digitisation.NONE.value


def digitisation_on_result(change: Change) -> None:
    """Inside the issue of a result: a result signed as a PDF is an electronic result (số hóa kết quả)."""
    if change.dossier.digitisation == Digitisation.NONE:
        change.set(digitisation=Digitisation.DIGITISED)
        change.data["digitisation"] = Digitisation.DIGITISED.value


def dossier_result_awaiting_delivery(*, dossier: Dossier) -> None:
    """In the transaction that returned the result by post: the result is with the postal partner.

    The return (status 10) is the hand-over to the partner; until the partner confirms the delivery the
    result is "awaiting confirmation". Part of the return's own change, so no second timeline row.
    """
    if not transaction.get_connection().in_atomic_block:  # pragma: no cover - a programming error
        raise RuntimeError("dossier_result_awaiting_delivery must run in the return's transaction.")
    Dossier.objects.filter(pk=dossier.pk, status=DossierStatus.RETURNED).update(
        substatus=Substatus.RESULT_AWAITING_CONFIRMATION
    )
    dossier.substatus = Substatus.RESULT_AWAITING_CONFIRMATION


def dossier_result_delivery_record(
    *,
    dossier: Dossier | int,
    delivered: bool,
    at: datetime | None = None,
    by: User | None = None,
    data: dict[str, Any] | None = None,
) -> Dossier | None:
    """The postal partner delivered the result (handed over) or brought it back (ready at the counter again).

    A result brought back (chuyển hoàn) was never handed over to the applicant: as for a cancelled order
    (``dossier_result_post_cancelled_record``), ``returned_at`` is cleared and ``return_method`` stays until the
    result is handed over anew; the partner's shipment keeps when the parcel was handed to it.
    ``by`` is the officer who asked for the tracking, or None when the partner's update came by itself.
    Returns the dossier, or None when it was not awaiting a delivery (an update read twice changes nothing).
    """
    changes: dict[str, Any] = (
        {"substatus": Substatus.RESULT_HANDED_OVER}
        if delivered
        else {"substatus": Substatus.RESULT_READY, "returned_at": None}
    )
    return postal_update_record(
        dossier=dossier,
        action="postal_delivered" if delivered else "postal_returned_to_sender",
        waiting=({DossierStatus.RETURNED}, Substatus.RESULT_AWAITING_CONFIRMATION),
        changes=changes,
        at=at,
        by=by,
        data=data,
    )


def postal_update_record(
    *,
    dossier: Dossier | int,
    action: str,
    waiting: tuple[Collection[int], str | None],
    changes: dict[str, Any],
    at: datetime | None,
    by: User | None,
    data: dict[str, Any] | None,
) -> Dossier | None:
    """Apply the postal partner's update to a dossier waiting on it: ``waiting`` is its (statuses, sub-state
    or None for any).

    Under the dossier's lock: the fields in ``changes`` and the version, one timeline row ``action`` and its
    audit entry (also when the update came by itself, ``by`` None). Returns the dossier, or None when it was
    no longer waiting (moved on meanwhile, or an update read twice).
    """
    at = at or timezone.now()
    with transaction.atomic():
        locked = dossier_lock(dossier=dossier)
        statuses, substatus = waiting
        if locked.status not in statuses or substatus not in (None, locked.substatus):
            return None
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.save(update_fields=[*changes, "version", "updated_at"])
        event_write(dossier=locked, by=by, action=action, at=at, from_status=locked.status, data=dict(data or {}))
        if by is None:  # event_write audits only an actor's events
            audit_record(
                actor=None,
                action=f"dossier.{action}",
                target=f"dossier:{locked.pk}",
                data={"substatus": locked.substatus, "version": locked.version, **(data or {})},
            )
    return locked
