"""Stored secrets encrypted with FIELD_ENCRYPTION_KEY: rotation, refusals, and the checks that guard the key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.checks import run_checks
from django.core.exceptions import FieldError, ImproperlyConfigured

from chinhquyen.core.checks import check_field_encryption_key_set, check_field_encryption_keys_valid
from chinhquyen.core.crypto import SecretUndecryptable, decrypt, encrypt, key_valid

OLD_KEY = "b2xkLWtleS1vbGQta2V5LW9sZC1rZXktb2xkLWtleS0="
NEW_KEY = "bmV3LWtleS1uZXcta2V5LW5ldy1rZXktbmV3LWtleS0="
GOOD_SECRET_KEY = "k" * 20 + "-ci-only-0123456789-abcdefghijklmnopqrstuvwxyz"
ROOT = Path(__file__).resolve().parents[2]


def test_a_secret_is_encrypted_differently_each_time_and_read_back(settings):
    settings.FIELD_ENCRYPTION_KEY = [NEW_KEY]

    first, second = encrypt("tín hiệu bí mật"), encrypt("tín hiệu bí mật")

    assert first != second
    assert "tín hiệu" not in first
    assert decrypt(first) == decrypt(second) == "tín hiệu bí mật"
    assert Fernet(NEW_KEY.encode()).decrypt(first.encode()).decode() == "tín hiệu bí mật"


def test_rotation_the_first_key_encrypts_every_key_decrypts(settings):
    settings.FIELD_ENCRYPTION_KEY = [OLD_KEY]
    under_old = encrypt("s3cret")
    settings.FIELD_ENCRYPTION_KEY = [NEW_KEY, OLD_KEY]

    under_new = encrypt("s3cret")

    assert decrypt(under_old) == "s3cret"
    assert Fernet(NEW_KEY.encode()).decrypt(under_new.encode()) == b"s3cret"
    settings.FIELD_ENCRYPTION_KEY = [NEW_KEY]
    assert decrypt(under_new) == "s3cret"
    with pytest.raises(SecretUndecryptable):
        decrypt(under_old)


def test_without_a_key_or_with_a_malformed_one_nothing_is_encrypted(settings):
    settings.FIELD_ENCRYPTION_KEY = []
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEY is not set"):
        encrypt("x")

    settings.FIELD_ENCRYPTION_KEY = [NEW_KEY, "not-a-key"]
    with pytest.raises(ImproperlyConfigured, match="key number 2 is not a Fernet key"):
        encrypt("x")


@pytest.mark.parametrize(
    ("key", "valid"),
    [(NEW_KEY, True), (Fernet.generate_key().decode(), True), ("c2hvcnQ=", False), ("%%%", False), ("", False)],
    ids=["fixed", "generated", "short", "not-base64", "empty"],
)
def test_key_validity(key, valid):
    assert key_valid(key) is valid


def test_the_development_key_is_derived_from_the_secret_key(settings):
    import base64
    import hashlib

    derived = hashlib.sha256(b"chinhquyen.field-encryption:" + settings.SECRET_KEY.encode()).digest()

    assert settings.FIELD_ENCRYPTION_KEY == [base64.urlsafe_b64encode(derived).decode()]


def test_an_encrypted_column_cannot_be_searched():
    from chinhquyen.integrations.models import WebhookSubscription

    with pytest.raises(FieldError, match="Unsupported lookup 'exact'"):
        WebhookSubscription.objects.filter(secret="x")
    assert '"integrations_webhooksubscription"."secret" IS NULL' in str(
        WebhookSubscription.objects.filter(secret__isnull=True).query
    )


def test_a_malformed_key_is_a_check_error(settings):
    settings.FIELD_ENCRYPTION_KEY = [NEW_KEY, "oops"]

    [error] = check_field_encryption_keys_valid()

    assert (error.id, error.msg) == ("core.E001", "FIELD_ENCRYPTION_KEY: key number 2 is not a Fernet key.")


@pytest.mark.django_db
def test_check_deploy_fails_without_the_key(settings):
    settings.FIELD_ENCRYPTION_KEY = []

    assert [m.id for m in check_field_encryption_key_set()] == ["core.E002"]
    assert "core.E002" in [m.id for m in run_checks(include_deployment_checks=True)]
    assert "core.E002" not in [m.id for m in run_checks(include_deployment_checks=False)]


def test_check_deploy_passes_with_the_key(settings):
    settings.FIELD_ENCRYPTION_KEY = [NEW_KEY, OLD_KEY]

    assert check_field_encryption_key_set() == []
    assert check_field_encryption_keys_valid() == []


def _check_deploy_in_production(**env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_ENV", "FIELD_ENCRYPTION_KEY"}
    }
    environ.update(DJANGO_ENV="production", SECRET_KEY=GOOD_SECRET_KEY, ALLOWED_HOSTS="example.gov.vn", **env)
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--tag", "security"],
        env=environ,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def test_production_has_no_key_of_its_own_and_check_deploy_says_so():
    without = _check_deploy_in_production()
    with_keys = _check_deploy_in_production(FIELD_ENCRYPTION_KEY=f"{NEW_KEY},{OLD_KEY}")

    assert without.returncode == 1
    assert "core.E002" in without.stderr
    assert "core.E002" not in with_keys.stderr + with_keys.stdout
