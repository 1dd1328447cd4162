"""Switching a system off or on and changing its managers are audited; a system off gets no webhooks."""

import pytest

from chinhquyen.core.errors import NotAllowed
from chinhquyen.core.models import AuditEntry
from chinhquyen.directory.models import User
from chinhquyen.integrations.models import DeliveryState, System, WebhookDelivery
from chinhquyen.integrations.services import system_change, webhook_delivery_attempt, webhook_subscribe
from tests.api.helpers import admin_user, system_make
from tests.factories import UserFactory
from tests.integrations.receiver import Receiver
from tests.office.auth_helpers import officer_login

pytestmark = pytest.mark.django_db


def _entries(system: System) -> list[tuple[str, dict]]:
    rows = AuditEntry.objects.filter(target=f"system:{system.pk}", action="integrations.system_change")
    return list(rows.order_by("sequence").values_list("actor_name", "data"))


def _form(**values):
    form = {"name": "Một cửa xã", "contact_email": "", "managers": [], "is_active": "on"}
    form.update(values)
    return {k: v for k, v in form.items() if v is not None}


def test_switching_a_system_off_and_on_and_its_managers_in_the_admin_are_audited(client):
    admin = admin_user()
    system, _secret = system_make(code="motcua")
    lan, minh = UserFactory(username="lan", is_staff=True), UserFactory(username="minh", is_staff=True)
    officer_login(client, admin)
    url = f"/admin/integrations/system/{system.pk}/change/"

    off = client.post(url, _form(is_active=None, managers=[lan.pk, minh.pk]))
    on = client.post(url, _form(managers=[minh.pk]))

    system.refresh_from_db()
    assert (off.status_code, on.status_code) == (302, 302)
    assert (system.is_active, list(system.managers.values_list("username", flat=True))) == (True, ["minh"])
    assert _entries(system) == [
        (
            "province.admin",
            {
                "code": "motcua",
                "changed": {"name": ["Hệ thống motcua", "Một cửa xã"], "is_active": [True, False]},
                "managers_added": ["lan", "minh"],
                "managers_removed": [],
            },
        ),
        (
            "province.admin",
            {
                "code": "motcua",
                "changed": {"is_active": [False, True]},
                "managers_added": [],
                "managers_removed": ["lan"],
            },
        ),
    ]


def test_a_system_created_with_managers_in_the_admin_records_them(client):
    admin = admin_user()
    lan = UserFactory(username="lan", is_staff=True)
    officer_login(client, admin)

    client.post("/admin/integrations/system/add/", {**_form(managers=[lan.pk]), "code": "motcua"})

    system = System.objects.get()
    actions = AuditEntry.objects.filter(target=f"system:{system.pk}").order_by("sequence")
    assert list(actions.values_list("action", "data")) == [
        ("integrations.system_create", {"code": "motcua"}),
        (
            "integrations.system_change",
            {"code": "motcua", "changed": {}, "managers_added": ["lan"], "managers_removed": []},
        ),
    ]
    assert list(system.managers.all()) == [lan]


def test_saving_a_system_unchanged_writes_nothing():
    system, _secret = system_make(code="motcua")

    system_change(
        by=User.objects.get(username="province.admin"),
        system=system,
        name=system.name,
        contact_email="",
        is_active=True,
        managers=[],
    )

    assert _entries(system) == []


def test_only_a_province_administrator_changes_a_system():
    system, _secret = system_make(code="motcua")
    officer = UserFactory(username="canbo", is_staff=True)

    with pytest.raises(NotAllowed):
        system_change(by=officer, system=system, name="X", contact_email="", is_active=False, managers=[officer])

    system.refresh_from_db()
    assert (system.is_active, system.name, system.managers.count()) == (True, "Hệ thống motcua", 0)


def test_a_delivery_queued_before_the_system_was_switched_off_is_not_sent(monkeypatch):
    receiver = Receiver().install(monkeypatch)
    system, _secret = system_make(code="motcua")
    subscription = webhook_subscribe(by=system.account, system=system, url="https://hooks.example.vn/in", events=[])
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event_type="dossier.receive", dossier_id=1, dossier_event_id=1, payload={}
    )
    admin = User.objects.get(username="province.admin")
    system_change(by=admin, system=system, name=system.name, contact_email="", is_active=False, managers=[])

    held = webhook_delivery_attempt(delivery_id=str(delivery.pk))

    assert receiver.received == []
    assert (held.state, held.attempts, held.last_attempt_at) == (DeliveryState.PENDING, 0, None)
    system_change(by=admin, system=system, name=system.name, contact_email="", is_active=True, managers=[])
    sent = webhook_delivery_attempt(delivery_id=str(delivery.pk))
    assert (len(receiver.received), sent.state) == (1, DeliveryState.DELIVERED)
