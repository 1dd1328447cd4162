"""Apology and extension letters (phiếu xin lỗi và hẹn lại, form 04): draft, approve, send."""

from datetime import datetime
from typing import cast

from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.text import clean
from chinhquyen.directory.models import Agency, User
from chinhquyen.directory.selectors import Roles
from chinhquyen.workcal.engine import TZ

from ..deadlines import shift_by_working_seconds, working_seconds_between
from ..models import ApologyLetter, Dossier, DossierStep, LetterState, StepState
from ..transitions import letter_agencies, letter_due_refusal
from .base import transition_apply
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
        letter = ApologyLetter.objects.create(
            dossier=d,
            agency_id=agency.pk if agency is not None else _drafting_agency_id(d, by=by, roles=c.roles),
            reason=clean(reason),
            old_due_at=d.due_at,
            new_due_at=new_due_at,
            drafted_by=by,
        )
        c.reason = letter.reason
        c.data = {"letter": letter.pk, "new_due_at": iso(new_due_at)}
    return letter


def _drafting_agency_id(dossier: Dossier, *, by: User, roles: Roles) -> int:
    """The agency at fault ``by`` drafts for, unnamed: the active step's if theirs (a letter of the agency
    holding the dossier, as before any other could write one), else the only one they work in."""
    agencies = letter_agencies(dossier=dossier, user=by, roles=roles)
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
    """Move the unfinished steps' due instants later by the working time the letter adds.

    A step reaching the dossier's new working position is due at its very instant, by the rule the steps
    got at reception (``deadlines.step_dues``): the last step stays due with its dossier. Shifted by working
    time alone, a new due date at the start of a period (07:30, 13:00) would leave it due at the end of the
    period before, overdue a day early.
    """
    seconds = working_seconds_between(old_due, new_due)
    steps = list(dossier.steps.exclude(state=StepState.DONE).exclude(due_at=None))
    for step in steps:
        shifted = shift_by_working_seconds(step.due_at, seconds)
        assert shifted is not None  # noqa: S101 - only steps with a due instant are read
        step.due_at = new_due if working_seconds_between(shifted, new_due) <= 0 else shifted
    DossierStep.objects.bulk_update(steps, ["due_at"])


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
        _steps_extend(d, old_due=old_due, new_due=locked.new_due_at)
        c.set(due_at=locked.new_due_at, extended_at=c.at)
        locked.state, locked.sent_at, locked.old_due_at = LetterState.SENT, c.at, old_due
        c.save_later(locked, "state", "sent_at", "old_due_at")
        c.reason = locked.reason
        c.data = {"letter": locked.pk, "old_due_at": iso(old_due), "new_due_at": iso(locked.new_due_at)}
    return letter
