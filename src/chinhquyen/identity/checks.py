"""System checks: the national identity sign-in is configured whole, and the simulator never deployed."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

OIDC_REQUIRED = (
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
)


@checks.register(checks.Tags.security)
def check_oidc_configured(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """identity.E001: with an issuer set, every endpoint and the client's credentials are set too."""
    if not settings.OIDC_OP_ISSUER:
        return []
    missing = [name for name in OIDC_REQUIRED if not getattr(settings, name, "")]
    if not missing:
        return []
    return [
        checks.Error(
            f"OIDC_OP_ISSUER is set but {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not.",
            hint="Set them in the environment, or unset OIDC_OP_ISSUER to turn national identity sign-in off.",
            id="identity.E001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_simulator_off(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """identity.E002: the identity provider simulator signs anyone in as anyone; never deploy it."""
    messages: list[checks.CheckMessage] = []
    if settings.IDP_SIMULATOR:
        messages.append(
            checks.Error(
                "IDP_SIMULATOR is on: anyone can sign in as anyone through /idp-sim/.",
                hint="Set IDP_SIMULATOR=false and point the OIDC_* settings at the national identity provider.",
                id="identity.E002",
            )
        )
    insecure = [
        name
        for name in ("OIDC_OP_ISSUER", *OIDC_REQUIRED[:4])
        if str(getattr(settings, name, "")).startswith("http://")
    ]
    if insecure and not settings.IDP_SIMULATOR:
        messages.append(
            checks.Warning(
                f"{', '.join(insecure)} use plain HTTP.",
                hint="The identity provider's endpoints must be reached over HTTPS in production.",
                id="identity.W001",
            )
        )
    return messages
