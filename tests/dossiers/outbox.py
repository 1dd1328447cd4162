"""The worker's side of the event outbox in tests: run queued tasks as ``db_worker`` does."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.test import TestCase
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from chinhquyen.dossiers.models import DossierEvent
from chinhquyen.dossiers.services import dispatch

DISPATCH = "chinhquyen.dossiers.tasks.dossier_events_dispatch_queued"


def tasks_run(*, task_path: str | None = None) -> list[tuple[str, object]]:
    """Run the due tasks (only ``task_path``'s, if given) as the worker does; return (path, returned) of each.

    Their after-commit callbacks run too (the test's transaction never commits): a dispatch queues the
    deliveries it prepares, and the loop runs them.
    """
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ready = DBTaskResult.objects.ready()
    if task_path is not None:
        ready = ready.filter(task_path=task_path)
    results = []
    while (task_result := ready.get_locked()) is not None:
        task_result.claim(worker.worker_id)
        with TestCase.captureOnCommitCallbacks(execute=True):
            worker.run_task(task_result)
        task_result.refresh_from_db()
        results.append((task_result.task_path, task_result.return_value))
    return results


@contextmanager
def committed() -> Iterator[None]:
    """Commit the block's transitions, then let the worker run their event hooks (the dispatch task).

    What the hooks queue in turn (notifications, webhook deliveries) is left for the test to run. What the
    test did before the block is history: its events count as dispatched (their hooks are not under test,
    as its after-commit callbacks never ran), and the dispatch it asked for, which the test's transaction
    never commits, is forgotten.
    """
    DossierEvent.objects.filter(dispatched_at=None).update(dispatched_at=timezone.now())
    transaction.get_connection().__dict__.pop(dispatch._WAITING, None)
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield
    tasks_run(task_path=DISPATCH)
