"""Audit fixes: a malformed webhook URL is refused, not a server error; held deliveries are not re-queued."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chinhquyen.directory.models import User
from chinhquyen.dossiers import services
from chinhquyen.integrations.models import DeliveryState, WebhookDelivery, WebhookSubscription
from chinhquyen.integrations.services import system_change, webhook_subscribe, webhook_unsubscribe
from chinhquyen.integrations.services.webhooks import webhook_deliveries_requeue_due
from tests.api.helpers import api_client, place_make, post_json, system_make
from tests.dossiers.outbox import committed
from tests.factories import CitizenFactory

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
