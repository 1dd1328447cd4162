"""Delivery through the task queue: retries with back-off, idempotent runs, and a dossier that never waits."""

import io
import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task_backends
from django_tasks_db.models import DBTaskResult

from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.models import AuditEntry
from chinhquyen.dossiers.models import Dossier, DossierStatus
from chinhquyen.notifications import tasks
from chinhquyen.notifications.models import Channel, Notification, SimulatedSms, State
from chinhquyen.notifications.services import (
    BACKOFF_SECONDS,
    MAX_ATTEMPTS,
    notification_language_set,
    notification_resend,
    notifications_requeue,
)
from chinhquyen.notifications.sms import SmsError
from tests.dossiers.outbox import DISPATCH
from tests.notifications import helpers as h

pytestmark = pytest.mark.django_db


class BrokenGateway:
    """An SMS backend whose partner is down (any exception, not only SmsError)."""

    def send(self, *, phone: str, message: str, ref: str) -> str:
        raise RuntimeError("gateway down")


class RefusingGateway:
    def send(self, *, phone: str, message: str, ref: str) -> str:
        raise SmsError("SMS gateway refused the message (HTTP 400).", retryable=False)


def sms_row() -> Notification:
    return Notification.objects.get(channel=Channel.SMS)


def test_notifications_are_queued_on_the_durable_database_backend():
    backend = task_backends["default"]
    assert f"{type(backend).__module__}.{type(backend).__name__}" == "django_tasks_db.backend.DatabaseBackend"

    with h.committed():
        h.received(h.reachable_world())

    dispatches = DBTaskResult.objects.filter(task_path=DISPATCH)
    queued = list(DBTaskResult.objects.exclude(task_path=DISPATCH).values_list("task_path", "status", "args_kwargs"))
    ids = sorted(Notification.objects.values_list("pk", flat=True))
    # The transitions queued one dispatch of their events (the block commits once), which the worker ran.
    assert list(dispatches.values_list("status", "return_value")) == [("SUCCESSFUL", {"dispatched": 2, "failed": 0})]
    assert sorted(queued, key=lambda q: q[2]["kwargs"]["notification_id"]) == [
        ("chinhquyen.notifications.tasks.notification_deliver", "READY", {"args": [], "kwargs": {"notification_id": i}})
        for i in ids
    ]


def test_a_failing_sms_is_retried_with_back_off_then_marked_failed(caplog):
    world = h.reachable_world(phone="0912340000")  # the simulator fails numbers ending in 0000
    with h.committed():
        h.received(world)

    outcomes, delays = [], []
    outcomes += h.run_queued()  # the e-mail goes, the SMS fails
    for _attempt in range(MAX_ATTEMPTS - 1):
        delays += h.queued_delays()
        h.make_due()
        outcomes += h.run_queued()

    assert outcomes == ["sent", "retry", "retry", "retry", "retry", "failed"]
    assert delays == list(BACKOFF_SECONDS)
    sms = sms_row()
    assert (sms.state, sms.attempts, sms.next_attempt_at) == (State.FAILED, MAX_ATTEMPTS, None)
    assert sms.last_error == "SmsError: Simulated gateway failure for numbers ending in 0000."
    assert DBTaskResult.objects.filter(status="READY").count() == 0
    assert SimulatedSms.objects.count() == 0
    assert len(mail.outbox) == 1
    assert "failed after 5 attempts" in caplog.text


def test_a_refused_message_is_not_retried(settings):
    settings.SMS_BACKEND = "tests.notifications.test_delivery.RefusingGateway"
    with h.committed():
        h.received(h.reachable_world())

    assert sorted(h.run_queued()) == ["failed", "sent"]
    assert (sms_row().state, sms_row().attempts) == (State.FAILED, 1)


def test_running_the_task_again_sends_nothing_more():
    with h.committed():
        h.received(h.reachable_world())
    ids = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    for pk in ids:  # a duplicate task for each notification
        tasks.notification_deliver.enqueue(notification_id=pk)

    assert sorted(h.run_queued()) == ["sent", "sent", "sent", "sent"]  # the state after each run
    assert [tasks.notification_deliver.call(notification_id=pk) for pk in ids] == ["sent", "sent"]
    assert len(mail.outbox) == 1
    assert SimulatedSms.objects.count() == 1
    assert list(Notification.objects.values_list("attempts", flat=True)) == [1, 1]


def test_a_task_for_a_notification_being_sent_does_nothing():
    with h.committed():
        h.received(h.reachable_world())
    Notification.objects.update(state=State.SENDING)

    assert sorted(h.run_queued()) == ["sending", "sending"]
    assert mail.outbox == []


def test_a_queue_failure_is_logged_and_the_requeue_command_recovers(monkeypatch, caplog):
    class DownQueue:
        def enqueue(self, **kwargs):
            raise ConnectionError("queue unreachable")

    monkeypatch.setattr(tasks, "notification_deliver", DownQueue())
    world = h.reachable_world()
    with caplog.at_level(logging.ERROR), h.committed():
        dossier = h.received(world)
    monkeypatch.undo()

    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.RECEIVED
    assert list(Notification.objects.values_list("state", flat=True)) == ["pending", "pending"]
    assert caplog.text.count("could not be queued") == 2
    assert notifications_requeue() == 0  # too early: the task may still be on its way
    assert notifications_requeue(now=timezone.now() + timedelta(minutes=16)) == 2
    h.make_due()
    assert sorted(h.run_queued()) == ["sent", "sent"]


def test_the_requeue_command_frees_a_row_stuck_in_sending():
    with h.committed():
        h.received(h.reachable_world())
    DBTaskResult.objects.all().delete()
    an_hour_ago = timezone.now() - timedelta(hours=2)
    Notification.objects.filter(channel=Channel.SMS).update(state=State.SENDING, updated_at=an_hour_ago)
    Notification.objects.filter(channel=Channel.EMAIL).update(next_attempt_at=an_hour_ago)

    out = io.StringIO()
    call_command("notifications_requeue", stdout=out)

    assert out.getvalue() == "2 notification(s) queued again.\n"
    assert sms_row().state == State.PENDING
    assert h.run_queued() == ["sent", "sent"]
    assert SimulatedSms.objects.count() == 1


def test_a_failing_hook_leaves_the_event_waiting_and_a_later_dispatch_sends(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from chinhquyen.notifications import services

    def broken(**kwargs):
        raise RuntimeError("template missing")

    monkeypatch.setattr(services, "notifications_for_event", broken)
    with h.committed():
        dossier = h.received(h.reachable_world())
    monkeypatch.undo()

    receive = dossier.events.get(action="receive")
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.RECEIVED
    assert (receive.dispatched_at, Notification.objects.count()) == (None, 0)
    assert f"failed on event {receive.pk} (receive); the event waits" in caplog.text
    assert "RuntimeError: template missing" in caplog.text

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # the fix deployed, the failed events are tried now
        call_command("dossier_events_dispatch", "--retry-failed", stdout=out)

    assert out.getvalue() == "1 event(s) dispatched; 0 waiting to be tried again after a failure.\n"
    receive.refresh_from_db()
    assert receive.dispatched_at is not None
    assert h.run_queued() == ["sent", "sent"]


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_after_a_real_commit():
    world = h.reachable_world()

    dossier = h.received(world)  # commits: the hook runs for real
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)

    assert [m.subject for m in mail.outbox] == [f"Hồ sơ {dossier.code} đã được tiếp nhận"]  # Vietnamese by default
    assert list(SimulatedSms.objects.values_list("phone", flat=True)) == [h.PHONE]
    assert set(Notification.objects.values_list("state", flat=True)) == {State.SENT}
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.django_db(transaction=True)
def test_the_transition_commits_when_the_sms_backend_raises(settings):
    settings.SMS_BACKEND = "tests.notifications.test_delivery.BrokenGateway"
    world = h.reachable_world()

    dossier = h.received(world)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)

    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.RECEIVED
    assert len(mail.outbox) == 1
    sms = sms_row()
    assert (sms.state, sms.attempts, sms.last_error) == (State.PENDING, 1, "RuntimeError: gateway down")
    assert h.queued_delays() == [BACKOFF_SECONDS[0]]
    assert set(DBTaskResult.objects.exclude(status="READY").values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_resend_goes_to_the_current_address_and_is_audited():
    world = h.reachable_world(phone="0912340000")
    with h.committed():
        h.received(world)
    Notification.objects.filter(channel=Channel.SMS).update(state=State.FAILED, attempts=MAX_ATTEMPTS)
    h.run_queued()
    world.applicant.user.phone = "0987 654 321"
    world.applicant.user.save(update_fields=["phone"])

    with h.committed():
        sms = notification_resend(notification=sms_row(), by=world.front_desk)

    assert (sms.state, sms.attempts, sms.recipient, sms.last_error) == (State.PENDING, 0, "0987654321", "")
    assert h.run_queued() == ["sent"]
    assert list(SimulatedSms.objects.values_list("phone", flat=True)) == ["0987654321"]
    entry = AuditEntry.objects.get(action="notification.resend")
    assert (entry.target, entry.data) == (
        f"notification:{sms.pk}",
        {"dossier": sms.dossier_id, "channel": "sms", "from": "failed", "to": "pending"},
    )


def test_resend_is_refused_while_the_notification_is_being_sent():
    world = h.reachable_world()
    with h.committed():
        h.received(world)
    Notification.objects.update(state=State.SENDING)

    with pytest.raises(InvalidInput) as info:
        notification_resend(notification=sms_row(), by=world.front_desk)

    assert info.value.code == "notification_sending"


def test_admin_lists_read_only_and_resends_by_post(admin_client):
    with h.committed():
        h.received(h.reachable_world())
    h.run_queued()
    email = Notification.objects.get(channel=Channel.EMAIL)

    listing = admin_client.get("/admin/notifications/notification/", HTTP_ACCEPT_LANGUAGE="en")
    detail = admin_client.get(f"/admin/notifications/notification/{email.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    with h.committed():
        response = admin_client.post(
            "/admin/notifications/notification/",
            {"action": "resend", "_selected_action": [email.pk]},
            HTTP_ACCEPT_LANGUAGE="en",
            follow=True,
        )

    assert listing.status_code == detail.status_code == 200
    assert b"Resend the selected notifications" in listing.content
    assert b'name="subject"' not in detail.content  # read-only: no form field
    assert "1 notification queued again." in [str(m) for m in response.context["messages"]]
    assert Notification.objects.get(pk=email.pk).state == State.PENDING
    assert h.run_queued() == ["sent"]
    assert len(mail.outbox) == 2


def test_the_applicants_language_choice_is_checked_and_used():
    world = h.reachable_world()
    with pytest.raises(InvalidInput) as info:
        notification_language_set(user=world.applicant.user, language="fr")
    notification_language_set(user=world.applicant.user, language="en")

    with h.committed():
        h.received(world)

    assert info.value.code == "language"
    assert set(Notification.objects.values_list("language", flat=True)) == {"en"}
