"""System checks: in production the agencies' signing keys are kept encrypted at rest."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_signing_key_passphrase(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """dossiers.W001: without a passphrase the agencies' private keys lie in clear in the PKI directory."""
    if getattr(settings, "SIGNING_KEY_PASSPHRASE", ""):
        return []
    return [
        checks.Warning(
            "SIGNING_KEY_PASSPHRASE is not set: the agencies' signing keys are stored unencrypted.",
            hint="Set a long random passphrase in the environment, then run manage.py signing_keys_encrypt.",
            id="dossiers.W001",
        )
    ]
