"""What a transition that closes a dossier early (refuse, withdraw, stop) leaves behind: nothing in progress."""

from ..deadlines import outcome_of
from ..models import DossierStatus, StepState, Substatus
from .base import Change

# Sub-states of a supplement in progress, which mean nothing beside a final status.
_SUPPLEMENT_SUBSTATES = frozenset(
    {
        Substatus.SUPPLEMENT_BY_FRONT_DESK,
        Substatus.SUPPLEMENT_BY_PROCESSOR,
        Substatus.SUPPLEMENT_SUPPLIED,
        Substatus.SUPPLEMENT_ACCEPTED,
    }
)


def processing_close(change: Change) -> None:
    """Inside a transition that closes the dossier before its result: no paused clock, no supplement
    sub-state, and no step left active (as after the return).

    The active step ends at the closing, with its outcome (the time the agency took until then: a clock paused
    for the applicant stopped counting when it paused); nobody is recorded as having handled it, as its work
    was not done. Steps never reached stay pending.
    """
    d = change.dossier
    counted_until = d.paused_at or change.at
    change.set(paused_at=None)
    if d.status == DossierStatus.SUPPLEMENT_REQUESTED:
        change.set(paused_status=None)
    if d.substatus in _SUPPLEMENT_SUBSTATES:
        change.set(substatus=Substatus.NONE)
    step = d.active_step
    if step is not None:
        step.state, step.finished_at = StepState.DONE, change.at
        step.outcome = outcome_of(finished_at=counted_until, due_at=step.due_at)
        change.save_later(step, "state", "finished_at", "outcome")
        change.set(active_step=None)
