"""Apology and extension letters (phiếu xin lỗi và hẹn lại, form 04): draft, approve, send."""

from datetime import datetime
from typing import cast

from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.text import clean
from chinhquyen.directory.models import User
from chinhquyen.workcal.engine import TZ

from ..deadlines import working_seconds_between
from ..models import ApologyLetter, Dossier, LetterState
from ..transitions import letter_due_refusal
from .base import transition_apply
from .steps import iso, steps_shift


def apology_letter_draft(
    *,
    by: User,
    dossier: Dossier,
    reason: str,
    new_due_at: datetime,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> ApologyLetter:
    """Draft the letter for the agency at fault: the agency of the active step.

    A ``new_due_at`` without a time zone is read as Vietnam time.
    """
    if timezone.is_naive(new_due_at):
        new_due_at = timezone.make_aware(new_due_at, TZ)
    if not clean(reason):
        raise InvalidInput(_("Give the reason for the delay."), code="reason_required", field="reason")
    with transition_apply(by=by, dossier=dossier, action="letter_draft", expected_version=expected_version, at=at) as c:
        d = c.dossier
        assert d.active_step is not None  # noqa: S101 - the STEP_AGENCY scope refuses a dossier without one
        if d.due_at is None or new_due_at <= d.due_at:
            raise InvalidInput(
                _("The new due date must be later than the current one."), code="new_due_at", field="new_due_at"
            )
        refused = letter_due_refusal(new_due_at=new_due_at)
        if refused is not None:
            raise InvalidInput(refused.message, code=refused.code, field="new_due_at")
        letter = ApologyLetter.objects.create(
            dossier=d,
            agency_id=d.active_step.agency_id,
            reason=clean(reason),
            old_due_at=d.due_at,
            new_due_at=new_due_at,
            drafted_by=by,
        )
        c.reason = letter.reason
        c.data = {"letter": letter.pk, "new_due_at": iso(new_due_at)}
    return letter


def apology_letter_approve(
    *, by: User, letter: ApologyLetter, at: datetime | None = None, expected_version: int | None = None
) -> ApologyLetter:
    """The head of the agency at fault approves the letter.

    The guard reads the letter again under the dossier's lock: approved twice at once, it is approved once.
    """
    with transition_apply(
        by=by,
        dossier=letter.dossier_id,
        action="letter_approve",
        expected_version=expected_version,
        at=at,
        agency_id=letter.agency_id,
        subject=letter,
    ) as c:
        locked = cast(ApologyLetter, c.subject)
        locked.state, locked.approved_by = LetterState.APPROVED, by
        c.save_later(locked, "state", "approved_by")
        c.data = {"letter": locked.pk}
    return letter


def apology_letter_send(
    *, by: User, letter: ApologyLetter, at: datetime | None = None, expected_version: int | None = None
) -> ApologyLetter:
    """Send the letter (at least one working day before the due date): the due date moves, once.

    The guard checks again that the letter's new date is later than the due date as it is now (a supplement
    may have moved it since the drafting) and falls in working time; the letter keeps the due date it replaced.
    The letter is read again under the dossier's lock, as for the approval.
    """
    with transition_apply(
        by=by,
        dossier=letter.dossier_id,
        action="letter_send",
        expected_version=expected_version,
        at=at,
        agency_id=letter.agency_id,
        subject=letter,
    ) as c:
        d, locked = c.dossier, cast(ApologyLetter, c.subject)
        old_due = d.due_at
        assert old_due is not None  # noqa: S101 - the guard refuses a dossier without a due date
        steps_shift(d, seconds=working_seconds_between(old_due, locked.new_due_at))
        c.set(due_at=locked.new_due_at, extended_at=c.at)
        locked.state, locked.sent_at, locked.old_due_at = LetterState.SENT, c.at, old_due
        c.save_later(locked, "state", "sent_at", "old_due_at")
        c.reason = locked.reason
        c.data = {"letter": locked.pk, "old_due_at": iso(old_due), "new_due_at": iso(locked.new_due_at)}
    return letter
