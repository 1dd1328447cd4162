"""Apology and extension letters (phiếu xin lỗi và hẹn lại, form 04): draft, approve, send, withdraw."""

from contextlib import AbstractContextManager
from datetime import datetime
from decimal import Decimal
from typing import cast

from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.text import clean
from chinhquyen.directory.models import Agency, User
from chinhquyen.directory.selectors import Roles
from chinhquyen.workcal.engine import TZ

from ..deadlines import shift_by_working_seconds, steps_replanned, working_seconds_between
from ..models import ApologyLetter, Dossier, DossierStep, LetterState, StepState
from ..transitions import letter_agencies, letter_due_refusal
from .base import Change, transition_apply
from .steps import iso


def apology_letter_draft(
    *,
    by: User,
    dossier: Dossier,
    reason: str,
    new_due_at: datetime,
    agency: Agency | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> ApologyLetter:
    """Draft the letter of an agency at fault, whose leader approves, signs and sends it: the agency holding
    the dossier now, or one whose step on it finished late (a consultation answered late, say).

    ``agency`` names it; unnamed, it is the active step's agency if the drafter works there, else the only
    agency at fault the drafter works in. A ``new_due_at`` without a time zone is read as Vietnam time.
    """
    if timezone.is_naive(new_due_at):
        new_due_at = timezone.make_aware(new_due_at, TZ)
    if not clean(reason):
        raise InvalidInput(_("Give the reason for the delay."), code="reason_required", field="reason")
    with transition_apply(
        by=by,
        dossier=dossier,
        action="letter_draft",
        expected_version=expected_version,
        at=at,
        agency_id=agency.pk if agency is not None else None,
    ) as c:
        d = c.dossier
        if d.due_at is None or new_due_at <= d.due_at:
            raise InvalidInput(
                _("The new due date must be later than the current one."), code="new_due_at", field="new_due_at"
            )
        refused = letter_due_refusal(new_due_at=new_due_at)
        if refused is not None:
            raise InvalidInput(refused.message, code=refused.code, field="new_due_at")
        _adds_working_time_check(due_at=d.due_at, new_due_at=new_due_at)
        letter = ApologyLetter.objects.create(
            dossier=d,
            agency_id=agency.pk if agency is not None else _drafting_agency_id(d, by=by, roles=c.roles, at=c.at),
            reason=clean(reason),
            old_due_at=d.due_at,
            new_due_at=new_due_at,
            drafted_by=by,
        )
        c.reason = letter.reason
        c.data = {"letter": letter.pk, "new_due_at": iso(new_due_at)}
    return letter


def _adds_working_time_check(*, due_at: datetime, new_due_at: datetime) -> None:
    """The new due date gives working time: one later by the calendar alone (Friday 17:00 to Monday 07:30, or
    across the lunch break) extends nothing, and would use up the only extension."""
    if working_seconds_between(due_at, new_due_at) > 0:
        return
    values = {
        "due": due_at.astimezone(TZ).strftime("%d/%m/%Y %H:%M"),
        "new": new_due_at.astimezone(TZ).strftime("%d/%m/%Y %H:%M"),
    }
    raise InvalidInput(
        _(
            "The new due date, %(new)s, adds no working time to the current due date, %(due)s: only hours outside "
            "working time lie between them. Choose a later date."
        )
        % values,
        code="letter_adds_no_time",
        field="new_due_at",
    )


def _drafting_agency_id(dossier: Dossier, *, by: User, roles: Roles, at: datetime) -> int:
    """The agency at fault ``by`` drafts for, unnamed: the active step's if theirs (a letter of the agency
    holding the dossier, as before any other could write one), else the only one they work in."""
    agencies = letter_agencies(dossier=dossier, user=by, roles=roles, at=at)
    active = dossier.active_step.agency_id if dossier.active_step is not None else None
    if active in agencies:
        return active
    if len(agencies) == 1:
        return agencies[0]
    raise InvalidInput(
        _("You work in several agencies at fault for this delay: choose the one writing the letter."),
        code="agency_required",
        field="agency",
    )


def _steps_extend(dossier: Dossier, *, old_due: datetime, new_due: datetime) -> None:
    """Give the steps still to run their shares of the span the letter gives, as at reception.

    The unfinished steps, but a consultation under way, are planned again over the remaining span: from where
    they start to the new due date, each with its share of working hours fitted to it in proportion
    (``deadlines.steps_replanned``), the last due at the new due instant itself. They start at the consulted
    agency's own due date while a consultation runs (the asking step's twin counts from the answer), else at the
    active step's planned start, its share before its due date. Steps a consultation had pushed past the old due
    date are brought back within the new one in proportion, rather than all onto it. The consultation keeps its
    own due date: the partner's answer is judged against the time it was given, not the applicant's extension.
    Steps of no share in all move by the working time added, never past the new due instant.
    """
    unfinished = list(dossier.steps.exclude(state=StepState.DONE).exclude(due_at=None).order_by("order", "pk"))
    consulting = next((s for s in unfinished if s.consultation and s.state == StepState.ACTIVE), None)
    steps = [s for s in unfinished if not s.consultation]
    if not steps:
        return
    shares = [s.share_hours for s in steps]
    if sum(shares, Decimal(0)) <= 0:
        _steps_shift_within(steps, seconds=working_seconds_between(old_due, new_due), new_due=new_due)
        return
    if consulting is not None:
        start = consulting.due_at
    else:
        first = steps[0]
        start = shift_by_working_seconds(first.due_at, -round(first.share_hours * 3600))
    assert start is not None  # noqa: S101 - only steps with a due instant are read
    for step, (share, due) in zip(steps, steps_replanned(start=start, due_at=new_due, shares=shares), strict=True):
        step.share_hours, step.due_at = share, due
    DossierStep.objects.bulk_update(steps, ["due_at", "share_hours"])


def _steps_shift_within(steps: list[DossierStep], *, seconds: int, new_due: datetime) -> None:
    """Move ``steps`` later by ``seconds`` of working time; one reaching the new due position is due at its very
    instant (a new due date at 07:30 or 13:00 would else leave it due at the end of the period before)."""
    for step in steps:
        shifted = shift_by_working_seconds(step.due_at, seconds)
        assert shifted is not None  # noqa: S101 - only steps with a due instant are read
        step.due_at = new_due if working_seconds_between(shifted, new_due) <= 0 else shifted
    DossierStep.objects.bulk_update(steps, ["due_at"])


def _letter_transition(
    action: str, *, by: User, letter: ApologyLetter, at: datetime | None, expected_version: int | None
) -> AbstractContextManager[Change]:
    """The transition ``action`` on ``letter``, taken in the name of its agency; the guard reads the letter again
    under the dossier's lock (its ``subject``)."""
    return transition_apply(
        by=by,
        dossier=letter.dossier_id,
        action=action,
        expected_version=expected_version,
        at=at,
        agency_id=letter.agency_id,
        subject=letter,
    )


def apology_letter_approve(
    *, by: User, letter: ApologyLetter, at: datetime | None = None, expected_version: int | None = None
) -> ApologyLetter:
    """The head of the agency at fault approves the letter.

    The guard reads the letter again under the dossier's lock: approved twice at once, it is approved once.
    """
    with _letter_transition("letter_approve", by=by, letter=letter, at=at, expected_version=expected_version) as c:
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
    with _letter_transition("letter_send", by=by, letter=letter, at=at, expected_version=expected_version) as c:
        d, locked = c.dossier, cast(ApologyLetter, c.subject)
        old_due = d.due_at
        assert old_due is not None  # noqa: S101 - the guard refuses a dossier without a due date
        _steps_extend(d, old_due=old_due, new_due=locked.new_due_at)
        c.set(due_at=locked.new_due_at, extended_at=c.at)
        locked.state, locked.sent_at, locked.old_due_at = LetterState.SENT, c.at, old_due
        c.save_later(locked, "state", "sent_at", "old_due_at")
        c.reason = locked.reason
        c.data = {"letter": locked.pk, "old_due_at": iso(old_due), "new_due_at": iso(locked.new_due_at)}
    return letter


def apology_letter_withdraw(
    *,
    by: User,
    letter: ApologyLetter,
    reason: str,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> ApologyLetter:
    """The head of the agency at fault withdraws a letter drafted or approved, never sent (rút phiếu): the last
    day it could be sent has passed, or it is not to be sent. The letter stays as a record, no longer approved,
    sent or printed as form 04; the due date does not move, and a new letter may be drafted while there is time.

    The letter is read again under the dossier's lock, as for the approval.
    """
    if not clean(reason):
        raise InvalidInput(_("Give the reason for withdrawing the letter."), code="reason_required", field="reason")
    with _letter_transition("letter_withdraw", by=by, letter=letter, at=at, expected_version=expected_version) as c:
        locked = cast(ApologyLetter, c.subject)
        locked.state = LetterState.WITHDRAWN
        c.save_later(locked, "state")
        c.reason = clean(reason)
        c.data = {"letter": locked.pk}
    return letter
