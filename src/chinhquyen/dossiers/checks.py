"""System checks: in production the agencies' signing keys are kept encrypted at rest, and signatures timestamped."""

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


@checks.register(checks.Tags.security, deploy=True)
def check_signing_tsa_url(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """dossiers.W002: without a timestamp authority signatures are PAdES B-B, dated only by the signer's word."""
    if getattr(settings, "SIGNING_TSA_URL", ""):
        return []
    return [
        checks.Warning(
            "SIGNING_TSA_URL is not set: signatures carry no trusted timestamp (PAdES B-B, not B-T).",
            hint="Set SIGNING_TSA_URL to the RFC 3161 timestamp authority of the CA that issued the agencies' "
            "certificates, and install its root under trust/ in SIGNING_PKI_DIR.",
            id="dossiers.W002",
        )
    ]
