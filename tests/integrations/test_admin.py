"""The admin: province admins issue keys (shown once) and revoke them; managers see their deliveries."""

import hashlib
import re

import pytest

from chinhquyen.directory.services import staff_role_grant
from chinhquyen.integrations.models import ApiKey, DeliveryState, System, WebhookDelivery, WebhookSubscription
from tests.api.helpers import admin_user, system_make
from tests.factories import AgencyFactory, UserFactory
from tests.office.auth_helpers import officer_login

pytestmark = pytest.mark.django_db


def _admin_client(client, user):
    officer_login(client, user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_a_province_admin_creates_a_system_and_issues_a_key_shown_once(client):
    admin = admin_user()
    _admin_client(client, admin)

    client.post("/admin/integrations/system/add/", {"code": "motcua-xa", "name": "Một cửa xã", "is_active": "on"})
    system = System.objects.get()
    response = client.post(
        "/admin/integrations/apikey/add/",
        {"system": system.pk, "name": "prod", "scopes": ["dossiers:read", "dossiers:submit"]},
        follow=True,
    )

    key = ApiKey.objects.get()
    [shown] = [str(m) for m in response.context["messages"] if str(m).startswith("Copy this secret")]
    secret = re.search(r"(cqk_\S+)$", shown).group(1)
    assert system.account.username == "system.motcua-xa"
    assert key.scopes == ["dossiers:read", "dossiers:submit"]
    assert shown.startswith("Copy this secret now; it is not stored and will not be shown again: ")
    assert hashlib.sha256(secret.encode()).hexdigest() == key.secret_hash
    page = client.get(f"/admin/integrations/apikey/{key.pk}/change/").content.decode()
    assert key.prefix in page
    assert key.secret_hash not in page


def test_revoking_from_the_admin(client):
    admin = admin_user()
    system_make()
    _admin_client(client, admin)
    key = ApiKey.objects.get()

    client.post("/admin/integrations/apikey/", {"action": "revoke", "_selected_action": [key.pk]}, follow=True)

    assert ApiKey.objects.get().revoked_by == admin


def test_an_officer_without_the_province_admin_role_does_not_see_keys(client):
    officer = UserFactory(is_staff=True)
    staff_role_grant(user=officer, agency=AgencyFactory(), role="front_desk")
    _admin_client(client, officer)

    assert client.get("/admin/integrations/apikey/").status_code == 403


def _delivery(system):
    subscription = WebhookSubscription.objects.create(system=system, url="https://x.example.vn/", secret="s")
    return WebhookDelivery.objects.create(
        subscription=subscription,
        event_type="dossier.receive",
        dossier_id=1,
        dossier_event_id=1,
        payload={},
        state=DeliveryState.FAILED,
        attempts=8,
    )


def test_a_systems_manager_sees_its_deliveries_only_and_replays_them(client, django_capture_on_commit_callbacks):
    mine, _ = system_make(code="mine")
    theirs, _ = system_make(code="theirs")
    manager = UserFactory(is_staff=True)
    mine.managers.add(manager)
    own, other = _delivery(mine), _delivery(theirs)
    _admin_client(client, manager)

    listing = client.get("/admin/integrations/webhookdelivery/").content.decode()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            "/admin/integrations/webhookdelivery/", {"action": "replay", "_selected_action": [str(own.pk)]}, follow=True
        )

    assert f"/admin/integrations/webhookdelivery/{own.pk}/change/" in listing
    assert str(other.pk) not in listing
    own.refresh_from_db()
    assert (own.state, own.attempts) == ("pending", 0)
    assert len(callbacks) == 1
    assert client.get("/admin/integrations/apikey/").status_code == 403


def test_the_admin_refuses_a_key_that_would_be_issued_already_expired(client):
    admin = admin_user()
    system, _secret = system_make()
    _admin_client(client, admin)
    before = ApiKey.objects.count()

    response = client.post(
        "/admin/integrations/apikey/add/",
        {
            "system": system.pk,
            "name": "old",
            "scopes": ["dossiers:read"],
            "expires_at_0": "2020-01-01",
            "expires_at_1": "00:00:00",
        },
    )

    assert response.status_code == 200
    assert [e.code for e in response.context["adminform"].form.errors.as_data()["expires_at"]] == ["expires_in_past"]
    assert ApiKey.objects.count() == before


def test_a_province_admin_opens_the_webhook_pages_before_any_system_exists(client):
    _admin_client(client, admin_user())

    pages = [client.get(f"/admin/integrations/{name}/") for name in ("webhooksubscription", "webhookdelivery")]

    assert [page.status_code for page in pages] == [200, 200]
    assert System.objects.count() == 0
