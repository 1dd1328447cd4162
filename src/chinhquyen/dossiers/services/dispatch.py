"""The event hooks, run from the outbox: the dossier events written with ``dispatched_at`` empty.

Other apps react to transitions (notifications, webhooks) by registering a hook. A transition does not
run them: its event row, written in the transition's own transaction, is the outbox entry, and after the
commit one task is queued (:func:`dispatch_soon`, one per transaction whatever its events). The task,
run by the worker, calls :func:`dossier_events_dispatch`: each waiting event, oldest first, gets every hook,
and is marked in the same transaction as what the hooks wrote. So a crash before that commit leaves the
event waiting, never lost, and the next dispatch takes it: the next transition's task, or
``manage.py dossier_events_dispatch`` from cron. An event a hook fails on is recorded (an
:class:`EventDispatchFailure`, in the admin) and tried again after a back-off. A hook may therefore run twice
for an event (the others run again with the failing one), so hooks must be safe to run twice.
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

from ..models import DossierEvent, EventDispatchFailure

logger = logging.getLogger(__name__)

# Called by the dispatcher as hook(dossier_id=…, event_id=…, action=…, to_status=…, internal=…), the event's
# own values, so a hook can tell whether it concerns it without reading the event; must be safe to run twice.
EventHook = Callable[..., None]
_hooks: list[EventHook] = []

# Events locked and dispatched per transaction: small, so the hooks' writes are committed often and
# SQLite's single writer is not held for long.
BATCH = 20

# On the connection: the dispatch its open transaction has asked for (see dispatch_soon).
_WAITING = "_dossier_events_dispatch_waiting"


def dossier_event_hook_add(hook: EventHook) -> None:
    """Run ``hook(dossier_id=, event_id=, action=, to_status=, internal=)`` on every dossier event, in the worker."""
    if hook not in _hooks:
        _hooks.append(hook)


def dossier_event_hook_remove(hook: EventHook) -> None:
    if hook in _hooks:
        _hooks.remove(hook)


def dossier_event_hooks() -> list[EventHook]:
    """The hooks registered, in the order they run (a copy)."""
    return list(_hooks)


def dispatch_soon() -> None:
    """Queue one dispatch after the current transaction commits (once, however many events it writes)."""
    if not _hooks:
        return
    connection = transaction.get_connection()
    # The callback registered for this transaction, if it is still waiting for the commit: a rollback
    # (of the transaction, or of the savepoint it was registered in) drops it from run_on_commit.
    waiting = connection.__dict__.get(_WAITING)
    if waiting is not None and any(entry[1] is waiting for entry in connection.run_on_commit):
        return
    callback = partial(_enqueue, connection)
    connection.__dict__[_WAITING] = callback
    transaction.on_commit(callback)


def _enqueue(connection: BaseDatabaseWrapper) -> None:
    from ..tasks import dossier_events_dispatch_queued as task

    connection.__dict__.pop(_WAITING, None)
    try:
        if not _queued_not_started(task):
            task.enqueue()
    except Exception:  # the transition has committed: nothing may raise into it; the event waits
        logger.exception("The dispatch of dossier events could not be queued; the next one or the sweep takes them.")


def _queued_not_started(task: Task[[], Any]) -> bool:
    """Whether a dispatch is queued and not started yet, on the database backend (one query, compiled).

    Such a dispatch will see the events committed before this check: the worker commits its claim on a
    task before running it. So under load a transition queues nothing, and the worker is not sent one
    task per event. On another backend (RQ, Celery) there is nothing to ask: always queue.
    """
    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return False
    return bool(_dispatch_ready(path=task.module_path, backend=backend.alias))


@compiled(path=str, backend=str)
def _dispatch_ready(path: str, backend: str) -> QuerySet[DBTaskResult, Any]:
    # Dispatches are queued to run at once; the partial index of READY rows answers this.
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=path, backend_name=backend).values_list(
        "pk", flat=True
    )[:1]


@dataclass(frozen=True)
class DispatchReport:
    dispatched: int  # events whose hooks all ran, now marked
    failed: int  # events a hook raised on this time (logged; tried again after a back-off)


# After the n-th failure an event waits FIRST_RETRY * 2^(n-1), at most LONGEST_WAIT, before the next try:
# a hook failing for good (a bug, a partner down) is neither lost nor retried at every transition's dispatch.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)


def dossier_events_dispatch(
    *, limit: int | None = None, now: datetime | None = None, retry_failed: bool = False
) -> DispatchReport:
    """Run the hooks of the events waiting for them, oldest first; at most ``limit`` events.

    Events another dispatcher holds are skipped (PostgreSQL: ``SKIP LOCKED``), so two workers share the
    queue. An event one of whose hooks raises is logged, recorded as an :class:`EventDispatchFailure` and
    passed over until its next attempt is due (``retry_failed`` tries every such event now).
    """
    now = now or timezone.now()
    waiting = DossierEvent.objects.filter(dispatched_at=None)
    if not retry_failed:
        waiting = waiting.filter(~Exists(EventDispatchFailure.objects.filter(event=OuterRef("pk"), retry_at__gt=now)))
    dispatched = failed = 0
    after = 0
    while limit is None or dispatched + failed < limit:
        size = BATCH if limit is None else min(BATCH, limit - dispatched - failed)
        with transaction.atomic():
            batch = list(
                waiting.select_for_update(skip_locked=True, no_key=True)
                .filter(pk__gt=after)
                .order_by("pk")
                .values_list("pk", "dossier_id", "action", "to_status", "internal")[:size]
            )
            if not batch:
                break
            errors = {event[0]: error for event in batch if (error := _hooks_run(*event))}
            done = [event[0] for event in batch if event[0] not in errors]
            DossierEvent.objects.filter(pk__in=done).update(dispatched_at=timezone.now())
            EventDispatchFailure.objects.filter(event_id__in=done).delete()
            for event_id, error in errors.items():
                _failure_record(event_id=event_id, error=error, now=now)
        dispatched += len(done)
        failed += len(errors)
        after = batch[-1][0]
    return DispatchReport(dispatched=dispatched, failed=failed)


def _hooks_run(event_id: int, dossier_id: int, action: str, to_status: int, internal: bool) -> str:
    """Run every hook on the event; return the errors (empty when all ran)."""
    errors = []
    for hook in dossier_event_hooks():
        try:
            with transaction.atomic():  # a savepoint: a hook's failed statement must not spoil the batch
                hook(dossier_id=dossier_id, event_id=event_id, action=action, to_status=to_status, internal=internal)
        except Exception as exc:
            logger.exception("Hook %s failed on event %s (%s); the event waits.", hook, event_id, action)
            errors.append(f"{getattr(hook, '__qualname__', hook)}: {type(exc).__name__}: {exc}")
    return "\n".join(errors)


def _failure_record(*, event_id: int, error: str, now: datetime) -> None:
    failure, _new = EventDispatchFailure.objects.get_or_create(event_id=event_id, defaults={"retry_at": now})
    failure.attempts += 1
    failure.retry_at = now + min(FIRST_RETRY * 2 ** (failure.attempts - 1), LONGEST_WAIT)
    failure.last_error = error[:2000]
    failure.save()
