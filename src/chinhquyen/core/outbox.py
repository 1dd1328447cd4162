"""Event hooks run by the worker from an outbox: event rows written with ``dispatched_at`` empty (ADR 0017).

An app whose services write event rows (dossier events, petition events) makes one :class:`Outbox` for
them; other apps react by registering a hook on it, so the app never imports them. A service does not run
the hooks: its event row, written in the service's own transaction, is the outbox entry, and after the
commit one task is queued (:meth:`Outbox.dispatch_soon`, one per transaction whatever its events). The
task, run by the worker, calls :meth:`Outbox.dispatch`: each waiting event, oldest first, gets every hook,
and is marked in the same transaction as what the hooks wrote. So a crash before that commit leaves the
event waiting, never lost, and the next dispatch takes it (the next task, or the app's cron command). An
event a hook fails on is recorded in the failures model (in the admin) and tried again after a back-off.
A hook may therefore run twice for an event (the others run again with the failing one), so hooks must be
safe to run twice.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django_tasks.base import Task, TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from .compiled import compiled

logger = logging.getLogger(__name__)

# Called as hook(event_id=…, **the event's values named by the outbox), so a hook can tell whether an event
# concerns it without reading it; must be safe to run twice.
EventHook = Callable[..., None]

# Events locked and dispatched per transaction: small, so the hooks' writes are committed often and
# SQLite's single writer is not held for long.
BATCH = 20

# After the n-th failure an event waits FIRST_RETRY * 2^(n-1), at most LONGEST_WAIT, before the next try:
# a hook failing for good (a bug, a partner down) is neither lost nor retried at every dispatch.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)


@dataclass(frozen=True)
class DispatchReport:
    dispatched: int  # events whose hooks all ran, now marked
    failed: int  # events a hook raised on this time (logged; tried again after a back-off)


class Outbox:
    """The hooks of one kind of event row, and the dispatch that runs them.

    ``events`` has ``dispatched_at``; ``failures`` has ``event`` (one-to-one), ``attempts``, ``retry_at`` and
    ``last_error``; ``values`` are the event's columns handed to each hook beside ``event_id``; ``task``
    returns the task that runs :meth:`dispatch` (imported late: tasks import the services).
    """

    def __init__(
        self,
        *,
        label: str,
        events: type[models.Model],
        failures: type[models.Model],
        values: tuple[str, ...],
        task: Callable[[], Task[[], Any]],
    ) -> None:
        self.label, self.events, self.failures, self.values, self._task = label, events, failures, values, task
        self.hooks: list[EventHook] = []
        # On the connection: the dispatch its open transaction has asked for (see dispatch_soon).
        self.waiting_key = f"_{label}_dispatch_waiting"

    def hook_add(self, hook: EventHook) -> None:
        if hook not in self.hooks:
            self.hooks.append(hook)

    def hook_remove(self, hook: EventHook) -> None:
        if hook in self.hooks:
            self.hooks.remove(hook)

    def dispatch_soon(self) -> None:
        """Queue one dispatch after the current transaction commits (once, however many events it writes)."""
        if not self.hooks:
            return
        connection = transaction.get_connection()
        # The callback registered for this transaction, if it is still waiting for the commit: a rollback
        # (of the transaction, or of the savepoint it was registered in) drops it from run_on_commit.
        waiting = connection.__dict__.get(self.waiting_key)
        if waiting is not None and any(entry[1] is waiting for entry in connection.run_on_commit):
            return
        callback = partial(self._enqueue, connection)
        connection.__dict__[self.waiting_key] = callback
        transaction.on_commit(callback)

    def _enqueue(self, connection: BaseDatabaseWrapper) -> None:
        connection.__dict__.pop(self.waiting_key, None)
        try:
            task = self._task()
            if not _queued_not_started(task):
                task.enqueue()
        except Exception:  # the service's change has committed: nothing may raise into it; the event waits
            logger.exception(
                "The dispatch of %s could not be queued; the next one or the sweep takes them.", self.label
            )

    def dispatch(
        self, *, limit: int | None = None, now: datetime | None = None, retry_failed: bool = False
    ) -> DispatchReport:
        """Run the hooks of the events waiting for them, oldest first; at most ``limit`` events.

        Events another dispatcher holds are skipped (PostgreSQL: ``SKIP LOCKED``), so two workers share the
        queue. An event one of whose hooks raises is logged, recorded in the failures model and passed over
        until its next attempt is due (``retry_failed`` tries every such event now).
        """
        now = now or timezone.now()
        waiting = self.events._default_manager.filter(dispatched_at=None)
        if not retry_failed:
            later = self.failures._default_manager.filter(event=OuterRef("pk"), retry_at__gt=now)
            waiting = waiting.filter(~Exists(later))
        dispatched = failed = 0
        after = 0
        while limit is None or dispatched + failed < limit:
            size = BATCH if limit is None else min(BATCH, limit - dispatched - failed)
            with transaction.atomic():
                batch = list(
                    waiting.select_for_update(skip_locked=True, no_key=True)
                    .filter(pk__gt=after)
                    .order_by("pk")
                    .values_list("pk", *self.values)[:size]
                )
                if not batch:
                    break
                errors = {event[0]: error for event in batch if (error := self._hooks_run(event))}
                done = [event[0] for event in batch if event[0] not in errors]
                self.events._default_manager.filter(pk__in=done).update(dispatched_at=timezone.now())
                self.failures._default_manager.filter(event_id__in=done).delete()
                for event_id, error in errors.items():
                    self._failure_record(event_id=event_id, error=error, now=now)
            dispatched += len(done)
            failed += len(errors)
            after = batch[-1][0]
        return DispatchReport(dispatched=dispatched, failed=failed)

    def _hooks_run(self, event: tuple[Any, ...]) -> str:
        """Run every hook on the event; return the errors (empty when all ran)."""
        event_id, values = event[0], dict(zip(self.values, event[1:], strict=True))
        errors = []
        for hook in list(self.hooks):
            try:
                with transaction.atomic():  # a savepoint: a hook's failed statement must not spoil the batch
                    hook(event_id=event_id, **values)
            except Exception as exc:
                logger.exception(
                    "Hook %s failed on event %s (%s); the event waits (%s).",
                    hook,
                    event_id,
                    values.get("action"),
                    self.label,
                )
                errors.append(f"{getattr(hook, '__qualname__', hook)}: {type(exc).__name__}: {exc}")
        return "\n".join(errors)

    def _failure_record(self, *, event_id: int, error: str, now: datetime) -> None:
        failure, _new = self.failures._default_manager.get_or_create(event_id=event_id, defaults={"retry_at": now})
        failure.attempts += 1  # type: ignore[attr-defined]
        failure.retry_at = now + min(FIRST_RETRY * 2 ** (failure.attempts - 1), LONGEST_WAIT)  # type: ignore[attr-defined]
        failure.last_error = error[:2000]  # type: ignore[attr-defined]
        failure.save()


def _queued_not_started(task: Task[[], Any]) -> bool:
    """Whether a dispatch is queued and not started yet, on the database backend (one query, compiled).

    Such a dispatch will see the events committed before this check: the worker commits its claim on a
    task before running it. So under load a service queues nothing, and the worker is not sent one task
    per event. On another backend (RQ, Celery) there is nothing to ask: always queue.
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
