"""Audit fixes: a malformed webhook URL is refused, not a server error; held deliveries are not re-queued; the
event types are those sent; times are Vietnam's; a slow or endless answer does not hold the worker."""

import ast
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from chinhquyen import dossiers
from chinhquyen.directory.models import User
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import DossierEvent
from chinhquyen.integrations import webhook_client
from chinhquyen.integrations.models import DeliveryState, WebhookDelivery, WebhookSubscription
from chinhquyen.integrations.services import system_change, webhook_subscribe, webhook_unsubscribe
from chinhquyen.integrations.services.webhooks import (
    EVENT_TYPES,
    webhook_deliveries_requeue_due,
    webhook_delivery_attempt,
)
from tests.api.helpers import api_client, place_make, post_json, system_make
from tests.dossiers.outbox import committed
from tests.factories import CitizenFactory

from .receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "https://[::1/in",
        "https://[hooks.example.vn]/in",
        "https://hooks.example.vn:99999/in",
        "https://hooks.example.vn:port/in",
    ],
    ids=["unclosed-bracket", "bracketed-name", "port-out-of-range", "port-not-a-number"],
)
def test_a_malformed_webhook_url_is_refused_on_its_field(url):
    _system, secret = system_make(scopes=("webhooks:manage",))
    client = api_client(secret)
    client.raise_request_exception = False

    response = post_json(client, "/api/v1/webhooks", {"url": url, "events": []})

    body = response.json()
    assert (response.status_code, body["code"], body["field"], body["message"]) == (
        422,
        "webhook_url",
        "url",
        "The webhook URL is not a valid address.",
    )
    assert WebhookSubscription.objects.count() == 0


def _pending_delivery():
    """A system subscribed to receptions, and the pending delivery of one received dossier."""
    place = place_make()
    system, _secret = system_make(code="motcua", roles=((place.agency, "supervisor"),))
    subscription = webhook_subscribe(
        by=system.account, system=system, url="https://hooks.example.vn/in", events=["dossier.receive"]
    )
    with committed():
        draft = services.dossier_create_at_counter(
            by=place.front_desk, procedure=place.procedure, applicant=CitizenFactory()
        )
        services.dossier_receive(by=place.front_desk, dossier=draft)
    assert WebhookDelivery.objects.filter(state=DeliveryState.PENDING).count() == 1
    return system, subscription


def _sweeps() -> list[int]:
    later = timezone.now() + timedelta(hours=1)
    return [webhook_deliveries_requeue_due(now=later + timedelta(hours=i)) for i in range(3)]


def test_an_overdue_delivery_of_an_active_subscription_is_requeued():
    _pending_delivery()

    assert _sweeps() == [1, 1, 1]


def test_the_deliveries_of_a_stopped_subscription_are_not_requeued():
    system, subscription = _pending_delivery()

    webhook_unsubscribe(by=system.account, subscription=subscription)

    assert _sweeps() == [0, 0, 0]
    assert WebhookDelivery.objects.get().state == DeliveryState.PENDING


def test_the_deliveries_of_a_system_switched_off_are_held_and_resume_when_it_is_switched_on():
    system, _subscription = _pending_delivery()
    admin = User.objects.get(username="province.admin")  # system_make's

    def switch(on: bool) -> None:
        system_change(by=admin, system=system, name=system.name, contact_email="", is_active=on, managers=[])

    switch(False)
    held = _sweeps()
    switch(True)

    assert (held, _sweeps()) == ([0, 0, 0], [1, 1, 1])


# --- A URL with a control character or a space ------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["https://example.com/hook\x00", "https://example.com/a\nb", "https://example.com/a b", "https://exa\tmple.com/"],
    ids=["nul", "newline", "space", "tab"],
)
def test_a_webhook_url_with_a_control_character_or_a_space_is_refused(url):
    _system, secret = system_make(scopes=("webhooks:manage",))

    response = post_json(api_client(secret), "/api/v1/webhooks", {"url": url, "events": []})

    assert (response.status_code, response.json()["code"], response.json()["field"]) == (422, "webhook_url", "url")
    assert WebhookSubscription.objects.count() == 0


# --- The event types: exactly those sent -------------------------------------------------------

POSTAL_TYPES = [
    "dossier.postal_delivered",
    "dossier.postal_returned_to_sender",
    "dossier.postal_cancelled",
    "dossier.postal_pickup_arrived",
    "dossier.postal_pickup_failed",
    "dossier.postal_pickup_called_off",
]


def test_a_system_may_subscribe_to_the_postal_events_alone():
    system, _secret = system_make()

    subscription = webhook_subscribe(
        by=system.account, system=system, url="https://hooks.example.vn/in", events=POSTAL_TYPES
    )

    assert subscription.events == sorted(POSTAL_TYPES)


def test_the_event_types_are_the_timeline_rows_a_dossier_gets():
    """Every action the dossier services write a timeline row for (the table's and the postal partner's updates),
    and no other: a counter draft discarded is deleted, with no row to send."""
    writers = {"transition_apply", "event_write", "postal_update_record", "DossierEvent"}
    written = set()
    for path in (Path(dossiers.__file__).parent / "services").glob("*.py"):
        for call in ast.walk(ast.parse(path.read_text())):
            name = getattr(call, "func", None)
            if not isinstance(call, ast.Call) or getattr(name, "id", getattr(name, "attr", "")) not in writers:
                continue
            for keyword in (k for k in call.keywords if k.arg == "action"):
                value = keyword.value
                values = [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]
                written |= {v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)}

    assert set(POSTAL_TYPES) <= {f"dossier.{action}" for action in written}
    assert {f"dossier.{action}" for action in written} <= set(EVENT_TYPES)
    assert {"dossier.release", "dossier.calendar_retime", "dossier.pickup_request"} <= set(EVENT_TYPES)
    assert "dossier.draft_discard" not in EVENT_TYPES


def test_a_system_may_subscribe_to_a_mergers_change_of_receiving_agency():
    # Written beside the hand-over (a constant, not a literal: the scan above does not see it).
    system, _secret = system_make()

    subscription = webhook_subscribe(
        by=system.account, system=system, url="https://hooks.example.vn/in", events=["dossier.receiving_agency_change"]
    )

    assert subscription.events == ["dossier.receiving_agency_change"]


# --- Times in Vietnam's time --------------------------------------------------------------------


def test_a_delivery_gives_its_times_in_vietnam_time(monkeypatch):
    receiver = Receiver().install(monkeypatch)
    _system, _subscription = _pending_delivery()
    delivery = WebhookDelivery.objects.get()
    event = DossierEvent.objects.get(pk=delivery.dossier_event_id)
    vietnam = ZoneInfo("Asia/Ho_Chi_Minh")

    webhook_delivery_attempt(delivery_id=str(delivery.pk))

    sent = receiver.received[0].json
    assert sent["event"]["at"] == event.at.astimezone(vietnam).isoformat()
    assert sent["created_at"] == delivery.created_at.astimezone(vietnam).isoformat()
    assert sent["event"]["at"].endswith("+07:00")
    assert sent["created_at"].endswith("+07:00")


# --- A receiver that answers slowly or at length ----------------------------------------------


def _receiver_on_this_machine(answer: Callable[[socket.socket], None]) -> int:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def serve() -> None:
        conn, _address = server.accept()
        conn.recv(65536)
        try:
            answer(conn)
        except OSError:
            pass  # the client closed the connection: what the test wants
        conn.close()
        server.close()

    threading.Thread(target=serve, daemon=True).start()
    return server.getsockname()[1]


def _dripping(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 1000\r\n\r\n")
    for _second in range(12):  # a byte a second: each read is answered well within the timeout
        time.sleep(1)
        conn.sendall(b"x")


def _chunked_forever(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        conn.sendall(b"100\r\n" + b"y" * 256 + b"\r\n")


def test_a_receiver_dripping_its_answer_is_cut_off_at_the_timeout(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # the receiver is on this machine
    monkeypatch.setattr(webhook_client, "TIMEOUT_SECONDS", 2)
    port = _receiver_on_this_machine(_dripping)

    result = webhook_client.webhook_post(url=f"http://127.0.0.1:{port}/hook", body=b"{}", headers={})

    assert (result.status_code, result.ok) == (None, False)
    assert result.error == "TotalTimeout: no complete answer within 2 s"


def test_only_the_first_kilobyte_of_an_endless_refusal_is_read(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    port = _receiver_on_this_machine(_chunked_forever)

    result = webhook_client.webhook_post(url=f"http://127.0.0.1:{port}/hook", body=b"{}", headers={})

    assert result == webhook_client.SendResult(status_code=500, error="y" * 1000)


def test_a_timed_out_attempt_is_retried_as_documented(monkeypatch):
    _pending_delivery()
    delivery = WebhookDelivery.objects.get()
    timed_out = webhook_client.SendResult(status_code=None, error="TotalTimeout: no complete answer within 10 s")
    monkeypatch.setattr(webhook_client, "webhook_post", lambda **_kwargs: timed_out)

    attempted = webhook_delivery_attempt(delivery_id=str(delivery.pk))

    assert (attempted.state, attempted.attempts, attempted.last_status_code, attempted.last_error) == (
        DeliveryState.PENDING,
        1,
        None,
        "TotalTimeout: no complete answer within 10 s",
    )
    assert attempted.next_attempt_at == attempted.last_attempt_at + timedelta(seconds=30)
