"""Every webhook attempt is kept (docs/api.md §7); a replay keeps the history and gets a fresh budget; events
that happen while a system is switched off are held for it, not dropped."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chinhquyen.core.models import AuditEntry
from chinhquyen.dossiers import services
from chinhquyen.integrations import webhook_client
from chinhquyen.integrations.models import DeliveryState, WebhookAttempt, WebhookDelivery
from chinhquyen.integrations.services import (
    system_change,
    webhook_deliveries_requeue_due,
    webhook_delivery_attempt,
    webhook_delivery_replay,
    webhook_subscribe,
)
from chinhquyen.integrations.services import webhooks as webhooks_module
from chinhquyen.integrations.services.webhooks import MAX_ATTEMPTS, backoff
from chinhquyen.integrations.webhook_client import SendResult
from tests.api.helpers import place_make, system_make
from tests.dossiers.outbox import committed
from tests.factories import CitizenFactory, UserFactory
from tests.integrations.receiver import Receiver
from tests.office.auth_helpers import officer_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(monkeypatch):
    return Receiver().install(monkeypatch)


@pytest.fixture
def queued(monkeypatch):
    """The deliveries' tasks queued (their run_after), instead of the task queue."""
    runs: list[object] = []
    monkeypatch.setattr(webhooks_module, "_enqueue", lambda d, run_after=None: runs.append(run_after))
    return runs


@pytest.fixture
def _each_send_takes_40_ms(monkeypatch):
    ticks = iter(x / 1000 for x in range(0, 10_000, 40))
    monkeypatch.setattr(webhooks_module, "perf_counter", lambda: next(ticks))


def _subscribed(place, code="motcua", roles=None):
    system, _secret = system_make(code=code, roles=((place.agency, "supervisor"),) if roles is None else roles)
    webhook_subscribe(by=system.account, system=system, url="https://hooks.example.vn/in", events=["dossier.receive"])
    return system


def _switch(system, *, on: bool) -> None:
    admin = system.keys.first().created_by
    system_change(by=admin, system=system, name=system.name, contact_email="", is_active=on, managers=[])


def _receive(place):
    with committed():
        draft = services.dossier_create_at_counter(
            by=place.front_desk, procedure=place.procedure, applicant=CitizenFactory()
        )
        return services.dossier_receive(by=place.front_desk, dossier=draft)


def _attempts(delivery):
    return list(delivery.attempt_log.order_by("at", "pk").values_list("at", "status_code", "error", "latency_ms"))


@pytest.mark.usefixtures("_each_send_takes_40_ms")
def test_every_attempt_is_kept_with_its_time_status_error_and_latency(receiver, queued):
    place = place_make()
    _subscribed(place)
    _receive(place)
    delivery = WebhookDelivery.objects.get()
    receiver.answers = [500, 503]
    now = timezone.now()

    for minutes in (0, 1, 2):
        webhook_delivery_attempt(delivery_id=str(delivery.pk), now=now + timedelta(minutes=minutes))

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == (DeliveryState.DELIVERED, 3, 200)
    assert _attempts(delivery) == [
        (now, 500, "try later", 40),
        (now + timedelta(minutes=1), 503, "try later", 40),
        (now + timedelta(minutes=2), 200, "", 40),
    ]


@pytest.mark.usefixtures("_each_send_takes_40_ms")
def test_an_attempt_without_a_response_is_kept_as_no_response(monkeypatch, queued):
    place = place_make()
    _subscribed(place)
    _receive(place)
    delivery = WebhookDelivery.objects.get()
    monkeypatch.setattr(webhook_client, "webhook_post", lambda **kwargs: SendResult(status_code=None))
    now = timezone.now()

    webhook_delivery_attempt(delivery_id=str(delivery.pk), now=now)

    assert _attempts(delivery) == [(now, None, "no response", 40)]


@pytest.mark.usefixtures("_each_send_takes_40_ms")
def test_a_late_failure_after_another_attempt_delivered_is_kept_and_undoes_nothing(monkeypatch, queued):
    place = place_make()
    _subscribed(place)
    _receive(place)
    delivery = WebhookDelivery.objects.get()
    now = timezone.now()

    def post(*, url, body, headers):
        # Meanwhile another attempt (a replay's) reached the receiver and recorded the delivery.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.DELIVERED, next_attempt_at=None)
        return SendResult(status_code=503, error="busy")

    monkeypatch.setattr(webhook_client, "webhook_post", post)

    webhook_delivery_attempt(delivery_id=str(delivery.pk), now=now)

    assert WebhookDelivery.objects.get().state == DeliveryState.DELIVERED
    assert _attempts(delivery) == [(now, 503, "busy", 40)]
    assert queued == [None]  # the creation's task only: no retry queued


def test_an_attempt_costs_one_insert_more_than_the_outcome(receiver, queued, django_assert_num_queries):
    place = place_make()
    _subscribed(place)
    _receive(place)
    delivery = WebhookDelivery.objects.get()

    # Load the delivery, claim it, then record the outcome and the attempt in one transaction.
    with django_assert_num_queries(6):
        webhook_delivery_attempt(delivery_id=str(delivery.pk))

    assert WebhookAttempt.objects.count() == 1


def test_an_attempt_is_never_changed_once_written(receiver, queued):
    place = place_make()
    _subscribed(place)
    _receive(place)
    webhook_delivery_attempt(delivery_id=str(WebhookDelivery.objects.get().pk))
    attempt = WebhookAttempt.objects.get()

    attempt.status_code = 503
    with pytest.raises(ValueError, match="never changed"):
        attempt.save()
    with pytest.raises(ValueError, match="never changed"):
        WebhookAttempt.objects.update(status_code=503)
    assert WebhookAttempt.objects.get().status_code == 200


def test_a_replay_keeps_the_history_records_what_it_replaced_and_gets_a_fresh_budget(receiver, queued):
    place = place_make()
    system = _subscribed(place)
    _receive(place)
    delivery = WebhookDelivery.objects.get()
    receiver.answers = [500] * (MAX_ATTEMPTS + 1)
    now = timezone.now()
    for _attempt in range(MAX_ATTEMPTS):
        webhook_delivery_attempt(delivery_id=str(delivery.pk), now=now)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, MAX_ATTEMPTS)

    webhook_delivery_replay(by=system.account, delivery=delivery)
    later = now + timedelta(hours=1)
    again = webhook_delivery_attempt(delivery_id=str(delivery.pk), now=later)

    entry = AuditEntry.objects.filter(action="integrations.webhook_replay").get()
    assert entry.data == {
        "delivery": str(delivery.pk),
        "event_type": "dossier.receive",
        "previous_state": "failed",
        "previous_attempts": MAX_ATTEMPTS,
        "last_status_code": 500,
    }
    assert (again.state, again.attempts, again.next_attempt_at) == (DeliveryState.PENDING, 1, later + backoff(1))
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == MAX_ATTEMPTS + 1


def test_the_delivery_admin_shows_every_attempt_read_only(client, receiver, queued):
    place = place_make()
    system = _subscribed(place)
    _receive(place)
    delivery = WebhookDelivery.objects.get()
    receiver.answers = [502]
    webhook_delivery_attempt(delivery_id=str(delivery.pk))
    webhook_delivery_attempt(delivery_id=str(delivery.pk), now=timezone.now() + timedelta(minutes=1))
    manager = UserFactory(is_staff=True)
    system.managers.add(manager)
    officer_login(client, manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    page = client.get(f"/admin/integrations/webhookdelivery/{delivery.pk}/change/")

    assert page.status_code == 200
    [inline] = page.context["inline_admin_formsets"]
    assert inline.formset.queryset.count() == 2
    assert (inline.has_add_permission, inline.has_change_permission, inline.has_delete_permission) == (
        False,
        False,
        False,
    )
    assert "try later" in page.content.decode()


def test_an_event_while_a_system_is_off_is_held_for_it_and_sent_once_it_is_on(receiver):
    """system_change: 'A system switched off has ... its webhooks held'."""
    place = place_make()
    system = _subscribed(place)
    _switch(system, on=False)

    _receive(place)
    held = WebhookDelivery.objects.get()
    swept_while_off = webhook_deliveries_requeue_due(now=timezone.now() + timedelta(minutes=5))
    _switch(system, on=True)
    swept_when_on = webhook_deliveries_requeue_due(now=timezone.now() + timedelta(minutes=5))
    sent = webhook_delivery_attempt(delivery_id=str(held.pk))

    assert (held.state, held.attempts, held.last_attempt_at) == (DeliveryState.PENDING, 0, None)
    assert (swept_while_off, swept_when_on) == (0, 1)
    assert (sent.state, len(receiver.received)) == (DeliveryState.DELIVERED, 1)


def test_a_held_delivery_is_not_queued_while_the_system_is_off(queued):
    place = place_make()
    system = _subscribed(place)
    _switch(system, on=False)

    _receive(place)

    assert WebhookDelivery.objects.count() == 1
    assert queued == []


def test_a_system_switched_off_still_hears_only_of_dossiers_its_account_may_see():
    place, other = place_make("a"), place_make("b")
    here = _subscribed(place, code="here")
    elsewhere = _subscribed(other, code="elsewhere")
    nowhere = _subscribed(place, code="nowhere", roles=())
    for system in (here, elsewhere, nowhere):
        _switch(system, on=False)

    _receive(place)

    assert list(WebhookDelivery.objects.values_list("subscription__system__code", flat=True)) == ["here"]
