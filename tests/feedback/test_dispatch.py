"""Petition events are the outbox of the petition hooks: written waiting, dispatched by the worker, never lost."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chinhquyen.feedback import dispatch, services
from chinhquyen.feedback.dispatch import petition_events_dispatch
from chinhquyen.feedback.models import PetitionEvent, PetitionEventDispatchFailure
from tests.dossiers.outbox import tasks_run

from .helpers import agency_with_staff, petition
from .outbox import PETITION_DISPATCH

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(monkeypatch):
    """The hooks replaced by one that records what it is given."""
    seen: list[tuple[int, int, str, str]] = []

    def record(*, petition_id, event_id, action, to_status):
        seen.append((petition_id, event_id, action, to_status))

    monkeypatch.setattr(dispatch.OUTBOX, "hooks", [record])
    transaction.get_connection().__dict__.pop(dispatch._WAITING, None)
    return seen


@pytest.fixture
def failing(monkeypatch):
    def broken(**values):
        raise RuntimeError("partner down")

    monkeypatch.setattr(dispatch.OUTBOX, "hooks", [broken])
    return broken


def waiting() -> list[str]:
    return list(PetitionEvent.objects.filter(dispatched_at=None).order_by("pk").values_list("action", flat=True))


def test_events_wait_until_the_commit_queues_one_dispatch_which_runs_the_hooks(calls):
    staffed = agency_with_staff()

    with TestCase.captureOnCommitCallbacks(execute=True):
        filed = petition(about=staffed.agency)
        services.petition_assign(petition=filed, by=staffed.leader, agency=staffed.agency)
        assert DBTaskResult.objects.count() == 0  # nothing before the commit
    assert waiting() == ["file", "assign"]

    assert [path for path, _value in tasks_run()] == [PETITION_DISPATCH]  # one task for the transaction
    file, assign = PetitionEvent.objects.order_by("pk")
    assert calls == [(filed.pk, file.pk, "file", "received"), (filed.pk, assign.pk, "assign", "assigned")]
    assert waiting() == []


def test_without_hooks_nothing_is_queued(monkeypatch):
    monkeypatch.setattr(dispatch.OUTBOX, "hooks", [])

    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        petition()

    assert (callbacks, DBTaskResult.objects.count(), waiting()) == ([], 0, ["file"])


def test_a_failing_hook_leaves_the_event_waiting_and_is_tried_again_after_a_back_off(failing):
    petition()
    now = timezone.now()

    first = petition_events_dispatch(now=now)
    too_soon = petition_events_dispatch(now=now + timedelta(seconds=30))
    second = petition_events_dispatch(now=now + timedelta(minutes=1))

    failure = PetitionEventDispatchFailure.objects.get()
    assert [(r.dispatched, r.failed) for r in (first, too_soon, second)] == [(0, 1), (0, 0), (0, 1)]
    assert (failure.attempts, failure.retry_at) == (2, now + timedelta(minutes=3))
    assert failure.last_error == "failing.<locals>.broken: RuntimeError: partner down"
    assert waiting() == ["file"]


def test_the_command_exits_1_while_a_hook_keeps_failing_and_retries_at_once_when_asked(failing, monkeypatch, capsys):
    petition()
    with pytest.raises(SystemExit) as exit_:
        call_command("petition_events_dispatch")
    assert exit_.value.code == 1
    assert capsys.readouterr().out == "0 petition event(s) dispatched; 1 waiting to be tried again after a failure.\n"

    monkeypatch.setattr(dispatch.OUTBOX, "hooks", [])  # fixed
    call_command("petition_events_dispatch", "--retry-failed")

    assert capsys.readouterr().out == "1 petition event(s) dispatched; 0 waiting to be tried again after a failure.\n"
    assert (PetitionEventDispatchFailure.objects.count(), waiting()) == (0, [])
