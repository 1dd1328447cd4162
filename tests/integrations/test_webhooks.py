"""Webhooks: subscriptions, deliveries after commit through the task queue, signatures, retries, admin."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chinhquyen.dossiers import services
from chinhquyen.integrations.models import DeliveryState, WebhookDelivery
from chinhquyen.integrations.services import webhook_deliveries_create, webhook_delivery_attempt, webhook_subscribe
from chinhquyen.integrations.services.webhooks import MAX_ATTEMPTS, backoff
from tests.api.helpers import api_client, place_make, post_json, system_make, token_for
from tests.dossiers.outbox import committed, tasks_run
from tests.factories import CitizenFactory
from tests.integrations.receiver import Receiver, signature_valid

pytestmark = pytest.mark.django_db

TASK = "chinhquyen.integrations.tasks.webhook_deliver"


def run_webhook_tasks() -> int:
    """Run the webhook tasks that are due, as the db_worker would; return how many ran."""
    return len(tasks_run(task_path=TASK))


@pytest.fixture
def receiver(monkeypatch):
    return Receiver().install(monkeypatch)


def _subscribed(place, events=(), code="motcua"):
    system, secret = system_make(code=code, roles=((place.agency, "supervisor"),))
    subscription = webhook_subscribe(
        by=system.account, system=system, url="https://hooks.example.vn/in", events=list(events)
    )
    return system, secret, subscription


def _receive(place):
    """Open and receive a dossier; the worker then runs the event hooks (the deliveries are queued, not run)."""
    with committed():
        draft = services.dossier_create_at_counter(
            by=place.front_desk, procedure=place.procedure, applicant=CitizenFactory()
        )
        return services.dossier_receive(by=place.front_desk, dossier=draft)


def test_a_system_subscribes_lists_and_unsubscribes_through_the_api():
    _system, secret = system_make(scopes=("webhooks:manage",))
    client = api_client(secret)

    created = post_json(
        client, "/api/v1/webhooks", {"url": "https://hooks.example.vn/in", "events": ["dossier.receive"]}
    )
    listed = client.get("/api/v1/webhooks").json()
    stopped = post_json(client, f"/api/v1/webhooks/{created.json()['id']}/unsubscribe")
    bad = post_json(client, "/api/v1/webhooks", {"url": "ftp://x", "events": ["dossier.nothing"]})

    assert created.status_code == 201
    assert len(created.json()["secret"]) == 43
    assert [(s["url"], s["events"]) for s in listed["items"]] == [("https://hooks.example.vn/in", ["dossier.receive"])]
    assert "secret" not in listed["items"][0]
    assert stopped.json()["is_active"] is False
    assert client.get("/api/v1/webhooks").json()["items"] == []
    assert (bad.status_code, bad.json()["code"], bad.json()["field"]) == (422, "webhook_events", "events")


def test_only_system_keys_with_the_scope_manage_webhooks():
    place = place_make()
    _system, reading = system_make(scopes=("dossiers:read",))

    assert api_client(reading).get("/api/v1/webhooks").json()["code"] == "insufficient_scope"
    assert api_client(token_for(place.front_desk)).get("/api/v1/webhooks").status_code == 403


def test_a_transition_is_delivered_signed_after_commit_through_the_task_queue(receiver):
    place = place_make()
    _system, _secret, subscription = _subscribed(place, events=["dossier.receive"])

    dossier = _receive(place)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event_type, delivery.dossier_id, delivery.state) == ("dossier.receive", dossier.pk, "pending")
    assert DBTaskResult.objects.filter(task_path=TASK, args_kwargs__args=[str(delivery.pk)]).count() == 1
    assert receiver.received == []  # nothing is sent inside the request: the worker sends it

    assert run_webhook_tasks() == 1

    [sent] = receiver.received
    assert sent.url == "https://hooks.example.vn/in"
    assert sent.headers["X-Chinhquyen-Event"] == "dossier.receive"
    assert sent.headers["X-Chinhquyen-Delivery"] == str(delivery.pk)
    assert signature_valid(
        secret=subscription.secret,
        timestamp=sent.headers["X-Chinhquyen-Timestamp"],
        body=sent.body,
        signature=sent.headers["X-Chinhquyen-Signature"],
    )
    assert not signature_valid(
        secret="wrong",
        timestamp=sent.headers["X-Chinhquyen-Timestamp"],
        body=sent.body,
        signature=sent.headers["X-Chinhquyen-Signature"],
    )
    payload = sent.json
    assert payload["id"] == str(delivery.pk)
    assert payload["type"] == "dossier.receive"
    assert payload["dossier"] == {
        "id": dossier.pk,
        "code": dossier.code,
        "status": 2,
        "version": 1,
        "procedure": place.procedure.code,
        "receiving_agency": place.agency.code,
    }
    assert (payload["event"]["action"], payload["event"]["from_status"], payload["event"]["to_status"]) == (
        "receive",
        0,
        2,
    )
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)


def test_a_stale_timestamp_fails_verification(receiver):
    place = place_make()
    _system, _secret, subscription = _subscribed(place)
    _receive(place)
    run_webhook_tasks()
    sent = receiver.received[-1]

    later = int(sent.headers["X-Chinhquyen-Timestamp"]) + 301
    assert not signature_valid(
        secret=subscription.secret,
        timestamp=sent.headers["X-Chinhquyen-Timestamp"],
        body=sent.body,
        signature=sent.headers["X-Chinhquyen-Signature"],
        now=later,
    )


def test_failures_are_retried_with_back_off_then_given_up(receiver, django_capture_on_commit_callbacks):
    place = place_make()
    _subscribed(place, events=["dossier.receive"])
    _receive(place)
    delivery = WebhookDelivery.objects.get()
    receiver.answers = [503] * MAX_ATTEMPTS
    now = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        first = webhook_delivery_attempt(delivery_id=str(delivery.pk), now=now)

    assert (first.state, first.attempts, first.last_status_code) == ("pending", 1, 503)
    assert first.next_attempt_at == now + timedelta(seconds=30)
    queued = DBTaskResult.objects.filter(task_path=TASK, status="READY").order_by("-enqueued_at").first()
    assert queued.run_after == now + timedelta(seconds=30)
    for _attempt in range(MAX_ATTEMPTS - 1):
        with django_capture_on_commit_callbacks(execute=True):
            last = webhook_delivery_attempt(delivery_id=str(delivery.pk), now=now)
    assert (last.state, last.attempts, last.next_attempt_at) == ("failed", MAX_ATTEMPTS, None)
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 7, 20)] == [30, 60, 120, 1920, 21600]


def test_network_errors_count_as_failures(monkeypatch):
    import requests

    from chinhquyen.integrations import webhook_client

    class Down(requests.Session):
        def request(self, *args, **kwargs):
            raise requests.ConnectionError("connection refused")

    monkeypatch.setattr(webhook_client, "session_factory", Down)
    place = place_make()
    _subscribed(place)
    _receive(place)

    delivery = webhook_delivery_attempt(delivery_id=str(WebhookDelivery.objects.first().pk))

    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("pending", 1, None)
    assert delivery.last_error == "ConnectionError: connection refused"


def test_systems_hear_only_of_dossiers_their_account_may_see():
    place, other = place_make("a"), place_make("b")
    _subscribed(place, code="here")
    _subscribed(other, code="elsewhere")

    _receive(place)

    assert set(WebhookDelivery.objects.values_list("subscription__system__code", flat=True)) == {"here"}


def test_the_hook_run_twice_creates_one_delivery():
    place = place_make()
    _subscribed(place)
    dossier = _receive(place)
    event = dossier.events.get(action="receive")

    again = webhook_deliveries_create(dossier_id=dossier.pk, event_id=event.pk, action="receive")

    assert again == []
    assert WebhookDelivery.objects.filter(dossier_event_id=event.pk).count() == 1


def test_a_delivered_delivery_is_not_sent_twice(receiver):
    place = place_make()
    _subscribed(place, events=["dossier.receive"])
    _receive(place)
    delivery = WebhookDelivery.objects.get()

    webhook_delivery_attempt(delivery_id=str(delivery.pk))
    webhook_delivery_attempt(delivery_id=str(delivery.pk))

    assert len(receiver.received) == 1
    assert WebhookDelivery.objects.get().state == DeliveryState.DELIVERED
