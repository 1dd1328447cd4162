"""The petition hooks, run from the outbox: the petition events written with ``dispatched_at`` empty.

The same design as the dossier events' (``dossiers/services/dispatch.py``, ADR 0017 and 0018). Other apps
react to petition events (notifications tell the sender of an answer or a closing) by registering a hook
with :func:`petition_event_hook_add`; this app never imports them. A petition service does not run them:
its event row, written in the service's own transaction, is the outbox entry, and after the commit one task
is queued (:func:`dispatch_soon`, one per transaction). The task, run by the worker, calls
:func:`petition_events_dispatch`: each waiting event, oldest first, gets every hook and is marked in the
same transaction as what the hooks wrote, so a crash before that commit leaves it waiting, never lost;
``manage.py petition_events_dispatch`` (cron) takes the events whose task was lost. An event a hook fails
on is recorded (a :class:`PetitionEventDispatchFailure`, in the admin) and tried again after a back-off.
A hook may run twice for an event, so hooks must be safe to run twice.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django_tasks.base import Task, TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from chinhquyen.core.compiled import compiled

from .models import PetitionEvent, PetitionEventDispatchFailure

logger = logging.getLogger(__name__)

# Called by the dispatcher as hook(petition_id=…, event_id=…, action=…, to_status=…), the event's own values,
# so a hook can tell whether it concerns it without reading the event; must be safe to run twice.
PetitionEventHook = Callable[..., None]
_hooks: list[PetitionEventHook] = []

# Events locked and dispatched per transaction (SQLite's single writer is not held for long).
BATCH = 20

# On the connection: the dispatch its open transaction has asked for (see dispatch_soon).
_WAITING = "_petition_events_dispatch_waiting"

# After the n-th failure an event waits FIRST_RETRY * 2^(n-1), at most LONGEST_WAIT, before the next try.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)


def petition_event_hook_add(hook: PetitionEventHook) -> None:
    """Run ``hook(petition_id=, event_id=, action=, to_status=)`` on every petition event, in the worker."""
    if hook not in _hooks:
        _hooks.append(hook)


def petition_event_hook_remove(hook: PetitionEventHook) -> None:
    if hook in _hooks:
        _hooks.remove(hook)


def petition_event_hooks() -> list[PetitionEventHook]:
    """The hooks registered, in the order they run (a copy)."""
    return list(_hooks)


def dispatch_soon() -> None:
    """Queue one dispatch after the current transaction commits (once, however many events it writes)."""
    if not _hooks:
        return
    connection = transaction.get_connection()
    # The callback registered for this transaction, if it still waits for the commit: a rollback (of the
    # transaction, or of the savepoint it was registered in) drops it from run_on_commit.
    waiting = connection.__dict__.get(_WAITING)
    if waiting is not None and any(entry[1] is waiting for entry in connection.run_on_commit):
        return
    callback = partial(_enqueue, connection)
    connection.__dict__[_WAITING] = callback
    transaction.on_commit(callback)


def _enqueue(connection: BaseDatabaseWrapper) -> None:
    from .tasks import petition_events_dispatch_queued as task

    connection.__dict__.pop(_WAITING, None)
    try:
        if not _queued_not_started(task):
            task.enqueue()
    except Exception:  # the petition's change has committed: nothing may raise into it; the event waits
        logger.exception("The dispatch of petition events could not be queued; the next one or the sweep takes them.")


def _queued_not_started(task: Task[[], Any]) -> bool:
    """Whether a dispatch is queued and not started yet, on the database backend (it will see the event).

    The worker commits its claim on a task before running it, so a dispatch still READY has not read the
    waiting events yet. On another backend (RQ, Celery) there is nothing to ask: always queue.
    """
    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return False
    return bool(_dispatch_ready(path=task.module_path, backend=backend.alias))


@compiled(path=str, backend=str)
def _dispatch_ready(path: str, backend: str) -> QuerySet[DBTaskResult, Any]:
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=path, backend_name=backend).values_list(
        "pk", flat=True
    )[:1]


@dataclass(frozen=True)
class PetitionDispatchReport:
    dispatched: int  # events whose hooks all ran, now marked
    failed: int  # events a hook raised on this time (logged; tried again after a back-off)


def petition_events_dispatch(
    *, limit: int | None = None, now: datetime | None = None, retry_failed: bool = False
) -> PetitionDispatchReport:
    """Run the hooks of the petition events waiting for them, oldest first; at most ``limit`` events.

    Events another dispatcher holds are skipped (PostgreSQL: ``SKIP LOCKED``). An event one of whose hooks
    raises is logged, recorded and passed over until its next attempt is due (``retry_failed``: now).
    """
    now = now or timezone.now()
    waiting = PetitionEvent.objects.filter(dispatched_at=None)
    if not retry_failed:
        waiting = waiting.filter(
            ~Exists(PetitionEventDispatchFailure.objects.filter(event=OuterRef("pk"), retry_at__gt=now))
        )
    dispatched = failed = 0
    after = 0
    while limit is None or dispatched + failed < limit:
        size = BATCH if limit is None else min(BATCH, limit - dispatched - failed)
        with transaction.atomic():
            batch = list(
                waiting.select_for_update(skip_locked=True, no_key=True)
                .filter(pk__gt=after)
                .order_by("pk")
                .values_list("pk", "petition_id", "action", "to_status")[:size]
            )
            if not batch:
                break
            errors = {event[0]: error for event in batch if (error := _hooks_run(*event))}
            done = [event[0] for event in batch if event[0] not in errors]
            PetitionEvent.objects.filter(pk__in=done).update(dispatched_at=timezone.now())
            PetitionEventDispatchFailure.objects.filter(event_id__in=done).delete()
            for event_id, error in errors.items():
                _failure_record(event_id=event_id, error=error, now=now)
        dispatched += len(done)
        failed += len(errors)
        after = batch[-1][0]
    return PetitionDispatchReport(dispatched=dispatched, failed=failed)


def _hooks_run(event_id: int, petition_id: int, action: str, to_status: str) -> str:
    """Run every hook on the event; return the errors (empty when all ran)."""
    errors = []
    for hook in petition_event_hooks():
        try:
            with transaction.atomic():  # a savepoint: a hook's failed statement must not spoil the batch
                hook(petition_id=petition_id, event_id=event_id, action=action, to_status=to_status)
        except Exception as exc:
            logger.exception("Hook %s failed on petition event %s (%s); the event waits.", hook, event_id, action)
            errors.append(f"{getattr(hook, '__qualname__', hook)}: {type(exc).__name__}: {exc}")
    return "\n".join(errors)


def _failure_record(*, event_id: int, error: str, now: datetime) -> None:
    failure, _new = PetitionEventDispatchFailure.objects.get_or_create(event_id=event_id, defaults={"retry_at": now})
    failure.attempts += 1
    failure.retry_at = now + min(FIRST_RETRY * 2 ** (failure.attempts - 1), LONGEST_WAIT)
    failure.last_error = error[:2000]
    failure.save()
