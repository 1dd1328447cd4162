"""Supplements (bổ sung hồ sơ) after the applicant has supplied: the check of what arrived.

``dossier_request_supplement`` asks and ``dossier_supplement_provided`` records the answer
(``reception.py``); here whoever asked checks it. Accepted: the sub-state says so and the applicant sees
"documents accepted". Not enough: the request stands again with what is still missing, and the clock
pauses again exactly as on the first request (:func:`supplement_pause`, which the request uses too).
"""

from datetime import datetime

from django.utils.translation import gettext as _

from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.text import clean
from chinhquyen.directory.models import User

from ..models import Dossier, DossierStatus, Substatus
from .base import Change, transition_apply


def supplement_items(items: list[str]) -> list[str]:
    """The items to supply, cleaned; InvalidInput when none is left."""
    cleaned = [clean(i) for i in items if clean(i)]
    if not cleaned:
        raise InvalidInput(_("List what the applicant must supply."), code="items_required", field="items")
    return cleaned


def supplement_reason(reason: str) -> str:
    """The reason of a supplement request (printed on form 02), cleaned; InvalidInput when there is none."""
    cleaned = clean(reason)
    if not cleaned:
        raise InvalidInput(_("Say why these documents are needed."), code="reason_required", field="reason")
    return cleaned


def supplement_pause(change: Change, *, items: list[str], reason: str) -> None:
    """Inside a transition to "supplement requested": remember the status, pause the clock, log the items.

    Before reception there is no clock yet (and the request is the front desk's); after it, the clock
    pauses now, and ``dossier_supplement_provided`` moves the due dates by the working time paused.
    """
    d = change.dossier
    before_reception = d.status in (DossierStatus.DRAFT, DossierStatus.SUBMITTED)
    change.set(
        paused_status=d.status,
        paused_at=None if before_reception or d.due_at is None else change.at,
        substatus=Substatus.SUPPLEMENT_BY_FRONT_DESK if before_reception else Substatus.SUPPLEMENT_BY_PROCESSOR,
    )
    if before_reception:
        change.set(front_desk_supplement_used=True)
    change.reason = clean(reason)
    change.data = {"items": items}


def dossier_supplement_accept(
    *, by: User, dossier: Dossier, note: str = "", at: datetime | None = None, expected_version: int | None = None
) -> Dossier:
    """The supplied documents are enough (bổ sung đã được chấp nhận): the dossier goes on where it was."""
    with transition_apply(
        by=by, dossier=dossier, action="supplement_accept", expected_version=expected_version, at=at
    ) as c:
        c.set(substatus=Substatus.SUPPLEMENT_ACCEPTED)
        c.reason = clean(note)
    return c.dossier


def dossier_supplement_reject(
    *,
    by: User,
    dossier: Dossier,
    items: list[str],
    reason: str,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The supplied documents are not enough: ask again for what is still missing; the clock pauses again."""
    items = supplement_items(items)
    if not clean(reason):
        raise InvalidInput(_("Say why the documents supplied are not enough."), code="reason_required", field="reason")
    with transition_apply(
        by=by, dossier=dossier, action="supplement_reject", expected_version=expected_version, at=at
    ) as c:
        supplement_pause(c, items=items, reason=reason)
    return c.dossier
