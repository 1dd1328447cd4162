"""Processing (giải quyết): claiming, moving between steps, payment, approval and return.

Issuing the result is in ``result.py``.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chinhquyen.catalog.models import WORKING_HOURS_PER_DAY
from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.text import clean
from chinhquyen.directory.models import Agency, Role, User
from chinhquyen.workcal.selectors import deadline_add_working_hours

from ..deadlines import outcome_of, working_seconds_between
from ..errors import TransitionRefused
from ..models import (
    Dossier,
    DossierStatus,
    DossierStep,
    ReturnMethod,
    StepState,
    Substatus,
)
from ..selectors import consultable_agencies, result_downloadable
from ..transitions import APPLICANT, Transition, step_after, step_before
from .base import NEXT_STEP, STEP_LOCKED, transition_apply
from .clock import clock_pause, clock_resume, step_restart_due
from .closing import processing_close
from .digitisation import postal_update_record
from .retime import due_shown_text
from .steps import (
    agency_active_check,
    answer_step_due,
    assignee_check,
    iso,
    step_advance,
    step_end,
    step_finish,
    step_start,
    steps_after_shift,
)

# The working days an agency consulted (liên thông) gets to answer, unless the asker gives another number;
# past the most, the question belongs in a process of its own, not in one step of this dossier.
CONSULT_DAYS = 1
CONSULT_DAYS_MAX = 30


@dataclass(frozen=True)
class ConsultBound:
    """How long an agency consulted now may take: its answer is due no later than the dossier itself, which an
    answer due after it would make late by construction."""

    due_at: datetime  # the dossier's
    days_most: int  # 1 to CONSULT_DAYS_MAX
    # False when even the shortest time (1 working day) ends after the dossier's due date (due within a working
    # day, or overdue): the dossier is late whatever is asked, and 1 day is the most, not a refusal of the
    # consultation it may need.
    in_time: bool


def consult_bound(*, dossier: Dossier, at: datetime) -> ConsultBound | None:
    """The most working days an agency consulted at ``at`` may be given to answer ``dossier``; None when nothing
    bounds them: no due date, or the clock paused (a supplement or a payment awaited: the due date will move)."""
    due = dossier.due_at
    if due is None or dossier.paused_at is not None:
        return None
    day = 3600 * int(WORKING_HOURS_PER_DAY)
    days = min(CONSULT_DAYS_MAX, working_seconds_between(at, due) // day) if due > at else 0
    # Counted as the consultation's due date is, to the instant (a day's end may read as the next morning).
    while days > 0 and deadline_add_working_hours(start=at, hours=float(days * WORKING_HOURS_PER_DAY)) > due:
        days -= 1
    return ConsultBound(due_at=due, days_most=max(1, days), in_time=days > 0)


def _answer_due_check(*, bound: ConsultBound | None, answer_days: int, answer_due: datetime) -> None:
    """Refuse an answer due after the dossier is (``answer_after_due``), beyond the bound's most days."""
    if bound is None or answer_days <= bound.days_most:
        return
    values = {
        "answer": due_shown_text(answer_due),
        "due": due_shown_text(bound.due_at),
        "most": bound.days_most,
    }
    if bound.in_time:
        message = ngettext(
            "The agency's answer would be due on %(answer)s, after the dossier itself is due on %(due)s: "
            "give it at most %(most)d working day.",
            "The agency's answer would be due on %(answer)s, after the dossier itself is due on %(due)s: "
            "give it at most %(most)d working days.",
            bound.days_most,
        )
    else:
        message = _(
            "The dossier is due on %(due)s, sooner than any answer could be: give the agency the shortest time, "
            "1 working day."
        )
    raise InvalidInput(message % values, code="answer_after_due", field="answer_days")


def dossier_claim(
    *, by: User, dossier: Dossier, at: datetime | None = None, expected_version: int | None = None
) -> Dossier:
    """Take the active step for oneself (nhận xử lý)."""
    with transition_apply(
        by=by, dossier=dossier, action="claim", expected_version=expected_version, at=at, related=(STEP_LOCKED,)
    ) as c:
        step = c.dossier.active_step
        assert step is not None  # noqa: S101 - the STEP scope refuses a dossier without one
        step.assignee = by
        c.save_later(step, "assignee")
        c.data = {"step": step.pk}
    return c.dossier


def dossier_forward(
    *,
    by: User,
    dossier: Dossier,
    note: str = "",
    to_user: User | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Finish the active step (early / on time / late) and hand over to the next one (chuyển bước)."""
    with transition_apply(
        by=by, dossier=dossier, action="forward", expected_version=expected_version, at=at, related=(NEXT_STEP,)
    ) as c:
        done = c.dossier.active_step
        nxt = step_advance(c.dossier, at=c.at, to_user=to_user, ensure_return=True, change=c)
        if nxt is None:  # pragma: no cover - the transition's guard refuses a dossier at its last step
            raise TransitionRefused(_("This is the last step: there is no step to forward to."), code="no_next_step")
        if done is not None and done.consultation:  # the answer: back to the step that asked
            answer_step_due(nxt, consultation=done, at=c.at, change=c)
        c.set(active_step=nxt)
        c.reason = clean(note)
        c.data = {
            "from_step": done.pk if done else None,
            "to_step": nxt.pk,
            "outcome": done.outcome if done else "",
            "to_user": nxt.assignee_id,  # who received it then (form 06), whoever holds the step later
        }
    return c.dossier


def dossier_send_back(
    *, by: User, dossier: Dossier, reason: str, at: datetime | None = None, expected_version: int | None = None
) -> Dossier:
    """Send the dossier back to the previous processing step (trả lại bước trước), saying why."""
    if not clean(reason):
        # Form 06 prints it on the hand-off back: the officer receiving the dossier again must know why.
        raise InvalidInput(_("Say why the dossier is sent back."), code="reason_required", field="reason")
    with transition_apply(by=by, dossier=dossier, action="send_back", expected_version=expected_version, at=at) as c:
        active = c.dossier.active_step
        assert active is not None  # noqa: S101 - the STEP scope refuses a dossier without one
        previous = step_before(c.dossier)
        if previous is None:  # pragma: no cover - the transition's guard refuses it
            raise TransitionRefused(_("There is no earlier processing step to send back to."), code="no_previous_step")
        agency_active_check(step=previous, roles=c.roles)
        active.state, active.started_at = StepState.PENDING, None
        c.save_later(active, "state", "started_at")
        # Back to the approving leader's step or before it: what was approved is being reworked, so the
        # approval no longer stands and the result cannot be issued until a leader approves again.
        approval_undone = approval_undone_by(c.dossier, previous)
        moved = step_restart_due(previous, change=c)  # before step_start forgets when it finished
        step_start(previous, at=c.at, change=c)
        c.set(active_step=previous)
        c.reason = clean(reason)
        # Judged now, for form 06: the step is not finished and will be judged again when it is.
        c.data = {
            "from_step": active.pk,
            "to_step": previous.pk,
            "outcome": outcome_of(finished_at=c.at, due_at=active.due_at),
            **moved,
        }
        if approval_undone:
            c.set(approved_at=None)
            c.data["approval_withdrawn"] = True
    return c.dossier


def approval_undone_by(dossier: Dossier, previous: DossierStep) -> bool:
    """Whether sending ``dossier`` back to ``previous`` goes back past its approval.

    The approving leader's step finished at the approval (``approve``, or the leader issuing from the step),
    the steps before it earlier and the steps after it later: a step finished no later than the approval is
    the approving one or one before it.
    """
    approved = dossier.approved_at
    return approved is not None and previous.finished_at is not None and previous.finished_at <= approved


def dossier_reassign(
    *, by: User, dossier: Dossier, to_user: User, at: datetime | None = None, expected_version: int | None = None
) -> Dossier:
    """A leader gives the active step to another officer of the agency (phân công lại)."""
    with transition_apply(
        by=by, dossier=dossier, action="reassign", expected_version=expected_version, at=at, related=(STEP_LOCKED,)
    ) as c:
        step = c.dossier.active_step
        assert step is not None  # noqa: S101 - the STEP_AGENCY scope refuses a dossier without one
        assignee_check(user=to_user, step=step)
        step.assignee = to_user
        c.save_later(step, "assignee")
        c.data = {"step": step.pk, "to_user": to_user.pk}
    return c.dossier


def dossier_consult_agency(
    *,
    by: User,
    dossier: Dossier,
    agency: Agency,
    question: str,
    answer_days: int = CONSULT_DAYS,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Ask another agency (liên thông): its specialist answers within ``answer_days`` working days, then the
    dossier comes back to this step."""
    if not clean(question):
        raise InvalidInput(_("Write the question for the agency."), code="reason_required", field="question")
    if isinstance(answer_days, bool) or not isinstance(answer_days, int) or not 1 <= answer_days <= CONSULT_DAYS_MAX:
        message = _("Give the agency a whole number of working days to answer, from 1 to %(most)d.") % {
            "most": CONSULT_DAYS_MAX
        }
        raise InvalidInput(message, code="answer_days", field="answer_days")
    if not agency.is_active:
        raise InvalidInput(
            _("This agency is no longer active: choose another."), code="agency_inactive", field="agency"
        )
    if not consultable_agencies().filter(pk=agency.pk).exists():
        # Nobody there could answer, and the dossier would wait at its step for good.
        message = _("This agency has no specialist who could answer: choose another.")
        raise InvalidInput(message, code="agency_without_specialist", field="agency")
    with transition_apply(
        by=by, dossier=dossier, action="consult_agency", expected_version=expected_version, at=at
    ) as c:
        active = c.dossier.active_step
        assert active is not None  # noqa: S101 - the STEP scope refuses a dossier without one
        if agency.pk == active.agency_id:
            raise InvalidInput(_("Consult an agency other than your own."), code="same_agency", field="agency")
        consult_hours = answer_days * WORKING_HOURS_PER_DAY
        consult_due = deadline_add_working_hours(start=c.at, hours=float(consult_hours))
        if c.dossier.due_at is not None and consult_due > c.dossier.due_at:  # else nothing to count
            bound = consult_bound(dossier=c.dossier, at=c.at)
            _answer_due_check(bound=bound, answer_days=answer_days, answer_due=consult_due)
        # Make room after the active step; orders are not unique, so the shift cannot collide.
        c.dossier.steps.filter(order__gt=active.order).update(order=F("order") + 2)
        with translation.override(settings.LANGUAGE_CODE):  # a record, as steps_plan's names
            name = _("Opinion of %(agency)s") % {"agency": agency.name}
        consult = DossierStep.objects.create(
            dossier=c.dossier,
            order=active.order + 1,
            name=name,
            agency=agency,
            role=Role.SPECIALIST,
            share_hours=consult_hours,
            due_at=consult_due,
            state=StepState.ACTIVE,
            started_at=c.at,
            consultation=True,
        )
        # The asking step keeps the working time it had left, counted again from the answer (answer_step_due).
        left = Decimal(0)
        if active.due_at is not None and active.due_at > c.at:
            left = (Decimal(working_seconds_between(c.at, active.due_at)) / 3600).quantize(Decimal("0.01"))
        back_due = None
        if active.due_at is not None:
            back_due = deadline_add_working_hours(start=consult_due, hours=float(left))
        DossierStep.objects.create(
            dossier=c.dossier,
            order=active.order + 2,
            name=active.name,
            agency_id=active.agency_id,
            role=active.role,
            # The answer comes back to whoever asked (the step's officer, or the asker when nobody claimed it).
            assignee_id=active.assignee_id or by.pk,
            share_hours=left,
            due_at=back_due,
        )
        # The steps after the asking one wait for the answer too: each has its time as planned, after it.
        steps_after_shift(c.dossier.pk, order=active.order + 2, seconds=int(consult_hours * 3600))
        step_finish(active, at=c.at, change=c)
        c.set(active_step=consult)
        c.reason = clean(question)
        # The hand-off as it was (slip 06): the asking step and its outcome then, not as it may change later.
        c.data = {
            "agency": agency.code,
            "step": consult.pk,
            "due_at": iso(consult_due),
            "from_step": active.pk,
            "outcome": active.outcome,
        }
    return c.dossier


# Above any fee or tax one dossier carries; a typing slip (a few digits too many) is refused, not sent.
PAYMENT_MAX = Decimal(10) ** 12


def payment_amount_check(amount: object) -> Decimal:
    """The amount as a whole number of đồng (the đồng has no smaller unit), or InvalidInput."""
    try:
        value = Decimal(str(amount).strip())
    except (InvalidOperation, ValueError):
        value = Decimal("NaN")
    if not value.is_finite() or value != value.to_integral_value() or not 0 < value <= PAYMENT_MAX:
        raise InvalidInput(
            _("Give the amount in whole đồng, more than 0 and at most 1,000,000,000,000."),
            code="amount",
            field="amount",
        )
    return value.quantize(Decimal(1))


def dossier_consult_recall(
    *, by: User, dossier: Dossier, reason: str, at: datetime | None = None, expected_version: int | None = None
) -> Dossier:
    """The asking agency takes back a consultation not answered (rút yêu cầu xin ý kiến), with the reason: the
    consultation ends unanswered, and the dossier is back at the asking step's twin."""
    if not clean(reason):
        raise InvalidInput(_("Say why the consultation is taken back."), code="reason_required", field="reason")
    with transition_apply(
        by=by, dossier=dossier, action="consult_recall", expected_version=expected_version, at=at, related=(NEXT_STEP,)
    ) as c:
        consult = c.dossier.active_step
        back = step_after(c.dossier)
        assert consult is not None  # noqa: S101 - the ASKING scope needs a consultation
        assert back is not None  # noqa: S101 - and the asking step's twin after it
        # Ended, not answered: its officer, if any, stays; nobody else is recorded as having answered.
        step_end(consult, at=c.at, change=c)
        step_start(back, at=c.at, change=c)
        answer_step_due(back, consultation=consult, at=c.at, change=c)
        c.set(active_step=back)
        c.reason = clean(reason)
        c.data = {"from_step": consult.pk, "to_step": back.pk, "outcome": consult.outcome}
    return c.dossier


def dossier_request_payment(
    *,
    by: User,
    dossier: Dossier,
    amount: Decimal | int,
    note: str = "",
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Ask the applicant to pay fees or taxes (nghĩa vụ tài chính), in whole đồng."""
    amount = payment_amount_check(amount)
    with transition_apply(
        by=by, dossier=dossier, action="request_payment", expected_version=expected_version, at=at
    ) as c:
        c.reason = clean(note)
        c.data = {"amount": str(amount), "currency": "VND"}
        # The time the applicant takes to pay is not the agency's: the clock stops until it is confirmed.
        clock_pause(c)
    return c.dossier


def dossier_payment_confirmed(
    *, by: User, dossier: Dossier, at: datetime | None = None, expected_version: int | None = None
) -> Dossier:
    """The front desk confirms the payment: processing goes on, the due dates moved by the time it took."""
    with transition_apply(
        by=by, dossier=dossier, action="payment_confirmed", expected_version=expected_version, at=at
    ) as c:
        clock_resume(c)
    return c.dossier


def dossier_approve(
    *, by: User, dossier: Dossier, note: str = "", at: datetime | None = None, expected_version: int | None = None
) -> Dossier:
    """The leader approves (phê duyệt): the leader's step is done, the result can be issued.

    The next step starts; when the leader's step was the last one, the front desk's step "Return the
    result" is added in the receiving agency, from which the result is issued and returned.
    """
    with transition_apply(
        by=by, dossier=dossier, action="approve", expected_version=expected_version, at=at, related=(NEXT_STEP,)
    ) as c:
        done = c.dossier.active_step
        c.set(approved_at=c.at)
        nxt = step_advance(c.dossier, at=c.at, ensure_return=True, change=c)
        c.set(active_step=nxt)
        c.reason = clean(note)
        c.data = {"step": done.pk if done else None, "outcome": done.outcome if done else ""}
    return c.dossier


def dossier_return(
    *, by: User, dossier: Dossier, method: str, at: datetime | None = None, expected_version: int | None = None
) -> Dossier:
    """Hand the result over (trả kết quả): status 10, with the time and early / on time / late.

    ``method`` is ``counter`` (the front desk) or ``online`` (the applicant's download, the only hand-over the
    applicant records: else ``online_only``). A result goes by post only through the order placed with the
    postal partner (``chinhquyen.postal.services.postal_result_send``): ``postal`` here is refused with
    ``postal_order_required``, so no dossier is recorded as sent by post without a parcel.

    The outcome is judged by when processing finished (``resolved_at``, the result's issue), as the reports
    and the national portal do, not by when the applicant came for the result; without it, by the hand-over.
    So is the front desk's step: its time ran until the result was ready, and the collection is the applicant's.
    """
    return _return(by=by, dossier=dossier, method=method, at=at, expected_version=expected_version, by_post=False)


def dossier_return_by_post(
    *, by: User, dossier: Dossier, at: datetime | None = None, expected_version: int | None = None
) -> Dossier:
    """The result handed to the postal partner: status 10, by post (``dossier_return`` with ``postal``).

    Only ``chinhquyen.postal`` calls this, in the transaction recording the order the partner accepted.
    """
    return _return(
        by=by, dossier=dossier, method=ReturnMethod.POSTAL, at=at, expected_version=expected_version, by_post=True
    )


def return_method_check(*, row: Transition, method: str, by_post: bool = False) -> None:
    """Refuse a hand-over by ``method`` under ``row`` (of ``return``): the applicant records only the download
    of the result; a result goes by post only through the postal partner's order (``by_post``)."""
    if APPLICANT in row.roles and method != ReturnMethod.ONLINE:
        raise InvalidInput(
            _(
                "You receive the result online, by downloading it; a hand-over at the counter or by post is "
                "recorded by the agency."
            ),
            code="online_only",
            field="method",
        )
    if method == ReturnMethod.POSTAL and not by_post:
        raise InvalidInput(
            _(
                "A result is sent by post through an order to the postal partner, with the receiver's address: "
                "choose “By post” on the dossier's page, which places the order."
            ),
            code="postal_order_required",
            field="method",
        )


def _return(
    *, by: User, dossier: Dossier, method: str, at: datetime | None, expected_version: int | None, by_post: bool
) -> Dossier:
    if method not in ReturnMethod.values or not method:
        raise InvalidInput(_("Choose how the result is returned."), code="return_method", field="method")
    with transition_apply(by=by, dossier=dossier, action="return", expected_version=expected_version, at=at) as c:
        d = c.dossier
        return_method_check(row=c.row, method=method, by_post=by_post)
        if method == ReturnMethod.ONLINE and not result_downloadable(dossier=d):
            # A result issued on paper only cannot be downloaded: hand it over at the counter or by post.
            raise InvalidInput(
                _("This dossier has no electronic result to download: return it at the counter or by post."),
                code="no_electronic_result",
                field="method",
            )
        if d.active_step is not None:
            step = d.active_step
            # Judged when the result was ready for the applicant: issued (status 9), or the step started then.
            ready = d.resolved_at
            if ready is not None and step.started_at is not None and step.started_at > ready:
                ready = step.started_at
            if step.role == Role.FRONT_DESK:
                step_finish(step, at=c.at, change=c, judged_at=ready)
            else:
                # Not the front desk's work (a step left open by a result issued before the steps after it
                # were done): it ends, and the officer handing over is not recorded as having done it.
                step_end(step, at=c.at, change=c, judged_at=ready)
        outcome = outcome_of(finished_at=d.resolved_at or c.at, due_at=d.due_at)
        c.set(
            returned_at=c.at,
            return_method=method,
            outcome=outcome,
            active_step=None,
            substatus=Substatus.RESULT_HANDED_OVER,
        )
        c.data = {"method": method, "outcome": outcome}
    return c.dossier


def dossier_result_post_cancelled_record(
    *, dossier: Dossier | int, at: datetime | None = None, by: User | None = None, data: dict[str, Any] | None = None
) -> Dossier | None:
    """The postal partner cancelled the order carrying the result: the result is back at the front desk.

    As for a result brought back (``dossier_result_delivery_record``): status 10 stays, the sub-state is
    ``result_ready`` again, so the front desk hands it over anew (at the counter, by post again, or the online
    applicant downloads it); nothing was handed over, so ``returned_at`` is cleared. A timeline row
    ``postal_cancelled``; ``by`` is the officer who read the tracking, or None. Returns the dossier, or None
    when it was not awaiting the delivery (an update read twice changes nothing).
    """
    return postal_update_record(
        dossier=dossier,
        action="postal_cancelled",
        waiting=({DossierStatus.RETURNED}, Substatus.RESULT_AWAITING_CONFIRMATION),
        changes={"substatus": Substatus.RESULT_READY, "returned_at": None},
        at=at,
        by=by,
        data=data,
    )


def dossier_stop(
    *, by: User, dossier: Dossier, reason: str, at: datetime | None = None, expected_version: int | None = None
) -> Dossier:
    """Stop processing (dừng xử lý, notice form 05), in the name of the stopping leader's agency."""
    if not clean(reason):
        raise InvalidInput(_("Give the reason for stopping."), code="reason_required", field="reason")
    with transition_apply(by=by, dossier=dossier, action="stop", expected_version=expected_version, at=at) as c:
        d = c.dossier
        # The receiving agency's leader stops in its name; otherwise the leader of the agency processing it.
        stopping = d.receiving_agency_id
        if (stopping, Role.LEADER) not in c.roles and d.active_step is not None:
            stopping = d.active_step.agency_id
        c.reason = clean(reason)
        c.data = {"agency": stopping}
        processing_close(c)
    return c.dossier
