"""The dossier's clock while it waits on the applicant (documents asked for, a payment): paused, then resumed."""

from chinhquyen.workcal.clock import DeadlineClock
from chinhquyen.workcal.selectors import deadline_resume

from ..deadlines import working_seconds_between
from .base import Change
from .steps import iso, steps_shift


def clock_pause(change: Change) -> None:
    """Stop the clock now (a dossier without a due date has none to stop)."""
    if change.dossier.due_at is not None:
        change.set(paused_at=change.at)


def clock_resume(change: Change) -> None:
    """Restart the clock: the dossier's and the open steps' due dates move by the working time it was paused
    (spec §4: new due = old due + (resume - pause)); the event data says by how much."""
    d = change.dossier
    if d.paused_at is not None and d.due_at is not None:
        seconds = working_seconds_between(d.paused_at, change.at)
        steps_shift(d, seconds=seconds)
        new_due = deadline_resume(clock=DeadlineClock(due_at=d.due_at, paused_at=d.paused_at), at=change.at).due_at
        change.data = {
            **change.data,
            "paused_hours": seconds / 3600,
            "old_due_at": iso(d.due_at),
            "new_due_at": iso(new_due),
        }
        change.set(due_at=new_due)
    change.set(paused_at=None)
