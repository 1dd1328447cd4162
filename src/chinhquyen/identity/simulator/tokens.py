"""Authorisation codes, access tokens and ID tokens of the simulator.

Codes are sealed (encrypted and authenticated with Fernet, under a key derived from ``SECRET_KEY``), so
no table is needed and no personal data shows in a URL or a log: a code carries the claims, the client,
the redirect URI, the nonce and the PKCE challenge, lives two minutes and is redeemed once (the cache
remembers redeemed codes). Access tokens and ID tokens are JWTs signed RS256 with :mod:`.keys`; an
access token (``typ`` ``at+jwt``, RFC 9068) is for the client (``aud``) and carries the person's claims,
so an app may call the platform's API with it (:mod:`chinhquyen.identity.tokens`).
"""

import base64
import hashlib
import json
import secrets
import time
import zlib
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import constant_time_compare

from .keys import ALGORITHM, signing_key

CODE_SECONDS = 120
ACCESS_TOKEN_SECONDS = 600
ID_TOKEN_SECONDS = 600
ACCESS_TOKEN_TYPE = "at+jwt"  # noqa: S105 - the JOSE type of access tokens (RFC 9068), not a secret
# The claims of an access token that are about the token rather than the person (userinfo leaves them out).
ACCESS_TOKEN_CLAIMS = frozenset({"iss", "aud", "client_id", "iat", "exp", "jti"})
_CODE_PURPOSE = "chinhquyen.identity.simulator.code"


def _fernet(purpose: str) -> Fernet:
    key = hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _seal(purpose: str, payload: dict[str, Any]) -> str:
    data = zlib.compress(json.dumps(payload, separators=(",", ":")).encode())
    return _fernet(purpose).encrypt(data).decode()


def _unseal(purpose: str, token: str, *, ttl: int) -> dict[str, Any] | None:
    try:
        data = _fernet(purpose).decrypt(token.encode(), ttl=ttl)
    except (InvalidToken, ValueError):
        return None
    payload: dict[str, Any] = json.loads(zlib.decompress(data))
    return payload


@dataclass(frozen=True)
class Grant:
    """What an authorisation code stands for."""

    claims: dict[str, Any]
    client_id: str
    redirect_uri: str
    nonce: str
    code_challenge: str
    code_challenge_method: str


def code_issue(grant: Grant) -> str:
    return _seal(_CODE_PURPOSE, {**grant.__dict__, "jti": secrets.token_urlsafe(16)})


class GrantError(Exception):
    """An OAuth ``invalid_grant``: the code is unknown, expired, used, or not this client's."""


def code_redeem(code: str, *, client_id: str, redirect_uri: str, code_verifier: str) -> Grant:
    payload = _unseal(_CODE_PURPOSE, code, ttl=CODE_SECONDS)
    if payload is None:
        raise GrantError("unknown or expired code")
    jti = payload.pop("jti")
    grant = Grant(**payload)
    if grant.client_id != client_id or grant.redirect_uri != redirect_uri:
        raise GrantError("the code was issued to another client or redirect URI")
    if grant.code_challenge and not _pkce_ok(grant, code_verifier):
        raise GrantError("the PKCE code verifier does not match")
    if not cache.add(f"idp-sim:code-used:{jti}", True, CODE_SECONDS + 60):
        raise GrantError("the code was already used")
    return grant


def _pkce_ok(grant: Grant, verifier: str) -> bool:
    if not verifier:
        return False
    if grant.code_challenge_method == "plain":
        expected = verifier
    else:
        digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return constant_time_compare(expected, grant.code_challenge)


def access_token_issue(claims: dict[str, Any], *, client_id: str = "") -> str:
    """An access token for ``client_id`` (the portal's client by default) about the person of ``claims``."""
    client_id = client_id or str(settings.OIDC_RP_CLIENT_ID)
    now = int(time.time())
    payload = {
        **claims,
        "iss": str(settings.IDP_SIMULATOR_ISSUER),
        "aud": client_id,
        "client_id": client_id,
        "iat": now,
        "exp": now + ACCESS_TOKEN_SECONDS,
        "jti": secrets.token_urlsafe(16),
    }
    return id_token_sign(payload, typ=ACCESS_TOKEN_TYPE)


def access_token_read(token: str) -> dict[str, Any] | None:
    """The person's claims of an access token this simulator issued and that has not expired, else None."""
    try:
        if jwt.get_unverified_header(token).get("typ") != ACCESS_TOKEN_TYPE:
            return None  # an ID token is no access token
        payload: dict[str, Any] = jwt.decode(
            token,
            signing_key().private_key.public_key(),
            algorithms=[ALGORITHM],
            issuer=str(settings.IDP_SIMULATOR_ISSUER),
            options={"verify_aud": False, "require": ["iss", "aud", "sub", "exp", "iat"]},
        )
    except jwt.PyJWTError:
        return None
    return {name: value for name, value in payload.items() if name not in ACCESS_TOKEN_CLAIMS}


def id_token_sign(payload: dict[str, Any], *, typ: str = "JWT") -> str:
    """Sign ``payload`` as a JWT with the simulator's key (tests use it to build odd tokens too)."""
    key = signing_key()
    return jwt.encode(payload, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid, "typ": typ})


def id_token_issue(*, issuer: str, grant: Grant) -> str:
    now = int(time.time())
    payload = {
        **grant.claims,
        "iss": issuer,
        "aud": grant.client_id,
        "iat": now,
        "auth_time": now,
        "exp": now + ID_TOKEN_SECONDS,
    }
    if grant.nonce:
        payload["nonce"] = grant.nonce
    return id_token_sign(payload)
