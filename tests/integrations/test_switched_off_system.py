"""A system switched off gets nothing sent: the admin's replay is refused, naming the system, and the delivery
task makes no HTTP call (the delivery stays pending, held until the system is switched on: docs/api.md §7)."""

import pytest

from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.models import AuditEntry
from chinhquyen.directory.models import User
from chinhquyen.integrations import tasks
from chinhquyen.integrations.models import DeliveryState, System, WebhookDelivery, WebhookSubscription
from chinhquyen.integrations.services import system_change, webhook_delivery_replay
from tests.api.helpers import system_make
from tests.factories import UserFactory
from tests.integrations.receiver import Receiver
from tests.office.auth_helpers import officer_login

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/integrations/webhookdelivery/"


@pytest.fixture
def receiver(monkeypatch):
    return Receiver().install(monkeypatch)


def _delivery(system: System, *, state: str = DeliveryState.FAILED, attempts: int = 8) -> WebhookDelivery:
    subscription = WebhookSubscription.objects.create(system=system, url="https://hooks.example.vn/in", secret="s")
    return WebhookDelivery.objects.create(
        subscription=subscription,
        event_type="dossier.receive",
        dossier_id=1,
        dossier_event_id=1,
        payload={},
        state=state,
        attempts=attempts,
    )


def _switch_off(system: System) -> None:
    admin = User.objects.get(username="province.admin")
    system_change(by=admin, system=system, name=system.name, contact_email="", is_active=False, managers=[])


def _replays() -> int:
    return AuditEntry.objects.filter(action="integrations.webhook_replay").count()


def _manager(client, *systems: System) -> User:
    manager = UserFactory(username="manager", is_staff=True)
    for system in systems:
        system.managers.add(manager)
    officer_login(client, manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return manager


def test_the_service_refuses_to_replay_a_delivery_of_a_system_switched_off(django_capture_on_commit_callbacks):
    system, _secret = system_make(code="motcua")
    delivery = _delivery(system)
    _switch_off(system)

    with django_capture_on_commit_callbacks(execute=False) as callbacks, pytest.raises(InvalidInput) as refused:
        webhook_delivery_replay(by=system.account, delivery=delivery)

    assert (refused.value.code, refused.value.message) == (
        "system_inactive",
        "Hệ thống motcua đang bị tắt: không thể gửi lại các lượt gửi của hệ thống này cho đến khi được bật lại.",
    )
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, _replays(), len(callbacks)) == (DeliveryState.FAILED, 8, 0, 0)


def test_the_admin_replay_of_a_system_switched_off_is_refused_with_a_message_naming_it(
    client, django_capture_on_commit_callbacks
):
    system, _secret = system_make(code="motcua")
    delivery = _delivery(system)
    _switch_off(system)
    _manager(client, system)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(CHANGELIST, {"action": "replay", "_selected_action": [str(delivery.pk)]}, follow=True)

    messages = [(m.level_tag, m.message) for m in response.context["messages"]]
    assert messages == [
        (
            "error",
            "Hệ thống motcua is switched off: its deliveries cannot be sent again until it is switched on.",
        )
    ]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, _replays(), len(callbacks)) == (DeliveryState.FAILED, 8, 0, 0)


def test_a_replay_of_several_systems_sends_those_switched_on_and_names_each_one_switched_off(
    client, django_capture_on_commit_callbacks
):
    on, _secret = system_make(code="motcua")
    off, _secret = system_make(code="sotuphap")
    off_too, _secret = system_make(code="bhxh")
    kept, refused, refused_too = _delivery(on), _delivery(off), _delivery(off_too)
    for system in (off, off_too):
        _switch_off(system)
    _manager(client, on, off, off_too)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            CHANGELIST,
            {"action": "replay", "_selected_action": [str(d.pk) for d in (kept, refused, refused_too)]},
            follow=True,
        )

    messages = sorted((m.level_tag, m.message) for m in response.context["messages"])
    assert messages == [
        ("error", "Hệ thống bhxh is switched off: its deliveries cannot be sent again until it is switched on."),
        ("error", "Hệ thống sotuphap is switched off: its deliveries cannot be sent again until it is switched on."),
        ("success", "Deliveries queued again: 1."),
    ]
    states = {d.subscription.system.code: (d.state, d.attempts) for d in WebhookDelivery.objects.all()}
    assert states == {"motcua": ("pending", 0), "sotuphap": ("failed", 8), "bhxh": ("failed", 8)}
    assert (_replays(), len(callbacks)) == (1, 1)


def test_the_delivery_task_makes_no_http_call_for_a_system_switched_off(receiver):
    system, _secret = system_make(code="motcua")
    delivery = _delivery(system, state=DeliveryState.PENDING, attempts=0)
    _switch_off(system)

    result = tasks.webhook_deliver.call(str(delivery.pk))

    assert result == {"delivery": str(delivery.pk), "state": "pending"}
    assert receiver.received == []
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_attempt_at, delivery.attempt_log.count()) == (
        DeliveryState.PENDING,
        0,
        None,
        0,
    )


def test_the_replay_of_a_stopped_subscriptions_delivery_is_refused_naming_it(
    client, django_capture_on_commit_callbacks
):
    system, _secret = system_make(code="motcua")
    stopped, kept = _delivery(system), _delivery(system)
    WebhookSubscription.objects.filter(pk=stopped.subscription_id).update(is_active=False)
    _manager(client, system)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            CHANGELIST, {"action": "replay", "_selected_action": [str(stopped.pk), str(kept.pk)]}, follow=True
        )

    messages = sorted((m.level_tag, m.message) for m in response.context["messages"])
    assert messages == [
        (
            "error",
            "The subscription of Hệ thống motcua to https://hooks.example.vn/in is stopped: "
            "its deliveries cannot be sent again.",
        ),
        ("success", "Deliveries queued again: 1."),
    ]
    with pytest.raises(InvalidInput) as refused:
        webhook_delivery_replay(by=system.account, delivery=WebhookDelivery.objects.get(pk=stopped.pk))
    assert refused.value.code == "subscription_inactive"
    states = {d.pk: (d.state, d.attempts) for d in WebhookDelivery.objects.all()}
    assert states == {stopped.pk: ("failed", 8), kept.pk: ("pending", 0)}
    assert (_replays(), len(callbacks)) == (1, 1)
