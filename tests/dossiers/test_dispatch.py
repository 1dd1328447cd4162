"""The event outbox: transitions queue one dispatch after commit; the worker runs the hooks on each event once."""

import io
import logging
import re
import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import DossierEvent, EventDispatchFailure
from chinhquyen.dossiers.services import (
    Upload,
    dispatch,
    dossier_create_with_documents,
    dossier_events_dispatch,
    dossier_forward,
    dossier_receive,
)
from tests.dossiers.factories import World, pdf_bytes, vn
from tests.dossiers.outbox import DISPATCH, committed, tasks_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(monkeypatch):
    """Replace the apps' hooks by one that records what it is given."""
    seen = []
    monkeypatch.setattr(dispatch.OUTBOX, "hooks", [lambda **kwargs: seen.append(kwargs)])
    return seen


def _waiting() -> list[str]:
    return list(DossierEvent.objects.filter(dispatched_at=None).order_by("pk").values_list("action", flat=True))


def test_a_transition_leaves_its_event_waiting_and_queues_one_dispatch_after_its_commit(
    calls, django_capture_on_commit_callbacks
):
    world = World()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dossier_receive(by=world.front_desk, dossier=world.draft(at=vn(2026, 3, 2, 8, 0)))

    assert _waiting() == ["create", "receive"]
    assert calls == []  # nothing runs in the request
    assert len(callbacks) == 1  # the block is one transaction (the test's): one dispatch for its two events
    assert DBTaskResult.objects.count() == 0  # queued only once committed
    callbacks[0]()
    assert list(DBTaskResult.objects.values_list("task_path", "status")) == [(DISPATCH, "READY")]


def test_several_events_of_one_transaction_queue_one_dispatch(calls, django_capture_on_commit_callbacks):
    world = World()
    files = [Upload(SimpleUploadedFile(f"{n}.pdf", pdf_bytes())) for n in "ab"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        dossier_create_with_documents(
            by=world.front_desk, procedure=world.procedure, applicant=world.applicant, uploads=files
        )

    assert _waiting() == ["create", "document_add", "document_add"]
    assert len(callbacks) == 1
    assert DBTaskResult.objects.filter(task_path=DISPATCH).count() == 1


def test_a_dispatch_queued_and_not_started_takes_the_later_events_so_none_is_queued_again(
    calls, django_capture_on_commit_callbacks
):
    world = World()
    with django_capture_on_commit_callbacks(execute=True):
        draft = world.draft(at=vn(2026, 3, 2, 8, 0))
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_receive(by=world.front_desk, dossier=draft)
    dispatches = DBTaskResult.objects.filter(task_path=DISPATCH).order_by("enqueued_at")

    assert list(dispatches.values_list("status", flat=True)) == ["READY"]
    assert tasks_run() == [(DISPATCH, {"dispatched": 2, "failed": 0})]

    dispatches.update(status="RUNNING")  # claimed by a worker: it may have read the events already
    with django_capture_on_commit_callbacks(execute=True):
        dossier_forward(by=world.specialist, dossier=dossier)

    assert list(dispatches.values_list("status", flat=True)) == ["RUNNING", "READY"]


def test_the_worker_runs_every_hook_on_each_event_in_order_then_marks_it(calls):
    world = World()
    with committed():
        dossier = dossier_receive(by=world.front_desk, dossier=world.draft(at=vn(2026, 3, 2, 8, 0)))

    events = list(dossier.events.order_by("pk"))
    assert calls == [
        {"dossier_id": dossier.pk, "event_id": events[0].pk, "action": "create", "to_status": 0, "internal": False},
        {"dossier_id": dossier.pk, "event_id": events[1].pk, "action": "receive", "to_status": 2, "internal": False},
    ]
    assert _waiting() == []
    assert all(e.dispatched_at is not None for e in events)
    assert dossier_events_dispatch() == dispatch.DispatchReport(dispatched=0, failed=0)
    assert len(calls) == 2


def test_internal_events_are_dispatched_with_their_flag(calls):
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    with committed():
        dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 3, 9, 0))

    [call] = calls
    assert (call["action"], call["to_status"], call["internal"]) == ("forward", 4, True)


def test_a_refused_transition_writes_no_event_and_a_rolled_back_one_queues_nothing(
    calls, django_capture_on_commit_callbacks
):
    world = World()
    with django_capture_on_commit_callbacks(execute=True):
        draft = world.draft(at=vn(2026, 3, 2, 8, 0))
    DossierEvent.objects.update(dispatched_at=vn(2026, 3, 2, 8, 0))

    def receive_then_fail():
        with transaction.atomic():
            dossier_receive(by=world.front_desk, dossier=draft)
            raise RuntimeError("the caller's transaction fails after the transition")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with pytest.raises(TransitionRefused):
            dossier_forward(by=world.specialist, dossier=draft)
        with pytest.raises(RuntimeError):
            receive_then_fail()
        dossier_receive(by=world.front_desk, dossier=draft)

    # The rollback dropped the dispatch queued with the failed receive; the later one queued its own.
    assert len(callbacks) == 1
    assert _waiting() == ["receive"]


def test_a_failing_hook_leaves_the_event_waiting_and_it_is_tried_again_after_a_back_off(monkeypatch, caplog):
    seen, broken = [], [True]

    def flaky(**kwargs):
        if broken[0] and kwargs["action"] == "receive":
            raise RuntimeError("partner down")
        seen.append(kwargs["action"])

    monkeypatch.setattr(dispatch.OUTBOX, "hooks", [flaky])
    world = World()
    with caplog.at_level(logging.ERROR), committed():
        world.received(at=vn(2026, 3, 2, 8, 0))
    receive = DossierEvent.objects.get(action="receive")
    failure = EventDispatchFailure.objects.get()
    first_try = failure.retry_at - timedelta(minutes=1)

    assert (seen, _waiting()) == (["create"], ["receive"])
    assert "(receive); the event waits" in caplog.text
    assert "RuntimeError: partner down" in caplog.text
    assert (failure.event_id, failure.attempts) == (receive.pk, 1)
    assert failure.last_error.endswith("flaky: RuntimeError: partner down")
    # Not at every dispatch: after 1, 2, 4 ... minutes, at most an hour.
    assert dossier_events_dispatch() == dispatch.DispatchReport(dispatched=0, failed=0)
    later = first_try + timedelta(minutes=1, seconds=1)
    assert dossier_events_dispatch(now=later) == dispatch.DispatchReport(dispatched=0, failed=1)
    failure.refresh_from_db()
    assert (failure.attempts, failure.retry_at) == (2, later + timedelta(minutes=2))
    for _attempt in range(6):
        dossier_events_dispatch(retry_failed=True, now=later)
    failure.refresh_from_db()
    assert (failure.attempts, failure.retry_at) == (8, later + timedelta(hours=1))

    broken[0] = False
    out = io.StringIO()
    call_command("dossier_events_dispatch", "--retry-failed", stdout=out)  # after the fix, without waiting

    assert out.getvalue() == "1 event(s) dispatched; 0 waiting to be tried again after a failure.\n"
    assert (seen, _waiting(), EventDispatchFailure.objects.count()) == (["create", "receive"], [], 0)


def test_the_sweep_exits_1_while_an_event_keeps_failing(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("template missing")

    monkeypatch.setattr(dispatch.OUTBOX, "hooks", [broken])
    World().draft(at=vn(2026, 3, 2, 8, 0))
    out = io.StringIO()

    with pytest.raises(SystemExit) as exited:
        call_command("dossier_events_dispatch", stdout=out)

    assert exited.value.code == 1
    assert out.getvalue() == "0 event(s) dispatched; 1 waiting to be tried again after a failure.\n"


def test_a_queue_that_is_down_is_logged_the_transition_stands_and_the_sweep_dispatches(monkeypatch, calls, caplog):
    from chinhquyen.dossiers import tasks

    class DownQueue:
        def enqueue(self, **kwargs):
            raise ConnectionError("queue unreachable")

    monkeypatch.setattr(tasks, "dossier_events_dispatch_queued", DownQueue())
    world = World()
    with caplog.at_level(logging.ERROR), committed():
        dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    assert dossier.status == 2
    assert "could not be queued" in caplog.text
    assert (_waiting(), calls) == (["create", "receive"], [])
    assert dossier_events_dispatch(limit=1) == dispatch.DispatchReport(dispatched=1, failed=0)
    assert dossier_events_dispatch() == dispatch.DispatchReport(dispatched=1, failed=0)
    assert [c["action"] for c in calls] == ["create", "receive"]


def test_no_hooks_no_task(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(dispatch.OUTBOX, "hooks", [])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        World().received(at=vn(2026, 3, 2, 8, 0))

    assert callbacks == []
    assert _waiting() == ["create", "receive"]  # a hook registered later still gets them


def test_the_queued_task_reports_what_it_dispatched(calls):
    world = World()
    with transaction.atomic():  # committed() would run the task itself
        world.received(at=vn(2026, 3, 2, 8, 0))
    from chinhquyen.dossiers.tasks import dossier_events_dispatch_queued

    dossier_events_dispatch_queued.enqueue()

    assert tasks_run() == [(DISPATCH, {"dispatched": 2, "failed": 0})]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks: SQLite serialises writers anyway")
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_run_the_hooks_once_per_event(monkeypatch):
    world = World()
    for _ in range(3):
        world.received(at=vn(2026, 3, 2, 8, 0))
    inside, release = threading.Event(), threading.Event()
    seen = []

    def slow(**kwargs):
        seen.append(kwargs["event_id"])
        inside.set()
        release.wait(10)  # the first worker holds its batch while the second one runs

    monkeypatch.setattr(dispatch.OUTBOX, "hooks", [slow])
    reports = []

    def worker():
        try:
            reports.append(dossier_events_dispatch())
        finally:
            connection.close()

    first = threading.Thread(target=worker)
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=worker)
    second.start()
    second.join(10)
    finished_while_held = not second.is_alive()
    release.set()
    first.join(10)

    # The first worker locked the whole batch: the second skipped it, found nothing and did not wait.
    assert finished_while_held
    assert sorted(seen) == sorted(DossierEvent.objects.values_list("pk", flat=True))
    assert sorted(r.dispatched for r in reports) == [0, 6]
    assert _waiting() == []


def test_the_admin_shows_when_each_event_was_dispatched(admin_client, calls):
    world = World()
    with committed():
        dossier = world.draft(at=vn(2026, 3, 2, 8, 0))
    dossier_receive(by=world.front_desk, dossier=dossier)  # committed() not used: it waits

    page = admin_client.get(f"/admin/dossiers/dossier/{dossier.pk}/change/", HTTP_ACCEPT_LANGUAGE="vi")
    html = page.content.decode()

    assert page.status_code == 200
    assert "thời điểm phân phối sự kiện" in html.lower()
    created, received = re.findall(r'class="field-dispatched_at">\s*<p>(.*?)</p>', html)
    assert created != "-"  # the creation, dispatched
    assert received == "-"  # the reception, waiting


def test_the_admin_lists_the_failures_with_their_last_error(admin_client, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("template missing")

    monkeypatch.setattr(dispatch.OUTBOX, "hooks", [broken])
    World().draft(at=vn(2026, 3, 2, 8, 0))
    dossier_events_dispatch()

    page = admin_client.get("/admin/dossiers/eventdispatchfailure/", HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    assert "broken: RuntimeError: template missing" in page.content.decode()
    assert admin_client.get("/admin/dossiers/eventdispatchfailure/add/").status_code == 403
