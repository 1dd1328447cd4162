"""dumpdata writes encrypted secrets as Fernet tokens, never in clear; loaddata restores the same secret."""

import io
import json

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.utils import translation

from chinhquyen.core.crypto import looks_like_token
from chinhquyen.integrations.models import WebhookSubscription
from chinhquyen.integrations.services import webhook_subscribe
from tests.api.helpers import system_make

pytestmark = pytest.mark.django_db

OLD_KEY = "b2xkLWtleS1vbGQta2V5LW9sZC1rZXktb2xkLWtleS0="
NEW_KEY = "bmV3LWtleS1uZXcta2V5LW5ldy1rZXktbmV3LWtleS0="
MODEL = "integrations.webhooksubscription"
PLAIN_REFUSED = "Expected the encrypted value dumpdata writes (a Fernet token): fixtures never hold a secret in clear."
KEY_MISSING = (
    "This encrypted value matches none of the FIELD_ENCRYPTION_KEY keys: add the key of the installation it was "
    "dumped from after the current one, load it, then re-encrypt."
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _subscribe() -> WebhookSubscription:
    system, _key = system_make(code="motcua")
    return webhook_subscribe(by=system.account, system=system, url="https://hooks.example.vn/in", events=[])


def _dump(fmt: str = "json") -> str:
    out = io.StringIO()
    call_command("dumpdata", MODEL, format=fmt, stdout=out)
    return out.getvalue()


def _load(tmp_path, text: str, fmt: str = "json") -> None:
    fixture = tmp_path / f"subscriptions.{fmt}"
    fixture.write_text(text, encoding="utf-8")
    call_command("loaddata", str(fixture), verbosity=0)


def _fixture_with_secret(subscription: WebhookSubscription, secret: str) -> str:
    fields = {"system": subscription.system_id, "url": subscription.url, "secret": secret, "events": []}
    fields |= {"is_active": True, "created_at": "2025-07-01T08:00:00Z"}
    return json.dumps([{"model": MODEL, "pk": subscription.pk, "fields": fields}])


def test_dumpdata_writes_a_fernet_token_not_the_secret(settings):
    settings.FIELD_ENCRYPTION_KEY = [NEW_KEY]
    subscription = _subscribe()

    dump = _dump()

    [row] = json.loads(dump)
    assert subscription.secret not in dump
    assert row["fields"]["secret"].startswith("gAAAAA")
    assert looks_like_token(row["fields"]["secret"])
    assert Fernet(NEW_KEY.encode()).decrypt(row["fields"]["secret"].encode()).decode() == subscription.secret
    assert row["fields"]["url"] == "https://hooks.example.vn/in"


@pytest.mark.parametrize("fmt", ["json", "xml", "yaml"])
def test_loaddata_of_the_dump_into_an_emptied_table_restores_the_secret(settings, tmp_path, fmt):
    settings.FIELD_ENCRYPTION_KEY = [NEW_KEY]
    subscription = _subscribe()
    dump = _dump(fmt)
    WebhookSubscription.objects.all().delete()

    _load(tmp_path, dump, fmt)

    restored = WebhookSubscription.objects.get()
    assert subscription.secret not in dump
    assert (restored.pk, restored.url, restored.secret) == (subscription.pk, subscription.url, subscription.secret)


def test_a_dump_from_an_old_key_loads_once_that_key_is_listed_and_is_stored_under_the_first(settings, tmp_path):
    settings.FIELD_ENCRYPTION_KEY = [OLD_KEY]
    subscription = _subscribe()
    dump = _dump()
    WebhookSubscription.objects.all().delete()
    settings.FIELD_ENCRYPTION_KEY = [NEW_KEY]

    with pytest.raises(DeserializationError) as refused:
        _load(tmp_path, dump)
    assert f"['{KEY_MISSING}']: ({MODEL}:pk={subscription.pk})" in str(refused.value)
    assert WebhookSubscription.objects.count() == 0

    settings.FIELD_ENCRYPTION_KEY = [NEW_KEY, OLD_KEY]
    _load(tmp_path, dump)
    settings.FIELD_ENCRYPTION_KEY = [NEW_KEY]
    assert WebhookSubscription.objects.get().secret == subscription.secret


def test_a_fixture_holding_a_plain_secret_is_refused(settings, tmp_path):
    settings.FIELD_ENCRYPTION_KEY = [NEW_KEY]
    subscription = _subscribe()
    fixture = _fixture_with_secret(subscription, "a-plain-secret-in-a-fixture")
    WebhookSubscription.objects.all().delete()

    with pytest.raises(DeserializationError) as refused:
        _load(tmp_path, fixture)

    assert f"['{PLAIN_REFUSED}']: ({MODEL}:pk={subscription.pk})" in str(refused.value)
    assert WebhookSubscription.objects.count() == 0


def test_model_validation_and_the_orm_still_handle_the_plain_secret(settings):
    settings.FIELD_ENCRYPTION_KEY = [NEW_KEY]
    subscription = _subscribe()
    secret = subscription.secret

    subscription.full_clean()
    subscription.save()

    assert subscription.secret == secret
    assert WebhookSubscription.objects.get().secret == secret
