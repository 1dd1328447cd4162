"""Secrets the platform must read back (webhook signing secrets), encrypted at rest with Fernet.

Fernet is AES-128-CBC with HMAC-SHA256 (``cryptography``). ``settings.FIELD_ENCRYPTION_KEY`` is a list of
Fernet keys: the first encrypts, every one decrypts. To rotate, put a new key first, re-encrypt the stored
rows (``manage.py webhook_secrets_reencrypt``), then drop the old key.
"""

import base64
import binascii
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Lookup
from django.db.models.lookups import IsNull


class SecretUndecryptable(Exception):  # noqa: N818 - named for what happened, like Django's DoesNotExist
    """A stored secret matches none of the keys (a key was dropped before its rows were re-encrypted)."""


def key_valid(key: str) -> bool:
    """True if ``key`` is a Fernet key: 32 bytes in URL-safe base64."""
    try:
        return len(base64.urlsafe_b64decode(key.encode())) == 32
    except (binascii.Error, ValueError):
        return False


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is not set: stored secrets cannot be encrypted or read.")
    bad = [i for i, key in enumerate(keys, start=1) if not key_valid(key)]
    if bad:
        raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEY: key number {bad[0]} is not a Fernet key.")
    return MultiFernet([Fernet(key) for key in keys])


def _keys() -> tuple[str, ...]:
    configured: Sequence[str] = settings.FIELD_ENCRYPTION_KEY
    return tuple(key.strip() for key in configured if key.strip())


def encrypt(plaintext: str) -> str:
    """The Fernet token of ``plaintext`` under the first key (different at each call)."""
    return _fernet(_keys()).encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    """The plaintext of a token made with any of the keys; SecretUndecryptable if none fits."""
    try:
        return _fernet(_keys()).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUndecryptable(
            "A stored secret cannot be decrypted with any FIELD_ENCRYPTION_KEY; was a key dropped too early?"
        ) from exc


class EncryptedTextField(models.TextField):
    """Text kept encrypted in the database and plain on the model instance.

    Every save encrypts with the current first key, so saving a row re-encrypts it. The column cannot be
    searched: only ``isnull`` lookups are allowed.
    """

    description = "Text encrypted at rest (Fernet)"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return None if value is None else decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return None if value is None else encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        # Fernet tokens differ at each encryption, so an equality lookup would never match.
        return IsNull if lookup_name == "isnull" else None
