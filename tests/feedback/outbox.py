"""The worker's side of the petition events' outbox in tests: commit, then run the dispatch task."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from chinhquyen.feedback import dispatch
from chinhquyen.feedback.models import PetitionEvent
from tests.dossiers.outbox import tasks_run

PETITION_DISPATCH = "chinhquyen.feedback.tasks.petition_events_dispatch_queued"


@contextmanager
def committed() -> Iterator[None]:
    """Commit the block's petition changes, then let the worker run their hooks (the dispatch task).

    What the hooks queue in turn (notification deliveries) is left for the test to run. What the test did
    before the block is history: its events count as dispatched, and the dispatch it asked for, which the
    test's transaction never commits, is forgotten.
    """
    PetitionEvent.objects.filter(dispatched_at=None).update(dispatched_at=timezone.now())
    transaction.get_connection().__dict__.pop(dispatch._WAITING, None)
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield
    tasks_run(task_path=PETITION_DISPATCH)
