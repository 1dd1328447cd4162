"""One webhook delivery attempted by two workers (a late task re-queued by the sweep, a replay): sent once,
and a result recorded late never moves a delivered delivery back."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from chinhquyen.integrations import webhook_client
from chinhquyen.integrations.models import DeliveryState, WebhookDelivery
from chinhquyen.integrations.services import webhook_delivery_attempt, webhook_subscribe
from chinhquyen.integrations.services import webhooks as webhooks_module
from chinhquyen.integrations.services.webhooks import ATTEMPT_LEASE, webhook_deliveries_requeue_due
from chinhquyen.integrations.webhook_client import SendResult
from tests.api.helpers import system_make
from tests.dossiers.factories import World


def _delivery(now):
    world = World()
    dossier = world.received()
    system, _secret = system_make(roles=((world.agency, "supervisor"),))
    subscription = webhook_subscribe(by=system.account, system=system, url="https://hooks.example.vn/in", events=[])
    return WebhookDelivery.objects.create(
        subscription=subscription,
        event_type="dossier.receive",
        dossier_id=dossier.pk,
        dossier_event_id=dossier.events.get(action="receive").pk,
        payload={"x": 1},
        next_attempt_at=now,
    )


@pytest.mark.django_db
def test_a_second_worker_starting_while_the_first_sends_sends_nothing(monkeypatch):
    now = timezone.now()
    delivery = _delivery(now)
    sent, meanwhile = [], []

    def post(*, url, body, headers):
        sent.append(headers["X-Chinhquyen-Delivery"])
        if len(sent) == 1:  # the sweep's task starts while the receiver has not answered yet
            meanwhile.append(webhook_delivery_attempt(delivery_id=str(delivery.pk), now=now + timedelta(seconds=5)))
        return SendResult(status_code=200)

    monkeypatch.setattr(webhook_client, "webhook_post", post)

    done = webhook_delivery_attempt(delivery_id=str(delivery.pk), now=now)

    assert sent == [str(delivery.pk)]
    assert (meanwhile[0].state, meanwhile[0].attempts) == (DeliveryState.PENDING, 1)
    final = WebhookDelivery.objects.get(pk=delivery.pk)
    assert (final.state, final.attempts, final.delivered_at, final.next_attempt_at, final.last_status_code) == (
        DeliveryState.DELIVERED,
        1,
        now,
        None,
        200,
    )
    assert (done.state, done.attempts, done.delivered_at) == (DeliveryState.DELIVERED, 1, now)


@pytest.mark.django_db
def test_a_failure_recorded_after_another_attempt_delivered_leaves_it_delivered(monkeypatch):
    now = timezone.now()
    delivery = _delivery(now)
    queued = []
    monkeypatch.setattr(webhooks_module, "_enqueue", lambda d, run_after=None: queued.append(run_after))

    def post(*, url, body, headers):
        # Meanwhile another attempt (a replay's) reached the receiver and recorded the delivery.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=DeliveryState.DELIVERED, delivered_at=now + timedelta(seconds=1), next_attempt_at=None
        )
        return SendResult(status_code=503, error="busy")

    monkeypatch.setattr(webhook_client, "webhook_post", post)

    done = webhook_delivery_attempt(delivery_id=str(delivery.pk), now=now)

    final = WebhookDelivery.objects.get(pk=delivery.pk)
    assert (final.state, final.delivered_at, final.next_attempt_at) == (
        DeliveryState.DELIVERED,
        now + timedelta(seconds=1),
        None,
    )
    assert (done.state, done.delivered_at) == (DeliveryState.DELIVERED, now + timedelta(seconds=1))
    assert queued == []  # no retry of a delivered delivery


@pytest.mark.django_db
def test_an_attempt_whose_worker_died_is_taken_up_once_its_lease_runs_out(monkeypatch):
    now = timezone.now()
    delivery = _delivery(now)
    answers = []

    def died(*, url, body, headers):
        raise SystemExit("the worker was killed while sending")

    monkeypatch.setattr(webhook_client, "webhook_post", died)
    with pytest.raises(SystemExit):
        webhook_delivery_attempt(delivery_id=str(delivery.pk), now=now)

    def post(*, url, body, headers):
        answers.append(200)
        return SendResult(status_code=200)

    monkeypatch.setattr(webhook_client, "webhook_post", post)
    held = webhook_delivery_attempt(delivery_id=str(delivery.pk), now=now + ATTEMPT_LEASE - timedelta(seconds=1))
    assert (answers, held.state, held.attempts) == ([], DeliveryState.PENDING, 1)
    # The sweep finds it again a minute after the lease ran out, as any lost task.
    assert webhook_deliveries_requeue_due(now=now + ATTEMPT_LEASE + timedelta(minutes=1)) == 1

    done = webhook_delivery_attempt(delivery_id=str(delivery.pk), now=now + ATTEMPT_LEASE)

    assert (answers, done.state, done.attempts, done.delivered_at) == (
        [200],
        DeliveryState.DELIVERED,
        2,
        now + ATTEMPT_LEASE,
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks: SQLite serialises writers")
@pytest.mark.django_db(transaction=True)
def test_a_delivery_attempted_by_two_workers_at_once_is_sent_once_and_stays_delivered(monkeypatch):
    delivery = _delivery(timezone.now())
    monkeypatch.setattr(webhooks_module, "_enqueue", lambda *a, **k: None)  # no task queue here
    both_sending = threading.Barrier(2)
    answers = iter([200, 503])  # the first attempt to reach the receiver succeeds
    lock = threading.Lock()
    sent: list[int] = []

    def post(*, url, body, headers):
        try:
            both_sending.wait(timeout=3)  # only one worker may send: the other never comes
        except threading.BrokenBarrierError:
            pass
        with lock:
            code = next(answers)
            sent.append(code)
        return SendResult(status_code=code)

    monkeypatch.setattr(webhook_client, "webhook_post", post)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            webhook_delivery_attempt(delivery_id=str(delivery.pk))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    final = WebhookDelivery.objects.get(pk=delivery.pk)
    assert (sent, final.state, final.attempts, final.last_status_code) == ([200], DeliveryState.DELIVERED, 1, 200)
    assert final.delivered_at is not None
