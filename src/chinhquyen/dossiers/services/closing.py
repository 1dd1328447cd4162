"""What a transition that closes a dossier early (refuse, withdraw, stop) leaves behind: nothing in progress."""

from ..models import DossierStatus, Substatus
from .base import Change
from .steps import step_end

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
    paused_at = d.paused_at
    change.set(paused_at=None)
    if d.status == DossierStatus.SUPPLEMENT_REQUESTED:
        change.set(paused_status=None)
    if d.substatus in _SUPPLEMENT_SUBSTATES:
        change.set(substatus=Substatus.NONE)
    if d.active_step is not None:
        step_end(d.active_step, at=change.at, change=change, judged_at=paused_at)
        change.set(active_step=None)
