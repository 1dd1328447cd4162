"""Webhook signing secrets encrypted at rest: never in the column in clear, still signing, rotated, migrated."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from chinhquyen.core.crypto import SecretUndecryptable
from chinhquyen.core.models import AuditEntry
from chinhquyen.integrations.models import DeliveryState, WebhookDelivery, WebhookSubscription
from chinhquyen.integrations.services import webhook_delivery_attempt, webhook_subscribe
from tests.api.helpers import system_make
from tests.integrations.receiver import Receiver, signature_valid

OLD_KEY = "b2xkLWtleS1vbGQta2V5LW9sZC1rZXktb2xkLWtleS0="
NEW_KEY = "bmV3LWtleS1uZXcta2V5LW5ldy1rZXktbmV3LWtleS0="
TABLE = "integrations_webhooksubscription"


def _stored(pk: int) -> str:
    """The secret column as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT secret FROM {TABLE} WHERE id = %s", [pk])  # noqa: S608 - a constant table name
        return str(cursor.fetchone()[0])


def _subscribe() -> WebhookSubscription:
    system, _key = system_make(code="motcua")
    return webhook_subscribe(by=system.account, system=system, url="https://hooks.example.vn/in", events=[])


def _send(subscription: WebhookSubscription, receiver: Receiver, n: int = 1) -> None:
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event_type="dossier.receive",
        dossier_id=1,
        dossier_event_id=n,
        payload={"type": "dossier.receive"},
    )
    assert webhook_delivery_attempt(delivery_id=str(delivery.pk)).state == DeliveryState.DELIVERED


def _signed_with(secret: str, receiver: Receiver) -> bool:
    sent = receiver.received[-1]
    return signature_valid(
        secret=secret,
        timestamp=sent.headers["X-Chinhquyen-Timestamp"],
        body=sent.body,
        signature=sent.headers["X-Chinhquyen-Signature"],
    )


@pytest.fixture
def receiver(monkeypatch):
    return Receiver().install(monkeypatch)


@pytest.mark.django_db
def test_the_column_holds_a_fernet_token_not_the_secret(settings):
    settings.FIELD_ENCRYPTION_KEY = [NEW_KEY]

    subscription = _subscribe()

    plain = subscription.secret
    stored = _stored(subscription.pk)
    assert len(plain) == 43
    assert plain not in stored
    assert stored.startswith("gAAAAA")  # a Fernet token (version byte 0x80)
    assert Fernet(NEW_KEY.encode()).decrypt(stored.encode()).decode() == plain
    assert WebhookSubscription.objects.get().secret == plain
    assert WebhookSubscription.objects.values_list("secret", flat=True).get() == plain


@pytest.mark.django_db
def test_deliveries_are_signed_with_the_plain_secret(settings, receiver):
    settings.FIELD_ENCRYPTION_KEY = [NEW_KEY]
    subscription = _subscribe()

    _send(WebhookSubscription.objects.get(pk=subscription.pk), receiver)

    assert _signed_with(subscription.secret, receiver)
    assert not _signed_with(_stored(subscription.pk), receiver)


@pytest.mark.django_db
def test_a_rotated_key_still_decrypts_until_the_secrets_are_re_encrypted(settings, receiver):
    settings.FIELD_ENCRYPTION_KEY = [OLD_KEY]
    subscription = _subscribe()
    settings.FIELD_ENCRYPTION_KEY = [NEW_KEY, OLD_KEY]

    _send(subscription, receiver, n=1)
    assert _signed_with(subscription.secret, receiver)
    out = io.StringIO()
    call_command("webhook_secrets_reencrypt", stdout=out)
    settings.FIELD_ENCRYPTION_KEY = [NEW_KEY]
    _send(subscription, receiver, n=2)

    assert _signed_with(subscription.secret, receiver)
    assert out.getvalue() == "re-encrypted 1 webhook secrets\n"
    assert Fernet(NEW_KEY.encode()).decrypt(_stored(subscription.pk).encode()).decode() == subscription.secret
    entry = AuditEntry.objects.filter(action="integrations.webhook_secrets_reencrypt").get()
    assert (entry.target, entry.data) == ("webhooks", {"subscriptions": 1})


@pytest.mark.django_db
def test_dropping_a_key_before_re_encrypting_fails_loudly(settings):
    settings.FIELD_ENCRYPTION_KEY = [OLD_KEY]
    subscription = _subscribe()
    settings.FIELD_ENCRYPTION_KEY = [NEW_KEY]

    with pytest.raises(SecretUndecryptable):
        WebhookSubscription.objects.get(pk=subscription.pk)


@pytest.mark.django_db
def test_the_admin_never_shows_the_secret(admin_client):
    subscription = _subscribe()

    listing = admin_client.get("/admin/integrations/webhooksubscription/").content.decode()
    page = admin_client.get(f"/admin/integrations/webhooksubscription/{subscription.pk}/change/")

    assert page.status_code == 200
    assert "https://hooks.example.vn/in" in page.content.decode()
    assert subscription.secret not in page.content.decode()
    assert subscription.secret not in listing
    assert _stored(subscription.pk) not in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_secrets_and_its_reverse_decrypts_them():
    system, _key = system_make(code="cu")
    executor = MigrationExecutor(connection)
    executor.migrate([("integrations", "0001_initial")])
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (system_id, url, secret, events, is_active, created_at)"  # noqa: S608
                " VALUES (%s, %s, %s, %s, %s, CURRENT_TIMESTAMP)",
                [system.pk, "https://old.example.vn/", "plain-secret-from-before", "[]", True],
            )
            cursor.execute(f"SELECT id FROM {TABLE}")  # noqa: S608
            pk = cursor.fetchone()[0]

        executor = MigrationExecutor(connection)
        executor.migrate([("integrations", "0002_webhook_secret_encrypted")])
        encrypted = _stored(pk)
        assert "plain-secret-from-before" not in encrypted
        assert WebhookSubscription.objects.get(pk=pk).secret == "plain-secret-from-before"

        executor = MigrationExecutor(connection)
        executor.migrate([("integrations", "0001_initial")])
        assert _stored(pk) == "plain-secret-from-before"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
