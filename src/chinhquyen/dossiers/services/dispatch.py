"""The dossier event hooks, run from the outbox: the dossier events written with ``dispatched_at`` empty.

Other apps react to transitions (notifications, webhooks, the postal service) by registering a hook; the
dossiers app never imports them. A transition's event row is the outbox entry, and the worker runs the hooks
after the commit (``core.outbox``, ADR 0017): ``manage.py dossier_events_dispatch`` from cron takes the
events whose task was lost, and the failures wait in :class:`EventDispatchFailure` (in the admin).
"""

from datetime import datetime
from typing import Any

from django_tasks.base import Task

from chinhquyen.core.outbox import DispatchReport, EventHook, Outbox

from ..models import DossierEvent, EventDispatchFailure

__all__ = [
    "DispatchReport",
    "dispatch_soon",
    "dossier_event_hook_add",
    "dossier_event_hook_remove",
    "dossier_event_hooks",
    "dossier_events_dispatch",
]


def _task() -> Task[[], Any]:
    from ..tasks import dossier_events_dispatch_queued

    return dossier_events_dispatch_queued


# Hooks are called as hook(event_id=…, dossier_id=…, action=…, to_status=…, internal=…), the event's own values.
OUTBOX = Outbox(
    label="dossier events",
    events=DossierEvent,
    failures=EventDispatchFailure,
    values=("dossier_id", "action", "to_status", "internal"),
    task=_task,
)
_WAITING = OUTBOX.waiting_key


def dossier_event_hook_add(hook: EventHook) -> None:
    """Run ``hook(dossier_id=, event_id=, action=, to_status=, internal=)`` on every dossier event, in the worker."""
    OUTBOX.hook_add(hook)


def dossier_event_hook_remove(hook: EventHook) -> None:
    OUTBOX.hook_remove(hook)


def dossier_event_hooks() -> list[EventHook]:
    """The hooks registered, in the order they run (a copy)."""
    return list(OUTBOX.hooks)


def dispatch_soon() -> None:
    """Queue one dispatch after the current transaction commits (once, however many events it writes)."""
    OUTBOX.dispatch_soon()


def dossier_events_dispatch(
    *, limit: int | None = None, now: datetime | None = None, retry_failed: bool = False
) -> DispatchReport:
    """Run the hooks of the events waiting for them, oldest first; at most ``limit`` events (``Outbox.dispatch``)."""
    return OUTBOX.dispatch(limit=limit, now=now, retry_failed=retry_failed)
