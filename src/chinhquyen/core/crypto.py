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
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.db.models import Lookup
from django.db.models.lookups import IsNull
from django.utils.translation import gettext_lazy as _


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


def looks_like_token(value: str) -> bool:
    """True if ``value`` has a Fernet token's shape: URL-safe base64 of version byte 0x80, time, IV and HMAC."""
    try:
        raw = base64.urlsafe_b64decode(value.encode())
    except (binascii.Error, ValueError):
        return False
    return len(raw) >= 57 and raw[0] == 0x80


class EncryptedTextField(models.TextField):
    """Text kept encrypted in the database and plain on the model instance.

    Every save encrypts with the current first key, so saving a row re-encrypts it. The column cannot be
    searched: only ``isnull`` lookups are allowed.

    Serialized (``dumpdata``), the value is a Fernet token too, never the plain text; deserializing
    (``loaddata``) decrypts it with any of the keys and the save encrypts it again. A fixture holding a plain
    value, or a token under a key this installation lacks, is refused. ``to_python`` reads only that
    serialized form: model validation and the ORM handle the plain text and never call it.
    """

    description = "Text encrypted at rest (Fernet)"
    default_error_messages = {
        "plain": _(
            "Expected the encrypted value dumpdata writes (a Fernet token): fixtures never hold a secret in clear."
        ),
        "undecryptable": _(
            "This encrypted value matches none of the FIELD_ENCRYPTION_KEY keys: add the key of the installation "
            "it was dumped from after the current one, load it, then re-encrypt."
        ),
    }

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return None if value is None else decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        # Field's, not TextField's: that one runs to_python, which reads serialized tokens and refuses plain text.
        value = models.Field.get_prep_value(self, value)
        return None if value is None else encrypt(str(value))

    def value_to_string(self, obj: models.Model) -> str:
        """The serialized value: a Fernet token under the first key, never the plain text."""
        # Serializers write None themselves (a "protected type"): only text reaches here.
        return encrypt(str(self.value_from_object(obj)))

    def to_python(self, value: Any) -> Any:
        """The plain text of a serialized value (the token ``value_to_string`` wrote)."""
        if value is None:
            return None
        if not isinstance(value, str) or not looks_like_token(value):
            raise ValidationError(self.error_messages["plain"], code="plain")
        try:
            return decrypt(value)
        except SecretUndecryptable:
            raise ValidationError(self.error_messages["undecryptable"], code="undecryptable") from None

    def clean(self, value: Any, model_instance: models.Model | None) -> Any:
        # The instance holds the plain text: validate it as text, without reading it as a serialized token.
        value = models.TextField.to_python(self, value)
        self.validate(value, model_instance)
        self.run_validators(value)
        return value

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        # Fernet tokens differ at each encryption, so an equality lookup would never match.
        return IsNull if lookup_name == "isnull" else None
