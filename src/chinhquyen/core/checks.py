"""System checks of the shared kernel: the keys that encrypt stored secrets."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

from .crypto import key_valid

GENERATE = "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"


@checks.register(checks.Tags.security)
def check_field_encryption_keys_valid(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """core.E001: every FIELD_ENCRYPTION_KEY is a Fernet key."""
    bad = [i for i, key in enumerate(settings.FIELD_ENCRYPTION_KEY, start=1) if not key_valid(key.strip())]
    if not bad:
        return []
    return [
        checks.Error(
            f"FIELD_ENCRYPTION_KEY: key number {', '.join(map(str, bad))} is not a Fernet key.",
            hint=f"Make one with: python -c {GENERATE!r}",
            id="core.E001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_field_encryption_key_set(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """core.E002: production has its own FIELD_ENCRYPTION_KEY (webhook secrets are encrypted with it)."""
    if any(key.strip() for key in settings.FIELD_ENCRYPTION_KEY):
        return []
    return [
        checks.Error(
            "FIELD_ENCRYPTION_KEY is not set: webhook signing secrets can be neither stored nor read.",
            hint=f"Set it to a Fernet key (python -c {GENERATE!r}); store it apart from the database backups.",
            id="core.E002",
        )
    ]
