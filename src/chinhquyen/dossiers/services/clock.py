"""The dossier's clock while it waits on the applicant (documents asked for, a payment): paused, then resumed."""

from datetime import datetime

from chinhquyen.workcal.clock import DeadlineClock
from chinhquyen.workcal.selectors import calendar_current, deadline_counting_start, deadline_resume

from ..deadlines import dossier_due, dossier_time_limit, shift_by_working_seconds
from ..models import Dossier, DossierEvent, DossierStep
from .base import Change
from .steps import iso, steps_shift

# The transitions that call clock_resume, whose events record the working time paused (``paused_hours``).
RESUMING_ACTIONS = ("payment_confirmed", "supplement_provided")


def clock_pause(change: Change) -> None:
    """Stop the clock now (a dossier without a due date has none to stop)."""
    if change.dossier.due_at is not None:
        change.set(paused_at=change.at)


def clock_resume(change: Change) -> None:
    """Restart the clock: the dossier's and the open steps' due dates move by the working time it was paused
    (spec §4: new due = old due + (resume - pause)); the event data says by how much. A pause before the
    clock started (a same-day dossier received after 15:00 counts from the next working morning) counts only
    from that start."""
    d = change.dossier
    if d.paused_at is not None and d.due_at is not None:
        clock = DeadlineClock(due_at=d.due_at, paused_at=d.paused_at, counts_from=_counting_from(d))
        new_due = deadline_resume(clock=clock, at=change.at).due_at
        seconds = clock.paused_seconds(change.at, calendar=calendar_current())
        steps_shift(d, seconds=seconds)
        change.data = {
            **change.data,
            "paused_hours": seconds / 3600,
            "old_due_at": iso(d.due_at),
            "new_due_at": iso(new_due),
        }
        change.set(due_at=new_due)
    change.set(paused_at=None)


def step_restart_due(step: DossierStep, *, change: Change) -> dict[str, object]:
    """Move the due date of a finished ``step`` about to start again (sent back to) by the working time the
    clock was paused since it finished, as it would be without the pauses: each agency is judged on its own
    time (ADR 0020). Return what the event data records of it (nothing when it does not move).

    A resume moves only the open steps: a finished one keeps the due date its stored outcome was judged against
    until it starts again. A step cannot finish while the clock is paused, so every pause ended after it
    finished also began after it.
    """
    if step.due_at is None or step.finished_at is None:
        return {}
    seconds = _paused_seconds_since(change.dossier, step.finished_at)
    if seconds == 0:
        return {}
    old_due = step.due_at
    step.due_at = shift_by_working_seconds(old_due, seconds)
    change.save_later(step, "due_at")
    return {
        "to_step_paused_hours": seconds / 3600,
        "to_step_old_due_at": iso(old_due),
        "to_step_new_due_at": iso(step.due_at),
    }


def _paused_seconds_since(dossier: Dossier, since: datetime) -> int:
    """The working seconds of the pauses :func:`clock_resume` ended after ``since``, as their events recorded them."""
    resumes = DossierEvent.objects.filter(dossier=dossier, action__in=RESUMING_ACTIONS, at__gt=since)
    hours = resumes.filter(data__has_key="paused_hours").values_list("data__paused_hours", flat=True)
    return sum(round(float(h) * 3600) for h in hours)


def _counting_from(dossier: Dossier) -> datetime | None:
    """The instant the dossier's limit counts from, when a pause may have begun before it (else None).

    Only a pause before the latest start a limit can have (a same-day one's, the next morning after 15:00)
    needs it; that rare case reads it from the reception's record, or works it out as the reception did.
    """
    paused_at, received_at = dossier.paused_at, dossier.received_at
    if paused_at is None or received_at is None:
        return None
    if paused_at >= deadline_counting_start(received_at=received_at, same_day=True):
        return None  # whatever the limit, its clock was already running
    receipt = (
        DossierEvent.objects.filter(dossier=dossier, action="receive")
        .order_by("-at", "-pk")
        .values_list("data", flat=True)
        .first()
    )
    recorded = receipt.get("counting_from") if isinstance(receipt, dict) else None
    if recorded:
        return datetime.fromisoformat(recorded)
    limit = dossier_time_limit(
        procedure=dossier.procedure, channel=dossier.channel, applied_online=dossier.submitted_at is not None
    )
    return dossier_due(limit=limit, received_at=received_at).start
