"""The dossier state machine: one table of every allowed transition (chuyển trạng thái).

Each row names the source statuses, the action, the target status (``None``: the status does not
change, or the service decides it, as on resuming after a supplement), the roles that may act, where
those roles count (``Scope``) and an optional guard. :func:`transition_find` is the only door: every
service calls it before changing anything.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from django.db import connection
from django.db.models import Exists, Model, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.core.compiled import compiled
from chinhquyen.directory.models import Role, User
from chinhquyen.directory.selectors import Roles, roles_in_force_sql
from chinhquyen.workcal.engine import TZ, instant_in_calendar
from chinhquyen.workcal.selectors import date_is_working_day, instant_is_working_time

from .action_names import action_name
from .deadlines import letter_send_by, working_seconds_between
from .errors import TransitionRefused
from .models import (
    OPEN_STATUSES,
    ApologyLetter,
    Channel,
    Dossier,
    DossierEvent,
    DossierStatus,
    DossierStep,
    LetterState,
    Outcome,
    StepState,
    Substatus,
)
from .ownership import account_holds

S = DossierStatus
APPLICANT = "applicant"  # the account owning the dossier's applicant record
ANY_STAFF = frozenset({Role.FRONT_DESK, Role.SPECIALIST, Role.LEADER})


class Scope(Enum):
    """Where a role counts."""

    RECEPTION = "reception"  # in the receiving agency
    STEP = "step"  # the active step's role, in the active step's agency (and its assignee, if any)
    STEP_AGENCY = "step_agency"  # any listed role in the active step's agency
    INVOLVED = "involved"  # in the receiving agency or the active step's agency
    AGENCY = "agency"  # in the agency the caller names (the letter's agency at fault)
    # In an agency at fault for a delay (the one the caller names, if any): the active step's, or one whose step
    # on the dossier finished late (a consultation answered late included).
    AT_FAULT = "at_fault"
    ASKING = "asking"  # in the agency whose step asked the consultation now open (its answer goes there)


@dataclass(frozen=True)
class Context:
    """What a guard may look at."""

    dossier: Dossier
    user: User
    at: datetime
    subject: Model | None = None  # e.g. the apology letter being approved or sent


Guard = Callable[[Context], TransitionRefused | None]


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[int]
    target: int | None
    roles: frozenset[str]
    scope: Scope
    guard: Guard | None = None
    internal: bool = False  # hidden from the applicant's timeline


# --- Guards -----------------------------------------------------------------------------------


def _front_desk_once(ctx: Context) -> TransitionRefused | None:
    if ctx.dossier.front_desk_supplement_used:
        return TransitionRefused(
            _("The front desk may ask for a supplement only once before reception."),
            code="front_desk_supplement_used",
        )
    return None


def _never_sent_back(ctx: Context) -> TransitionRefused | None:
    """A counter draft the front desk sent back for a supplement (form 02) was handed in, not opened by mistake:
    deleting it would erase the request the applicant holds and let the front desk ask a second time."""
    if ctx.dossier.front_desk_supplement_used:
        return TransitionRefused(
            _(
                "The applicant was asked for a supplement on this dossier (form 02), so it was handed in: it "
                "cannot be discarded. Receive it, or refuse it with the reasons."
            ),
            code="supplement_requested",
        )
    return None


# A supplement asked for before reception keeps the status it paused (0 or 1): the dossier has no code yet.
_BEFORE_RECEPTION = frozenset({S.DRAFT, S.SUBMITTED})


def _supplement_before_reception(ctx: Context) -> TransitionRefused | None:
    """Waiting for the supplement the front desk asked for before reception: it may still be refused (form 03)."""
    if ctx.dossier.paused_status in _BEFORE_RECEPTION:
        return None
    return TransitionRefused(
        _("This dossier has been received: it can no longer be refused at reception."),
        code="transition_not_allowed",
    )


def _received(ctx: Context) -> TransitionRefused | None:
    """Received (a code, and not waiting for a supplement asked for before reception): there is processing to stop."""
    if ctx.dossier.code and ctx.dossier.paused_status not in _BEFORE_RECEPTION:
        return None
    return TransitionRefused(
        _(
            "This dossier has not been received, so there is no processing to stop; "
            "the front desk may refuse it at reception instead."
        ),
        code="not_received",
    )


def _not_own_step(ctx: Context) -> TransitionRefused | None:
    """Claiming a step one holds already changes nothing: it is not offered, and refused if posted."""
    step = ctx.dossier.active_step
    if step is not None and step.assignee_id == ctx.user.pk:
        return TransitionRefused(_("This step is already yours."), code="already_claimed")
    return None


def _held_by_departed(ctx: Context) -> TransitionRefused | None:
    """The active step's officer has left it: the account deactivated, or the step's role in its agency no
    longer theirs (a step *starting* without its officer is left unassigned by ``services.steps``)."""
    step = ctx.dossier.active_step
    if step is not None and step.assignee_id is not None:
        holds = User.objects.filter(
            pk=step.assignee_id,
            is_active=True,
            staff_roles__agency_id=step.agency_id,
            staff_roles__role=step.role,
            staff_roles__agency__is_active=True,  # a role in force (StaffRole.objects.in_force)
        )
        if not holds.exists():
            return None
    return TransitionRefused(_("This step is not held by an officer who has left it."), code="transition_not_allowed")


def _not_consultation(ctx: Context) -> TransitionRefused | None:
    """An agency consulted gives its opinion and forwards it back; the lead agency takes every other decision
    (sending back, asking the applicant, consulting further)."""
    step = ctx.dossier.active_step
    if step is None or not step.consultation:
        return None
    return TransitionRefused(
        _("This step asks your agency for its opinion: give it and forward the dossier back to the agency that asked."),
        code="consultation_step",
    )


def _supplement_supplied(ctx: Context) -> TransitionRefused | None:
    if ctx.dossier.substatus != Substatus.SUPPLEMENT_SUPPLIED:
        return TransitionRefused(
            _("There is no supplied supplement waiting to be checked."), code="no_supplement_supplied"
        )
    return None


def _pickup_requested(ctx: Context) -> TransitionRefused | None:
    if ctx.dossier.substatus != Substatus.PICKUP_REQUESTED:
        return TransitionRefused(_("No collection by post waits for this application."), code="no_pickup_requested")
    return None


def _no_pickup_awaited(ctx: Context) -> TransitionRefused | None:
    # The papers the post is collecting are part of what the front desk checks: its one request for a
    # supplement waits for them (the request would also end the pickup the post is on its way to make).
    if ctx.dossier.substatus == Substatus.PICKUP_REQUESTED:
        return TransitionRefused(
            _("The post is collecting the paper documents: check them once they arrive, then ask for what is missing."),
            code="pickup_awaited",
        )
    return None


def _supply_checked(ctx: Context) -> TransitionRefused | None:
    # The sub-states of the spec go supplied -> accepted: what the applicant sent is checked before the
    # dossier moves on, so nobody receives, forwards or approves it on documents nobody has looked at.
    if ctx.dossier.substatus == Substatus.SUPPLEMENT_SUPPLIED:
        return TransitionRefused(
            _("Check the documents the applicant supplied first: accept them or ask again for what is missing."),
            code="supplement_unchecked",
        )
    return None


def _all_of(*guards: Guard) -> Guard:
    """A guard refusing with the first of ``guards`` that refuses."""

    def guard(ctx: Context) -> TransitionRefused | None:
        for one in guards:
            refused = one(ctx)
            if refused is not None:
                return refused
        return None

    return guard


def _pickup_open(ctx: Context) -> TransitionRefused | None:
    if ctx.dossier.channel != Channel.ONLINE or ctx.dossier.substatus != Substatus.NONE:
        return TransitionRefused(
            _("The post office collects paper documents only for an online application waiting to be received."),
            code="pickup_not_open",
        )
    return None


def _remembered(dossier: Dossier, name: str, load: Callable[[], DossierStep | None]) -> DossierStep | None:
    """``load()``, remembered on the instance while its version and active step stay the same."""
    key = (dossier.version, dossier.active_step_id)
    cached = dossier.__dict__.get(name)
    if cached is not None and cached[0] == key:
        return cached[1]
    found = load()
    dossier.__dict__[name] = (key, found)
    return found


# Compiled once: compiling the ORM's query costs several times what running it does. Forward and approve
# read the same row with the dossier's lock instead (services.base.NEXT_STEP, then step_after_remember).
@compiled(dossier_id=int, order=int)
def _first_pending_after(dossier_id: int, order: int) -> QuerySet[DossierStep]:
    steps = DossierStep.objects.filter(dossier_id=dossier_id, state=StepState.PENDING, order__gt=order)
    return steps.order_by("order", "pk")[:1]


@compiled(dossier_id=int, order=int)
def _last_done_before(dossier_id: int, order: int) -> QuerySet[DossierStep]:
    # Neither a consultation nor the step that asked it: the answer came back to that step's twin, the same
    # stage of the process, so sending back goes to the stage before.
    steps = DossierStep.objects.filter(dossier_id=dossier_id, state=StepState.DONE, order__lt=order)
    asked = DossierStep.objects.filter(
        dossier_id=OuterRef("dossier_id"), consultation=True, order=OuterRef("order") + 1
    )
    return (
        steps.exclude(role=Role.FRONT_DESK)
        .exclude(consultation=True)
        .exclude(Exists(asked))
        .order_by("-order", "-pk")[:1]
    )


def step_after(dossier: Dossier) -> DossierStep | None:
    """The first pending step after the active one."""
    active = dossier.active_step
    order = active.order if active is not None else -1
    return _remembered(
        dossier, "_step_after", lambda: next(iter(_first_pending_after(dossier_id=dossier.pk, order=order)), None)
    )


def steps_after_next(dossier: Dossier) -> bool:
    """Whether a step of the process is still pending after :func:`step_after`: a front desk's step next is
    then not the one returning the result but one mid-process (sending the dossier on to another agency)."""
    key = (dossier.version, dossier.active_step_id)
    cached = dossier.__dict__.get("_steps_after_next")
    if cached is not None and cached[0] == key:
        return bool(cached[1])
    nxt = step_after(dossier)
    steps = DossierStep.objects.filter(dossier_id=dossier.pk, state=StepState.PENDING, consultation=False)
    found = nxt is not None and steps.filter(order__gt=nxt.order).exists()
    dossier.__dict__["_steps_after_next"] = (key, found)
    return found


def step_after_remember(dossier: Dossier, step: DossierStep | None, *, more: bool | None = None) -> None:
    """Remember ``step`` as :func:`step_after` of ``dossier`` as it is now (read with the dossier's lock), and
    ``more`` as :func:`steps_after_next` when the lock read it too."""
    key = (dossier.version, dossier.active_step_id)
    dossier.__dict__["_step_after"] = (key, step)
    if more is not None:
        dossier.__dict__["_steps_after_next"] = (key, more)


def step_before(dossier: Dossier) -> DossierStep | None:
    """The last finished processing step before the active one (where "send back" goes)."""
    active = dossier.active_step
    if active is None:
        return None
    return _remembered(
        dossier,
        "_step_before",
        lambda: next(iter(_last_done_before(dossier_id=dossier.pk, order=active.order)), None),
    )


def steps_forget(dossier: Dossier) -> None:
    """Drop what :func:`step_after` and :func:`step_before` remembered (the steps changed)."""
    dossier.__dict__.pop("_step_after", None)
    dossier.__dict__.pop("_step_before", None)


def return_step_needed(dossier: Dossier) -> bool:
    """An approved dossier whose active step is the last one and not the front desk's.

    Moving on from it creates the front desk's step "Return the result", from which the result is issued
    and returned: a process template ending with the leader's step can always finish.
    """
    step = dossier.active_step
    return (
        dossier.approved_at is not None
        and step is not None
        and step.role != Role.FRONT_DESK
        and step_after(dossier) is None
    )


def _has_next_step(ctx: Context) -> TransitionRefused | None:
    if ctx.dossier.active_step is None:
        return TransitionRefused(_("The dossier has no active step."), code="no_active_step")
    if step_after(ctx.dossier) is None and not return_step_needed(ctx.dossier):
        return TransitionRefused(_("This is the last step: there is no step to forward to."), code="no_next_step")
    return None


def _has_previous_step(ctx: Context) -> TransitionRefused | None:
    if step_before(ctx.dossier) is None:
        return TransitionRefused(_("There is no earlier processing step to send back to."), code="no_previous_step")
    return None


def _approved_or_leader(ctx: Context) -> TransitionRefused | None:
    step = ctx.dossier.active_step
    if ctx.dossier.approved_at is None and (step is None or step.role != Role.LEADER):
        return TransitionRefused(_("A leader must approve the result before it is issued."), code="not_approved")
    return None


def _no_step_left_after_leader(ctx: Context) -> TransitionRefused | None:
    """From a leader's step, only when no step but the front desk's comes next: the steps after it (sealing and
    numbering the result, or the processing a leader assigning the dossier opens) are done first (spec §1)."""
    step = ctx.dossier.active_step
    if step is None or step.role != Role.LEADER:
        return None
    nxt = step_after(ctx.dossier)
    if nxt is not None and (nxt.role != Role.FRONT_DESK or steps_after_next(ctx.dossier)):
        return TransitionRefused(
            _("Steps remain after this one: hand the dossier on to them; the result is issued after them."),
            code="steps_remaining",
        )
    return None


def _approved_at_front_desk(ctx: Context) -> TransitionRefused | None:
    step = ctx.dossier.active_step
    if ctx.dossier.approved_at is None or (step is not None and step.role != Role.FRONT_DESK):
        return TransitionRefused(_("A leader must approve the result before it is issued."), code="not_approved")
    if step is not None and step.assignee_id is not None and step.assignee_id != ctx.user.pk:
        # The front desk's step claimed by a colleague is theirs to issue from, as under the STEP row.
        return TransitionRefused(_("This step is assigned to another officer."), code="assigned_to_other")
    return None


def _leader_step(ctx: Context) -> TransitionRefused | None:
    step = ctx.dossier.active_step
    if step is None or step.role != Role.LEADER:
        return TransitionRefused(_("Only a leader's step can be approved."), code="not_leader_step")
    return None


def _last_leader_step(ctx: Context) -> TransitionRefused | None:
    """Approval is the last leader's step's (spec §1: the agency leader approves after the draft); an earlier
    leader's step assigns the dossier, and approving there would approve a result nobody has drafted yet.

    The next step comes with the lock; only a specialist's or the front desk's next (assigning, numbering after
    the approval, returning the result or sending the dossier on to another agency) takes a query for a
    leader's step further on.
    """
    nxt = step_after(ctx.dossier)
    if nxt is None or (nxt.role == Role.FRONT_DESK and not steps_after_next(ctx.dossier)):
        return None
    if nxt.role != Role.LEADER and not _leader_step_pending_after(ctx.dossier, nxt.order):
        return None
    return TransitionRefused(
        _("A leader's step comes later: hand the dossier on; the result is approved at the last leader's step."),
        code="leader_step_later",
    )


def _leader_step_pending_after(dossier: Dossier, order: int) -> bool:
    steps = DossierStep.objects.filter(dossier_id=dossier.pk, state=StepState.PENDING, order__gt=order)
    return steps.filter(role=Role.LEADER, consultation=False).exists()


def _not_extended(ctx: Context) -> TransitionRefused | None:
    if ctx.dossier.extended_at is not None:
        return TransitionRefused(_("The due date can be extended only once."), code="second_extension")
    return None


def _extendable(ctx: Context) -> TransitionRefused | None:
    """A letter may still be drafted: a due date to extend, never extended, and time left to send a letter."""
    if ctx.dossier.due_at is None:
        return TransitionRefused(_("The dossier has no due date to extend."), code="no_due_date")
    refused = _not_extended(ctx)
    return refused if refused is not None else _letter_in_time(ctx)


def _letter_in(state: str) -> Guard:
    """The letter is in ``state``, the due date not extended yet, and a letter can still be sent in time: a letter
    approved too late would only wait for a sending the law no longer allows."""

    def guard(ctx: Context) -> TransitionRefused | None:
        refused = _not_extended(ctx)
        if refused is not None:
            return refused
        if getattr(ctx.subject, "state", None) != state:
            return TransitionRefused(
                _("The letter is not in the state %(state)s.") % {"state": LetterState(state).label},
                code="letter_state",
            )
        return _letter_in_time(ctx)

    return guard


def _letter_unsent(ctx: Context) -> TransitionRefused | None:
    """A letter drafted or approved, not sent: the one kind a leader withdraws (the due date never moved)."""
    state = getattr(ctx.subject, "state", None)
    if state == LetterState.SENT:
        return TransitionRefused(
            _("This letter was sent to the applicant: it can no longer be withdrawn."), code="letter_state"
        )
    if state == LetterState.WITHDRAWN:
        return TransitionRefused(_("This letter has been withdrawn already."), code="letter_state")
    return _not_extended(ctx)


def _letter_in_time(ctx: Context) -> TransitionRefused | None:
    """Sent by the working day before the due date; drafted and approved by then too, or the letter could not be
    sent. While the clock waits on the applicant the due date is not known yet (it moves by the time paused when
    the clock runs again): a letter is drafted and approved then, and ``_clock_running`` holds its sending."""
    due = ctx.dossier.due_at
    if due is None:
        return TransitionRefused(_("The dossier has no due date to extend."), code="no_due_date")
    if ctx.dossier.paused_at is not None:
        return None
    last = letter_send_by(due_at=due)
    if ctx.at.astimezone(TZ).date() <= last:
        return None
    values = {"due": due.astimezone(TZ).strftime("%d/%m/%Y %H:%M"), "last": last.strftime("%d/%m/%Y")}
    return TransitionRefused(
        _("The letter must be sent at least one working day before the due date, %(due)s: by %(last)s at the latest.")
        % values,
        code="letter_too_late",
    )


def letter_due_refusal(*, new_due_at: datetime) -> TransitionRefused | None:
    """Why ``new_due_at`` cannot be a letter's new due date: it is not working time (checked at drafting and
    again at sending, as the calendar may have changed in between)."""
    # Beyond the working calendar's years (even past the year 9999 in Vietnam time): a mistyped year, which
    # the calendar cannot judge.
    if not instant_in_calendar(new_due_at):
        return TransitionRefused(
            _("The new due date, %(date)s, is not a date a letter can give: check the year.")
            % {"date": new_due_at.strftime("%d/%m/%Y")},
            code="letter_date_out_of_range",
        )
    local = new_due_at.astimezone(TZ)
    values = {"date": local.strftime("%d/%m/%Y"), "time": local.strftime("%H:%M")}
    if instant_is_working_time(at=new_due_at):
        return None
    if not date_is_working_day(day=local.date()):
        message = _("The new due date, %(date)s, is a day off: choose a working day.")
    else:
        message = _("The new due time, %(time)s on %(date)s, is outside working hours: choose a time within them.")
    return TransitionRefused(message % values, code="letter_date_not_working_time")


def _clock_running(ctx: Context) -> TransitionRefused | None:
    """No letter is sent while the clock waits on the applicant (a supplement, a payment): the due date it
    would replace is not known until the applicant answers (it then moves by the time paused), and until then
    it cannot be reached."""
    if ctx.dossier.paused_at is None:
        return None
    return TransitionRefused(
        _(
            "The clock is stopped while the dossier waits for the applicant (documents asked for, or a payment), "
            "and the due date will move by the time paused: send the letter once it runs again, against the due "
            "date then."
        ),
        code="clock_paused",
    )


def _letter_date_valid(ctx: Context) -> TransitionRefused | None:
    """The letter's new date still extends the due date (a supplement may have moved it since the drafting)."""
    letter, due = ctx.subject, ctx.dossier.due_at
    if not isinstance(letter, ApologyLetter) or due is None:
        return None
    if letter.new_due_at <= due:
        values = {
            "due": due.astimezone(TZ).strftime("%d/%m/%Y %H:%M"),
            "new": letter.new_due_at.astimezone(TZ).strftime("%d/%m/%Y %H:%M"),
        }
        return TransitionRefused(
            _(
                "The due date has moved to %(due)s since this letter was drafted, so the letter's new date, "
                "%(new)s, is no longer later. Draft a new letter with a later date."
            )
            % values,
            code="letter_date_not_later",
        )
    refused = letter_due_refusal(new_due_at=letter.new_due_at)
    if refused is None and working_seconds_between(due, letter.new_due_at) <= 0:
        values = {
            "due": due.astimezone(TZ).strftime("%d/%m/%Y %H:%M"),
            "new": letter.new_due_at.astimezone(TZ).strftime("%d/%m/%Y %H:%M"),
        }
        return TransitionRefused(
            _(
                "The due date has moved to %(due)s since this letter was drafted, so the letter's new date, "
                "%(new)s, no longer adds working time to it. Draft a new letter with a later date."
            )
            % values,
            code="letter_adds_no_time",
        )
    return refused


def _online_draft(ctx: Context) -> TransitionRefused | None:
    if not ctx.dossier.is_online_draft:
        return TransitionRefused(_("Only an application started online can be changed here."), code="not_online_draft")
    return None


def _applied_online(ctx: Context) -> TransitionRefused | None:
    # Asked of how the applicant applied (submitted on the portal), not of the channel: the channel of an online
    # application whose paper documents the post collected becomes 3 (postal), and its result is still online.
    if ctx.dossier.submitted_at is None:
        return TransitionRefused(
            _("This result is handed over at the counter or by post, not online."), code="not_online_channel"
        )
    return None


def _applicant_upload_open(ctx: Context) -> TransitionRefused | None:
    # The applicant attaches to their online draft, or what the agency asked for; a submitted application
    # is checked as it was sent.
    if ctx.dossier.is_online_draft or ctx.dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
        return None
    return TransitionRefused(
        _("Files can be added to this dossier only while the agency waits for documents it asked you for."),
        code="no_supplement_requested",
    )


# The supplement request standing now: the first one, or the one a "not enough" answer put back.
SUPPLEMENT_REQUESTS = ("request_supplement", "supplement_reject")


def _supplement_attached(ctx: Context) -> TransitionRefused | None:
    # The applicant answers online with what was attached since the request standing now (one query): their
    # own files, or the scans of papers they brought to the counter meanwhile.
    # Events are written under the dossier's lock, so their ids follow their order whatever time the
    # actions were dated (imports and tests give ``at``).
    events = DossierEvent.objects.filter(dossier_id=ctx.dossier.pk)
    asked = events.filter(action__in=SUPPLEMENT_REQUESTS).order_by("-pk").values("pk")[:1]
    if events.filter(action="document_add", pk__gt=Subquery(asked)).exists():
        return None
    return TransitionRefused(
        _("Attach the documents the agency asked for before sending the supplement."), code="supplement_empty"
    )


def _brought_back(ctx: Context) -> TransitionRefused | None:
    # A result the post office brought back (chuyển hoàn), or whose postal order the partner cancelled, is at the
    # counter again: status 10 stays, and it is handed over anew, at the counter, online or by post. Any other
    # returned dossier is done with.
    if ctx.dossier.substatus != Substatus.RESULT_READY:
        return TransitionRefused(_("The result of this dossier has already been handed over."), code="already_returned")
    return None


# --- The table --------------------------------------------------------------------------------

FD = frozenset({Role.FRONT_DESK})
LEADER = frozenset({Role.LEADER})
SPECIALIST = frozenset({Role.SPECIALIST})
_OWN = frozenset({APPLICANT})


# Work an agency hands over to its successor: its open dossiers, and a returned one whose result is still to be
# handed over (brought back by the post office) or may come back to the agency (on its way by post).
HANDED_OVER_STATUSES = (*OPEN_STATUSES, S.RETURNED)
RESULT_AT_AGENCY = frozenset({Substatus.RESULT_READY, Substatus.RESULT_AWAITING_CONFIRMATION})


def _work_at_agency(ctx: Context) -> TransitionRefused | None:
    """Not an online draft: its applicant moves it (``online_draft_agency_set``), and it is refused at an inactive
    agency when submitted. A returned dossier only while its result is not in the applicant's hands."""
    dossier = ctx.dossier
    if dossier.is_online_draft or (dossier.status == S.RETURNED and dossier.substatus not in RESULT_AT_AGENCY):
        return TransitionRefused(
            _("There is no open work on this dossier to hand over."), code="transition_not_allowed"
        )
    return None


def _s(*statuses: int) -> frozenset[int]:
    return frozenset(statuses)


TRANSITIONS: tuple[Transition, ...] = (
    # The applicant's online application (hồ sơ trực tuyến), before anyone at the agency sees it.
    Transition("draft_save", _s(S.DRAFT), None, _OWN, Scope.RECEPTION, _online_draft, True),
    Transition("document_remove", _s(S.DRAFT), None, _OWN, Scope.RECEPTION, _online_draft, True),
    Transition("submit", _s(S.DRAFT), S.SUBMITTED, _OWN, Scope.RECEPTION, _online_draft),
    Transition(
        "document_add",
        _s(S.DRAFT, S.SUBMITTED, S.SUPPLEMENT_REQUESTED),
        None,
        _OWN,
        Scope.RECEPTION,
        _applicant_upload_open,
    ),
    Transition(
        "document_add",
        _s(S.DRAFT, S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUIRED),
        None,
        FD,
        Scope.RECEPTION,
    ),
    Transition("documents_mark_received", _s(S.DRAFT, S.SUBMITTED), None, FD, Scope.RECEPTION),
    # A scan attached to a counter draft by mistake comes off it before reception (services.reception
    # .dossier_scan_remove); once received, it is part of the dossier handed in. The office's row, as the scan's.
    Transition("document_remove", _s(S.DRAFT), None, FD, Scope.RECEPTION, internal=True),
    Transition("authorised_person_set", _s(S.DRAFT, S.SUBMITTED), None, FD, Scope.RECEPTION),
    # A draft opened at the counter and never received (opened twice, or by mistake) is deleted, not closed:
    # it has no code, and no status of the national vocabulary fits it (services.drafts.counter_draft_discard).
    # No official acts on an online draft, whose applicant discards it (services.online.online_draft_discard).
    Transition("draft_discard", _s(S.DRAFT), None, FD, Scope.RECEPTION, _never_sent_back, internal=True),
    Transition("receive", _s(S.DRAFT, S.SUBMITTED), S.RECEIVED, FD, Scope.RECEPTION, _supply_checked),
    Transition("refuse", _s(S.DRAFT, S.SUBMITTED), S.REFUSED, FD, Scope.RECEPTION),
    # ... also while the supplement the front desk asked for before reception is awaited: the applicant never
    # came back, or what was supplied shows the dossier is out of scope (spec §1: refusal with reasons).
    Transition("refuse", _s(S.SUPPLEMENT_REQUESTED), S.REFUSED, FD, Scope.RECEPTION, _supplement_before_reception),
    Transition(
        "request_supplement",
        _s(S.DRAFT, S.SUBMITTED),
        S.SUPPLEMENT_REQUESTED,
        FD,
        Scope.RECEPTION,
        _all_of(_front_desk_once, _no_pickup_awaited),
    ),
    Transition(
        "request_supplement",
        _s(S.RECEIVED, S.PROCESSING),
        S.SUPPLEMENT_REQUESTED,
        SPECIALIST,
        Scope.STEP,
        _not_consultation,
    ),
    # Online, the applicant sends what they attached; the front desk records papers handed in at the counter.
    Transition("supplement_provided", _s(S.SUPPLEMENT_REQUESTED), None, _OWN, Scope.RECEPTION, _supplement_attached),
    Transition("supplement_provided", _s(S.SUPPLEMENT_REQUESTED), None, FD, Scope.RECEPTION),
    # The supplied documents are checked by whoever asked for them: the front desk before reception, the
    # active step's specialist during processing (the request's status comes back with the supply).
    Transition("supplement_accept", _s(S.DRAFT, S.SUBMITTED), None, FD, Scope.RECEPTION, _supplement_supplied),
    Transition("supplement_accept", _s(S.RECEIVED, S.PROCESSING), None, SPECIALIST, Scope.STEP, _supplement_supplied),
    # Not enough: the same request stands, with what is still missing. The front desk's "only once" (spec
    # §1) is read as: everything to complete is listed in one request (one form 02), so the front desk
    # cannot add demands later. Telling the applicant that the supply does not meet that request is not a
    # second request: these rows have no ``_front_desk_once``; a new "request_supplement" still has it.
    Transition(
        "supplement_reject",
        _s(S.DRAFT, S.SUBMITTED),
        S.SUPPLEMENT_REQUESTED,
        FD,
        Scope.RECEPTION,
        _supplement_supplied,
    ),
    Transition(
        "supplement_reject",
        _s(S.RECEIVED, S.PROCESSING),
        S.SUPPLEMENT_REQUESTED,
        SPECIALIST,
        Scope.STEP,
        _supplement_supplied,
    ),
    # The applicant of an online application has the postal service collect the paper documents.
    Transition("pickup_request", _s(S.SUBMITTED), None, _OWN, Scope.RECEPTION, _pickup_open),
    # ... and may call it off while the postman has not collected them (the partner says whether he has).
    Transition("pickup_cancel", _s(S.SUBMITTED), None, _OWN, Scope.RECEPTION, _pickup_requested),
    Transition("claim", _s(S.RECEIVED, S.PROCESSING), None, ANY_STAFF, Scope.STEP, _not_own_step, internal=True),
    Transition(
        "forward",
        _s(S.RECEIVED, S.PROCESSING),
        S.PROCESSING,
        ANY_STAFF,
        Scope.STEP,
        _all_of(_supply_checked, _has_next_step),
        True,
    ),
    Transition(
        "send_back",
        _s(S.PROCESSING),
        S.PROCESSING,
        ANY_STAFF,
        Scope.STEP,
        _all_of(_supply_checked, _not_consultation, _has_previous_step),
        True,
    ),
    Transition("reassign", _s(S.RECEIVED, S.PROCESSING), None, LEADER, Scope.STEP_AGENCY, internal=True),
    # Nobody takes it (no roles: never offered, never found by ``transition_find``): the platform does when the
    # officer holding the active step leaves, so the step reaches all who hold its role (``services.departed``).
    Transition(
        "release",
        _s(S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUIRED, S.RESOLVED),
        None,
        frozenset(),
        Scope.STEP,
        _held_by_departed,
        True,
    ),
    # Nobody takes it either: the platform re-times the open dossiers' due dates when the working calendar changes
    # (a day off declared, a make-up working day, new hours), paused ones included (``services.retime``). The
    # applicant sees the row, and is told, when the due date as shown to them (to the minute) moves; a row that
    # moves only the steps' dates, or the due date within its minute, is internal.
    Transition(
        "calendar_retime",
        _s(S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUIRED),
        None,
        frozenset(),
        Scope.STEP,
        None,
        False,
    ),
    # Nobody takes it either: a province administrator hands an agency's open work over to its successor (a merger
    # of agencies): the steps held or to come there, and the open dossiers it receives (``services.handover``).
    Transition(
        "agency_handover",
        _s(*HANDED_OVER_STATUSES),
        None,
        frozenset(),
        Scope.RECEPTION,
        _work_at_agency,
        True,
    ),
    # The examining specialist may consult or ask for payment on the first pass (status 2) too.
    Transition(
        "consult_agency",
        _s(S.RECEIVED, S.PROCESSING),
        S.PROCESSING,
        SPECIALIST,
        Scope.STEP,
        _all_of(_supply_checked, _not_consultation),
        True,
    ),
    # An opinion that does not come: the agency that asked takes the dossier back and goes on without it.
    Transition("consult_recall", _s(S.PROCESSING), S.PROCESSING, SPECIALIST | LEADER, Scope.ASKING, None, True),
    Transition(
        "request_payment",
        _s(S.RECEIVED, S.PROCESSING),
        S.PAYMENT_REQUIRED,
        SPECIALIST,
        Scope.STEP,
        _all_of(_supply_checked, _not_consultation),
    ),
    Transition("payment_confirmed", _s(S.PAYMENT_REQUIRED), S.PROCESSING, FD, Scope.RECEPTION),
    Transition(
        "approve",
        _s(S.PROCESSING),
        S.PROCESSING,
        LEADER,
        Scope.STEP,
        _all_of(_supply_checked, _leader_step, _last_leader_step),
        True,
    ),
    Transition(
        "issue_result",
        _s(S.PROCESSING),
        S.RESOLVED,
        LEADER | FD,
        Scope.STEP,
        _all_of(_supply_checked, _approved_or_leader, _no_step_left_after_leader),
    ),
    # Once approved, the front desk of the receiving agency issues from the front desk's step, wherever
    # that step is, or from no step (dossiers approved before approval created the return step).
    Transition(
        "issue_result",
        _s(S.PROCESSING),
        S.RESOLVED,
        FD,
        Scope.RECEPTION,
        _all_of(_supply_checked, _approved_at_front_desk),
    ),
    # The front desk hands over at the counter, or by post through the partner's order (``postal`` is refused
    # to ``dossier_return`` itself: ``postal_order_required``).
    Transition("return", _s(S.RESOLVED), S.RETURNED, FD, Scope.RECEPTION),
    # An online applicant's download of the result is the hand-over (trả kết quả trực tuyến), the only one the
    # applicant records (another method is refused, ``online_only``: ``services.processing.return_method_check``).
    Transition("return", _s(S.RESOLVED), S.RETURNED, _OWN, Scope.RECEPTION, _applied_online),
    Transition("return", _s(S.RETURNED), S.RETURNED, FD, Scope.RECEPTION, _brought_back),
    Transition("return", _s(S.RETURNED), S.RETURNED, _OWN, Scope.RECEPTION, _all_of(_brought_back, _applied_online)),
    Transition(
        "withdraw",
        _s(S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUIRED),
        S.WITHDRAWN,
        _OWN | FD,
        Scope.RECEPTION,
    ),
    Transition(
        "stop",
        _s(S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUIRED),
        S.STOPPED,
        LEADER,
        Scope.INVOLVED,
        _received,  # form 05 stops processing: a dossier never received is refused at reception instead
    ),
    Transition(
        "letter_draft",
        _s(S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUIRED),
        None,
        SPECIALIST | LEADER,
        Scope.AT_FAULT,
        _extendable,
        True,
    ),
    Transition(
        "letter_approve",
        _s(S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUIRED),
        None,
        LEADER,
        Scope.AGENCY,
        _letter_in("draft"),
        True,
    ),
    Transition(
        "letter_send",
        _s(S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUIRED),
        None,
        LEADER,
        Scope.AGENCY,
        _all_of(_letter_in("approved"), _clock_running, _letter_date_valid),
    ),
    # The way out for a letter that will not be sent: too late to send, or not to be sent at all. It stays a record
    # (state withdrawn), leaves the leader's inbox, and a new letter may be drafted while there is time.
    Transition(
        "letter_withdraw",
        _s(S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUIRED),
        None,
        LEADER,
        Scope.AGENCY,
        _letter_unsent,
        True,
    ),
)
# The actions taken on one apology letter (the transition's subject): not listed by :func:`transition_actions`.
LETTER_ACTIONS = frozenset({"letter_approve", "letter_send", "letter_withdraw"})

ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(row.action for row in TRANSITIONS))
# Timeline rows written by the postal partner's tracking, not by a transition: the status they record was
# reached by `return` or `pickup_request`; other apps (notifications, webhooks) hear of them as of actions.
POSTAL_ACTIONS: tuple[str, ...] = (
    "postal_delivered",
    "postal_returned_to_sender",
    "postal_cancelled",
    "postal_pickup_arrived",
    "postal_pickup_failed",
    "postal_pickup_called_off",
)
# The timeline row a merger writes beside its hand-over for each dossier whose receiving agency changes
# (services/handover.py): not a transition either; the applicant sees it and is told of it.
RECEIVING_AGENCY_CHANGE = "receiving_agency_change"
_ROWS_BY_ACTION: dict[str, tuple[Transition, ...]] = {
    action: tuple(row for row in TRANSITIONS if row.action == action) for action in ACTIONS
}


# --- Lookup -----------------------------------------------------------------------------------


def user_roles_load(*, user: User) -> Roles:
    """The (agency id, role) pairs ``user`` holds in force (none in an inactive agency), in one query."""
    if not user.is_authenticated:
        return frozenset()
    # A raw query: it runs on every page an officer opens and every dossier created at the counter.
    q = connection.ops.quote_name
    sql = roles_in_force_sql(select=f"r.{q('agency_id')}, r.{q('role')}", quote=q)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk])
        return frozenset(cursor.fetchall())


def user_agency_ids(*, user: User) -> set[int]:
    """The agencies where ``user`` holds a role in force, any role (:func:`user_roles_load`'s agencies)."""
    return {agency_id for agency_id, _role in user_roles_load(user=user)}


def _owner_id(dossier: Dossier) -> int | None:
    """The account owning the dossier's applicant (annotated by the lock query, else read)."""
    owner: int | None = getattr(dossier, "applicant_user_id", None)
    if owner is None and not hasattr(dossier, "applicant_user_id"):
        owner = dossier.applicant.user_id
    return owner


def _late_agency_ids(dossier: Dossier) -> list[int]:
    """The agencies whose step on ``dossier`` finished late, in step order; remembered on the instance while its
    version and active step stay the same (as :func:`step_after`)."""
    key = (dossier.version, dossier.active_step_id)
    cached = dossier.__dict__.get("_late_agencies")
    if cached is not None and cached[0] == key:
        return list(cached[1])
    late = DossierStep.objects.filter(dossier_id=dossier.pk, state=StepState.DONE, outcome=Outcome.LATE)
    ids = list(dict.fromkeys(late.order_by("order", "pk").values_list("agency_id", flat=True)))
    dossier.__dict__["_late_agencies"] = (key, ids)
    return list(ids)


def _at_fault_holds(dossier: Dossier, staff_roles: frozenset[str], roles: Roles, agency_id: int | None) -> bool:
    """Whether ``roles`` hold one of ``staff_roles`` in an agency at fault for the dossier's delay (``agency_id``,
    if named): the active step's, or one late on a step (read only for an officer of another agency)."""
    held = {agency for agency, role in roles if role in staff_roles and agency_id in (None, agency)}
    step = dossier.active_step
    if step is not None and step.agency_id in held:
        return True
    return bool(held) and not held.isdisjoint(_late_agency_ids(dossier))


def letter_agencies(
    *, dossier: Dossier, user: User, roles: Roles | None = None, at: datetime | None = None
) -> list[int]:
    """The agencies in whose name ``user`` may draft an apology letter on ``dossier`` at ``at`` (default now), as
    the table's row says: the active step's agency first, then those late on a step, in step order."""
    if roles is None:
        roles = user_roles_load(user=user)
    step = dossier.active_step
    candidates = dict.fromkeys([*([step.agency_id] if step is not None else []), *_late_agency_ids(dossier)])
    ctx = Context(dossier=dossier, user=user, at=at or timezone.now())
    return [a for a in candidates if isinstance(_match(ctx, "letter_draft", roles, a, explain=False), Transition)]


def _allowed(row: Transition, dossier: Dossier, user: User, roles: Roles, agency_id: int | None) -> str | None:
    """Return None if ``user`` may act under ``row``, else the refusal code."""
    step = dossier.active_step
    if row.scope is Scope.AT_FAULT:
        # Officials only, and never on an application its applicant has not submitted yet.
        staff = row.roles - {APPLICANT}
        if not dossier.is_online_draft and _at_fault_holds(dossier, staff, roles, agency_id):
            return None
        return "not_at_fault"
    code = "role_required"
    for role in row.roles:
        if role != APPLICANT and dossier.is_online_draft:
            continue  # no official acts on an application the applicant has not submitted yet
        if role == APPLICANT:
            if user.is_authenticated and account_holds(dossier=dossier, user=user, owner_id=_owner_id(dossier)):
                return None
            continue
        if row.scope is Scope.RECEPTION and (dossier.receiving_agency_id, role) in roles:
            return None
        if row.scope is Scope.AGENCY and (agency_id, role) in roles:
            return None
        if row.scope is Scope.INVOLVED:
            # An agency only consulted for its opinion is not involved in deciding the dossier.
            agencies = {dossier.receiving_agency_id, step.agency_id if step and not step.consultation else None}
            if any((a, role) in roles for a in agencies):
                return None
        if step is None:
            continue
        if row.scope is Scope.STEP_AGENCY and (step.agency_id, role) in roles:
            return None
        if row.scope is Scope.ASKING and step.consultation:
            asking = step_after(dossier)  # the asking step's twin, where the answer comes back
            if asking is not None and (asking.agency_id, role) in roles:
                return None
        if row.scope is Scope.STEP and step.role == role and (step.agency_id, role) in roles:
            if step.assignee_id is None or step.assignee_id == user.pk:
                return None
            code = "assigned_to_other"
    return code


def _refusal(code: str, row_or_action: Transition | str, dossier: Dossier) -> TransitionRefused:
    action = row_or_action if isinstance(row_or_action, str) else row_or_action.action
    if code == "assigned_to_other":
        return TransitionRefused(_("This step is assigned to another officer."), code=code)
    if code == "role_required":
        return TransitionRefused(
            _("You do not hold a role that may take the action “%(action)s” on this dossier.")
            % {"action": action_name(action)},
            code=code,
        )
    if code == "not_at_fault":
        # The same stable code (403): the caller holds no role in an agency that may act.
        return TransitionRefused(
            _(
                "Only a specialist or leader of the agency holding the dossier now, or of an agency whose step on "
                "it was late, may draft its apology letter."
            ),
            code="role_required",
        )
    return TransitionRefused(
        _("The action “%(action)s” is not allowed while the dossier is “%(status)s”.")
        % {"action": action_name(action), "status": DossierStatus(dossier.status).label},
        code="transition_not_allowed",
    )


def transition_find(
    *,
    dossier: Dossier,
    action: str,
    user: User,
    at: datetime | None = None,
    agency_id: int | None = None,
    subject: Model | None = None,
    roles: Roles | None = None,
) -> Transition:
    """Return the row allowing ``user`` to take ``action`` on ``dossier`` now, or raise TransitionRefused.

    ``agency_id`` is the agency for ``Scope.AGENCY`` rows; ``subject`` is handed to guards; ``roles``
    spares the role query when the caller has them already.
    """
    if roles is None:
        roles = user_roles_load(user=user)
    ctx = Context(dossier=dossier, user=user, at=at or timezone.now(), subject=subject)
    found = _match(ctx, action, roles, agency_id, explain=True)
    if isinstance(found, TransitionRefused):
        raise found
    assert found is not None  # noqa: S101 - with explain, a refusal is always given
    return found


def _match(
    ctx: Context, action: str, roles: Roles, agency_id: int | None, *, explain: bool
) -> Transition | TransitionRefused | None:
    """The row allowing the action, else the refusal to give; without ``explain``, None instead of
    the refusals no rule needed to compute (listing the actions open builds no messages)."""
    dossier = ctx.dossier
    rows = [row for row in _ROWS_BY_ACTION.get(action, ()) if dossier.status in row.sources]
    if not rows:
        return _refusal("transition_not_allowed", action, dossier) if explain else None
    refusal: TransitionRefused | None = None
    for row in rows:
        code = _allowed(row, dossier, ctx.user, roles, agency_id)
        if code is not None:
            if explain:
                refusal = refusal or _refusal(code, row, dossier)
            continue
        guard_refusal = row.guard(ctx) if row.guard is not None else None
        if guard_refusal is None:
            return row
        refusal = guard_refusal  # a rule the user's role met but the dossier did not says more than "role"
    return refusal


def transition_actions(
    *, dossier: Dossier, user: User, roles: Roles | None = None, at: datetime | None = None
) -> list[str]:
    """The actions ``user`` may take on ``dossier`` at ``at`` (default now), in table order (those on a letter
    excluded: they need one)."""
    if roles is None:
        roles = user_roles_load(user=user)
    ctx = Context(dossier=dossier, user=user, at=at or timezone.now())
    return [
        action
        for action in ACTIONS
        if action not in LETTER_ACTIONS and isinstance(_match(ctx, action, roles, None, explain=False), Transition)
    ]
