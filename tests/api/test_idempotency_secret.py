"""A response with a secret shown once is kept without it, and a retry with its key is refused, not replayed."""

import json

import pytest

from chinhquyen.integrations.models import IdempotencyRecord, WebhookSubscription
from tests.api.helpers import api_client, post_json, system_make

pytestmark = pytest.mark.django_db

SUBSCRIPTION = {"url": "https://hooks.example.vn/in", "events": ["dossier.receive"]}


def _subscribe(client, key: str | None = "sub-1", body=SUBSCRIPTION):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post("/api/v1/webhooks", json.dumps(body), content_type="application/json", headers=headers)


def test_the_webhook_secret_is_not_kept_for_a_retry():
    _system, key = system_make(scopes=("webhooks:manage",))
    client = api_client(key)

    first = _subscribe(client)
    again = _subscribe(client)

    subscription = WebhookSubscription.objects.get()
    record = IdempotencyRecord.objects.get()
    assert first.status_code == 201
    assert first.json()["secret"] == subscription.secret
    assert subscription.secret not in record.response_body
    assert json.loads(record.response_body) == {k: v for k, v in first.json().items() if k != "secret"}
    assert again.status_code == 409
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == {
        "code": "idempotency_secret_shown_once",
        "message": (
            "The first request with this Idempotency-Key succeeded, and its response held a secret that is shown "
            "only once. If you did not keep it, undo what that request made and send a new request with a new key."
        ),
        "field": "Idempotency-Key",
        "errors": [],
    }
    assert WebhookSubscription.objects.count() == 1


def test_the_same_key_with_another_request_is_still_a_reused_key():
    _system, key = system_make(scopes=("webhooks:manage",))
    client = api_client(key)
    _subscribe(client)

    other = _subscribe(client, body={**SUBSCRIPTION, "events": []})

    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")


def test_without_a_key_the_secret_is_shown_and_nothing_is_kept():
    _system, key = system_make(scopes=("webhooks:manage",))

    response = _subscribe(api_client(key), key=None)

    assert (response.status_code, len(response.json()["secret"])) == (201, 43)
    assert IdempotencyRecord.objects.count() == 0


def test_an_operation_without_a_secret_still_replays_its_response():
    _system, key = system_make(scopes=("webhooks:manage",))
    client = api_client(key)
    created = _subscribe(client).json()
    url = f"/api/v1/webhooks/{created['id']}/unsubscribe"

    first = post_json(client, url, **{"Idempotency-Key": "stop-1"})
    again = post_json(client, url, **{"Idempotency-Key": "stop-1"})

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
