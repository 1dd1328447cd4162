"""The petition hooks, run from the outbox: the petition events written with ``dispatched_at`` empty.

The same design as the dossier events' (``core.outbox``, ADR 0017 and 0018). Other apps react to petition
events (notifications tell the sender of an answer or a closing) by registering a hook with
:func:`petition_event_hook_add`; this app never imports them. ``manage.py petition_events_dispatch`` (cron)
takes the events whose task was lost; the failures wait in :class:`PetitionEventDispatchFailure` (in the
admin). A hook may run twice for an event, so hooks must be safe to run twice.
"""

from datetime import datetime
from typing import Any

from django_tasks.base import Task

from chinhquyen.core.outbox import DispatchReport, EventHook, Outbox

from .models import PetitionEvent, PetitionEventDispatchFailure


def _task() -> Task[[], Any]:
    from .tasks import petition_events_dispatch_queued

    return petition_events_dispatch_queued


# Hooks are called as hook(event_id=…, petition_id=…, action=…, to_status=…), the event's own values.
OUTBOX = Outbox(
    label="petition events",
    events=PetitionEvent,
    failures=PetitionEventDispatchFailure,
    values=("petition_id", "action", "to_status"),
    task=_task,
)
_WAITING = OUTBOX.waiting_key


def petition_event_hook_add(hook: EventHook) -> None:
    """Run ``hook(petition_id=, event_id=, action=, to_status=)`` on every petition event, in the worker."""
    OUTBOX.hook_add(hook)


def petition_event_hook_remove(hook: EventHook) -> None:
    OUTBOX.hook_remove(hook)


def petition_event_hooks() -> list[EventHook]:
    """The hooks registered, in the order they run (a copy)."""
    return list(OUTBOX.hooks)


def dispatch_soon() -> None:
    """Queue one dispatch after the current transaction commits (once, however many events it writes)."""
    OUTBOX.dispatch_soon()


def petition_events_dispatch(
    *, limit: int | None = None, now: datetime | None = None, retry_failed: bool = False
) -> DispatchReport:
    """Run the hooks of the petition events waiting for them, oldest first; at most ``limit`` events."""
    return OUTBOX.dispatch(limit=limit, now=now, retry_failed=retry_failed)
