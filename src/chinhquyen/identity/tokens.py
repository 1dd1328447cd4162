"""Bearer tokens of the national identity provider, as apps send them to the API (a mobile app signs the
citizen in with VNeID itself, authorization code + PKCE, then calls the API with the token it got).

A token is accepted only if it is a JWT signed RS256 by one of the provider's keys (:mod:`.jwks`), issued
by the configured provider (``iss``), for this platform (``aud`` holds one of ``OIDC_API_AUDIENCES``,
the portal's client id when empty; with several audiences, ``azp`` must be one of them too, as for ID
tokens), and current (``exp``, ``nbf``, ``iat``, with :data:`LEEWAY_SECONDS` of clock difference). Access
tokens (``typ`` ``at+jwt``, RFC 9068) and ID tokens both qualify. Which account the token stands for is
decided by :func:`chinhquyen.identity.services.bearer_sign_in`.
"""

from typing import Any

import jwt
from django.conf import settings

from .jwks import KeyNotFound, ProviderUnavailable, signing_key_for

# Seconds of clock difference tolerated between the provider and this server.
LEEWAY_SECONDS = 60
ALGORITHM = "RS256"
REQUIRED_CLAIMS = ["iss", "aud", "sub", "exp", "iat"]
# The JOSE ``typ`` values of the tokens accepted (absent is accepted too): plain JWTs and access tokens.
TOKEN_TYPES = frozenset({"jwt", "at+jwt", "application/at+jwt"})

__all__ = ["ALGORITHM", "LEEWAY_SECONDS", "ProviderUnavailable", "TokenRefused", "api_audiences", "bearer_token_verify"]


class TokenRefused(Exception):
    """The token is not one this platform accepts; ``reason`` is for the log, never for the caller."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def api_audiences() -> list[str]:
    """The audiences a token must be for: ``OIDC_API_AUDIENCES``, else the portal's client id."""
    configured = [audience for audience in settings.OIDC_API_AUDIENCES if audience]
    return configured or [audience for audience in [settings.OIDC_RP_CLIENT_ID] if audience]


def bearer_token_verify(*, token: str) -> dict[str, Any]:
    """Return the claims of ``token`` once every check passed; raise :class:`TokenRefused` otherwise.

    :class:`ProviderUnavailable` means the provider's keys could not be fetched: the token may be good.
    """
    issuer, audiences = str(settings.OIDC_OP_ISSUER), api_audiences()
    if not issuer or not audiences:
        raise TokenRefused("national identity is not configured")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise TokenRefused(f"not a JWT: {exc}") from exc
    if header.get("alg") != ALGORITHM:
        raise TokenRefused(f"algorithm {header.get('alg')!r}")
    typ = header.get("typ")
    if typ is not None and (not isinstance(typ, str) or typ.lower() not in TOKEN_TYPES):
        raise TokenRefused(f"token type {typ!r}")
    try:
        key = signing_key_for(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=audiences,
            issuer=issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": REQUIRED_CLAIMS},
        )
    except KeyNotFound as exc:
        raise TokenRefused(str(exc)) from exc
    except jwt.PyJWTError as exc:
        raise TokenRefused(str(exc)) from exc
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") not in audiences:
        raise TokenRefused("several audiences and another authorised party")
    if not isinstance(claims["sub"], str) or not claims["sub"]:
        raise TokenRefused("no subject")
    return claims
