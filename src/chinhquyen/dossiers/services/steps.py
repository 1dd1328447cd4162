"""Moving the active step (luân chuyển) of a dossier: finish one, start another, shift due dates."""

from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from chinhquyen.core.rows import row_insert, row_update
from chinhquyen.directory.models import Agency, Role, StaffRole, User
from chinhquyen.workcal.engine import TZ
from chinhquyen.workcal.selectors import deadline_add_working_hours

from ..deadlines import outcome_of, shift_by_working_seconds, working_seconds_between
from ..errors import TransitionRefused
from ..models import Dossier, DossierStep, StepState
from ..transitions import APPLICANT, Roles, return_step_needed, step_after, steps_forget
from .base import Change


def iso(at: datetime | None) -> str | None:
    """An instant for JSON event data, in Vietnam time."""
    return at.astimezone(TZ).isoformat() if at is not None else None


def steps_of(dossier: Dossier) -> list[DossierStep]:
    return list(dossier.steps.order_by("order", "pk"))


def _finish(step: DossierStep, at: datetime, judged_at: datetime | None = None) -> None:
    step.state = StepState.DONE
    step.finished_at = at
    step.outcome = outcome_of(finished_at=judged_at or at, due_at=step.due_at)


def _start(step: DossierStep, at: datetime, assignee: User | None) -> None:
    step.state = StepState.ACTIVE
    step.started_at = at
    step.finished_at = None
    step.outcome = ""
    if assignee is not None:
        step.assignee = assignee
    elif step.assignee_id is not None and not _still_holds(step, step.assignee_id):
        # Starting again (sent back to, the answer's twin) without its officer, who has left it (the account
        # deactivated, the role in the step's agency removed, the agency made inactive): held by nobody, it
        # reaches all who hold the role.
        step.assignee = None


def _still_holds(step: DossierStep, user_id: int) -> bool:
    return (
        StaffRole.objects.in_force()
        .filter(user_id=user_id, user__is_active=True, agency_id=step.agency_id, role=step.role)
        .exists()
    )


_FIELDS = ("state", "started_at", "finished_at", "outcome", "assignee")
_FINISH_FIELDS = ("state", "finished_at", "outcome")


def _save(step: DossierStep, names: tuple[str, ...], change: Change | None) -> None:
    if change is not None:
        change.save_later(step, *names)  # written with the dossier, in the transition's last statement
    else:
        row_update(step, names)


def step_finish(
    step: DossierStep, *, at: datetime, change: Change | None = None, judged_at: datetime | None = None
) -> None:
    """Finish ``step`` now; with ``change``, its row is written with the dossier's at the end.

    A step nobody claimed is recorded as handled by the officer finishing it, so the step log names who
    did each step (the process-control slip, the dossier page); never the applicant, whose download of the
    result finishes the front desk's step without making them its officer. Its outcome is judged at
    ``judged_at`` (when the result was ready for the applicant, who may collect it later) or ``at``.
    """
    _finish(step, at, judged_at)
    names: tuple[str, ...] = _FINISH_FIELDS
    if change is not None and step.assignee_id is None and APPLICANT not in change.row.roles:
        step.assignee = change.by
        names = (*names, "assignee")
    _save(step, names, change)


def step_end(step: DossierStep, *, at: datetime, change: Change, judged_at: datetime | None = None) -> None:
    """End ``step`` with its work not done (a consultation taken back, a dossier closed early): nobody is
    recorded as having handled it; its outcome is judged at ``judged_at`` (when a paused clock stopped) or ``at``."""
    _finish(step, at, judged_at)
    _save(step, _FINISH_FIELDS, change)


def step_start(step: DossierStep, *, at: datetime, assignee: User | None = None, change: Change | None = None) -> None:
    _start(step, at, assignee)
    _save(step, _FIELDS, change)


def answer_step_due(step: DossierStep, *, consultation: DossierStep, at: datetime, change: Change) -> None:
    """The asking step's twin, started when ``consultation`` ends (answered or taken back), is due after the
    working time the asking step had left when it asked (none when it was overdue): each agency is judged on
    its own time (spec §6), so a late answer is not charged to the agency that asked."""
    if step.due_at is None or _twin_made_before_shares(step, consultation):
        return
    due = deadline_add_working_hours(start=at, hours=float(step.share_hours))
    # The steps after it move with it, by as much as the consultation ended later (or earlier) than planned:
    # the leader who approves next is not charged for the answer's delay.
    steps_after_shift(step.dossier_id, order=step.order, seconds=working_seconds_between(step.due_at, due))
    step.due_at = due
    change.save_later(step, "due_at")


def _twin_made_before_shares(step: DossierStep, consultation: DossierStep) -> bool:
    """A twin made before twins kept the asking step's time: none (0), and due with the asking step rather than
    when the consultation was due. It keeps the due date it was given (and the steps after it theirs); a twin
    of an overdue asker has no time either but is due with the consultation."""
    if step.share_hours > 0:
        return False
    planned = consultation.due_at
    return planned is None or step.due_at is None or working_seconds_between(planned, step.due_at) != 0


def steps_after_shift(dossier_id: int, *, order: int, seconds: int) -> None:
    """Move the due instants of the pending steps after ``order`` by ``seconds`` of working time (negative:
    earlier), as the consultation inserted before them takes that much more or less time than planned."""
    pending = DossierStep.objects.filter(dossier_id=dossier_id, order__gt=order, state=StepState.PENDING)
    _dues_shift(pending, seconds)


def _dues_shift(steps: QuerySet[DossierStep], seconds: int) -> None:
    """Move the due instants of ``steps`` (those that have one) by ``seconds`` of working time."""
    if seconds == 0:
        return
    dated = list(steps.exclude(due_at=None))
    for step in dated:
        step.due_at = shift_by_working_seconds(step.due_at, seconds)
    DossierStep.objects.bulk_update(dated, ["due_at"])


def step_next(dossier: Dossier) -> DossierStep | None:
    """The first pending step after the active one."""
    return step_after(dossier)


def return_step_new(dossier: Dossier) -> DossierStep:
    """The front desk's step "Return the result" after the active step, in the receiving agency (unsaved)."""
    active = dossier.active_step
    # The same words as the default flow's last step, in the site's language as they are (steps_plan).
    with translation.override(settings.LANGUAGE_CODE):
        name = _("Return the result")
    return DossierStep(
        dossier=dossier,
        order=(active.order if active is not None else 0) + 10,
        name=name,
        agency_id=dossier.receiving_agency_id,
        role=Role.FRONT_DESK,
        due_at=dossier.due_at,
    )


def assignee_check(*, user: User | None, step: DossierStep, roles: Roles | None = None) -> None:
    """Refuse an assignee who does not hold the step's role in force in the step's agency, or whose account is
    deactivated (the step would wait for them while their colleagues see it as someone else's)."""
    if user is None:
        return
    held = StaffRole.objects.in_force().filter(
        user=user, user__is_active=True, agency_id=step.agency_id, role=step.role
    )
    if not held.exists():
        if not user.is_active:
            message = _("%(user)s's account is deactivated: choose another officer.")
        else:
            message = _("%(user)s does not hold the role of this step in its agency.")
        raise TransitionRefused(message % {"user": user.get_username()}, code="assignee_role", field="to_user")


def agency_active_check(*, step: DossierStep, roles: Roles) -> None:
    """Refuse handing the dossier to ``step`` at an agency made inactive (merged, dissolved) since the dossier's
    steps were planned: nobody there could act on it. ``roles`` are the actor's, in force: one held in the step's
    agency shows it active without a query (the usual hand-over within one agency)."""
    if any(agency_id == step.agency_id for agency_id, _role in roles):
        return
    agency = Agency.objects.filter(pk=step.agency_id).only("name", "is_active").first()
    if agency is not None and not agency.is_active:
        raise TransitionRefused(
            _(
                "The step the dossier would go to is at an agency that is no longer active: %(agency)s; the "
                "dossier would wait there for good. An administrator must update the process."
            )
            % {"agency": agency.name},
            code="agency_inactive",
        )


def step_advance(
    dossier: Dossier,
    *,
    at: datetime,
    to_user: User | None = None,
    ensure_return: bool = False,
    change: Change | None = None,
) -> DossierStep | None:
    """Finish the active step and start the next pending one; return it (None at the end).

    With ``ensure_return``, an approved dossier leaving its last step gets the front desk's return step
    (see :func:`return_step_needed`) instead of being left without a step. With ``change``, the two
    steps' rows are written with the dossier's at the end of the transition (one statement on PostgreSQL).
    """
    nxt = step_next(dossier)
    created = nxt is None and ensure_return and return_step_needed(dossier)
    if created:
        nxt = return_step_new(dossier)
    if nxt is not None:
        agency_active_check(step=nxt, roles=change.roles if change is not None else frozenset())
        assignee_check(user=to_user, step=nxt)
    done = dossier.active_step
    if done is not None:
        step_finish(done, at=at, change=change)
    if nxt is not None:
        _start(nxt, at, to_user)
        if created:
            row_insert(nxt)  # now: the dossier's UPDATE points at its key
        else:
            _save(nxt, _FIELDS, change)
    dossier.active_step = nxt
    steps_forget(dossier)
    return nxt


def steps_shift(dossier: Dossier, *, seconds: int) -> None:
    """Move the due instant of every unfinished step later by ``seconds`` of working time."""
    _dues_shift(dossier.steps.exclude(state=StepState.DONE), seconds)
