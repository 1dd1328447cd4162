"""Processing (giải quyết): claiming, moving between steps, payment, approval and return.

Issuing the result is in ``result.py``.
"""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from chinhquyen.catalog.models import WORKING_HOURS_PER_DAY
from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.text import clean
from chinhquyen.directory.models import Agency, Role, User
from chinhquyen.workcal.selectors import deadline_add_working_hours

from ..deadlines import outcome_of, working_seconds_between
from ..errors import TransitionRefused
from ..models import (
    DocumentKind,
    Dossier,
    DossierStep,
    ReturnMethod,
    StepState,
    Substatus,
)
from ..selectors import consultable_agencies
from ..transitions import step_after, step_before
from .base import NEXT_STEP, transition_apply
from .clock import clock_pause, clock_resume
from .closing import processing_close
from .steps import (
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


def dossier_claim(
    *, by: User, dossier: Dossier, at: datetime | None = None, expected_version: int | None = None
) -> Dossier:
    """Take the active step for oneself (nhận xử lý)."""
    with transition_apply(by=by, dossier=dossier, action="claim", expected_version=expected_version, at=at) as c:
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
            answer_step_due(nxt, at=c.at, change=c)
        c.set(active_step=nxt)
        c.reason = clean(note)
        c.data = {"from_step": done.pk if done else None, "to_step": nxt.pk, "outcome": done.outcome if done else ""}
    return c.dossier


def dossier_send_back(
    *, by: User, dossier: Dossier, reason: str, at: datetime | None = None, expected_version: int | None = None
) -> Dossier:
    """Send the dossier back to the previous processing step (trả lại bước trước)."""
    with transition_apply(by=by, dossier=dossier, action="send_back", expected_version=expected_version, at=at) as c:
        active = c.dossier.active_step
        assert active is not None  # noqa: S101 - the STEP scope refuses a dossier without one
        previous = step_before(c.dossier)
        if previous is None:  # pragma: no cover - the transition's guard refuses it
            raise TransitionRefused(_("There is no earlier processing step to send back to."), code="no_previous_step")
        active.state, active.started_at = StepState.PENDING, None
        c.save_later(active, "state", "started_at")
        step_start(previous, at=c.at, change=c)
        c.set(active_step=previous)
        c.reason = clean(reason)
        # Judged now, for form 06: the step is not finished and will be judged again when it is.
        c.data = {
            "from_step": active.pk,
            "to_step": previous.pk,
            "outcome": outcome_of(finished_at=c.at, due_at=active.due_at),
        }
    return c.dossier


def dossier_reassign(
    *, by: User, dossier: Dossier, to_user: User, at: datetime | None = None, expected_version: int | None = None
) -> Dossier:
    """A leader gives the active step to another officer of the agency (phân công lại)."""
    with transition_apply(by=by, dossier=dossier, action="reassign", expected_version=expected_version, at=at) as c:
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
        # Make room after the active step; orders are not unique, so the shift cannot collide.
        c.dossier.steps.filter(order__gt=active.order).update(order=F("order") + 2)
        consult_hours = answer_days * WORKING_HOURS_PER_DAY
        consult_due = deadline_add_working_hours(start=c.at, hours=float(consult_hours))
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
        answer_step_due(back, at=c.at, change=c)
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

    The outcome is judged by when processing finished (``resolved_at``, the result's issue), as the reports
    and the national portal do, not by when the applicant came for the result; without it, by the hand-over.
    """
    if method not in ReturnMethod.values or not method:
        raise InvalidInput(_("Choose how the result is returned."), code="return_method", field="method")
    with transition_apply(by=by, dossier=dossier, action="return", expected_version=expected_version, at=at) as c:
        d = c.dossier
        if method == ReturnMethod.ONLINE and not d.documents.filter(kind=DocumentKind.RESULT).exists():
            # A result issued on paper only cannot be downloaded: hand it over at the counter or by post.
            raise InvalidInput(
                _("This dossier has no electronic result to download: return it at the counter or by post."),
                code="no_electronic_result",
                field="method",
            )
        if d.active_step is not None:
            step_finish(d.active_step, at=c.at, change=c)
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
