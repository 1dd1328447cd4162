"""The identity provider's public signing keys (its JWKS), fetched over HTTPS and kept in the shared cache.

Both the sign-in (ID tokens) and the API (applicants' bearer tokens) find the key of a token here, so a
busy API does not ask the provider for its keys at every call. A token naming a key the cached set does
not hold makes one fresh fetch (the provider rotated its keys), at most once a minute whatever tokens
arrive. A key the provider withdraws stops being trusted when the cached set expires.
"""

import hashlib
import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.core.cache import cache
from django.utils.encoding import smart_str

logger = logging.getLogger(__name__)

# How long a fetched key set is trusted, and how often an unknown key id may cause a fresh fetch.
JWKS_CACHE_SECONDS = 3600
JWKS_REFRESH_SECONDS = 60


class ProviderUnavailable(Exception):
    """The provider's key set could not be fetched or read (network, HTTP error, not a JWKS)."""


class KeyNotFound(Exception):
    """No key of the provider matches the token's ``kid`` and ``alg``."""


def _cache_key(url: str, purpose: str) -> str:
    return f"identity:jwks:{purpose}:{hashlib.sha256(url.encode()).hexdigest()[:32]}"


def _fetch(url: str) -> dict[str, Any]:
    try:
        response = requests.get(
            url,
            verify=getattr(settings, "OIDC_VERIFY_SSL", True),
            timeout=getattr(settings, "OIDC_TIMEOUT", None),
            proxies=getattr(settings, "OIDC_PROXY", None),
        )
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        logger.warning("Fetching the identity provider's keys from %s failed: %s", url, exc)
        raise ProviderUnavailable(str(exc)) from exc
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise ProviderUnavailable(f"{url} did not answer a JWKS")
    return data


def provider_jwks(*, refresh: bool = False) -> dict[str, Any]:
    """The provider's key set (``OIDC_OP_JWKS_ENDPOINT``), from the cache unless ``refresh``."""
    url = str(settings.OIDC_OP_JWKS_ENDPOINT)
    if not url:
        raise ProviderUnavailable("OIDC_OP_JWKS_ENDPOINT is not set")
    key = _cache_key(url, "keys")
    if not refresh:
        cached = cache.get(key)
        if isinstance(cached, dict):
            return cached
    data = _fetch(url)
    cache.set(key, data, JWKS_CACHE_SECONDS)
    cache.set(_cache_key(url, "fetched"), True, JWKS_REFRESH_SECONDS)
    return data


def _match(jwks: dict[str, Any], header: dict[str, Any]) -> dict[str, Any] | None:
    """The key with the token's ``kid`` (and ``alg``, when the key names one), as mozilla-django-oidc matches."""
    kid, alg = smart_str(header.get("kid", "")), smart_str(header.get("alg", ""))
    found = None
    for jwk in jwks["keys"]:
        if not isinstance(jwk, dict) or smart_str(jwk.get("kid", "")) != kid:
            continue
        if "alg" in jwk and jwk["alg"] != alg:
            continue
        found = jwk
    return found


def signing_key_for(token: str) -> jwt.PyJWK:
    """The provider's public key that should have signed ``token``; :class:`KeyNotFound` if there is none.

    Raises ``jwt.DecodeError`` when the token's header cannot be read.
    """
    header = jwt.get_unverified_header(token)
    jwk = _match(provider_jwks(), header)
    # An unknown key id: fetch again, unless the set was fetched less than JWKS_REFRESH_SECONDS ago.
    if jwk is None and cache.get(_cache_key(str(settings.OIDC_OP_JWKS_ENDPOINT), "fetched")) is None:
        jwk = _match(provider_jwks(refresh=True), header)
    if jwk is None:
        raise KeyNotFound("Could not find a valid JWKS.")
    try:
        return jwt.PyJWK(jwk)
    except jwt.PyJWTError as exc:
        raise KeyNotFound(f"The provider's key {header.get('kid')!r} cannot be used: {exc}") from exc
