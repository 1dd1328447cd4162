"""The national identity's sign-in (OpenID Connect, mozilla-django-oidc) for citizens and organisations.

mozilla-django-oidc checks the signature (with the provider's keys, cached by :mod:`.jwks`) and the
nonce; this subclass also checks ``iss``, ``aud`` (and ``azp``), ``exp`` and ``iat``, refuses any
algorithm but RS256, requires the userinfo to be about the same subject as the ID token, and maps the
claims to an applicant through :mod:`.services`. It acts only on the callback URL, and never signs in
an official: the office asks officials for a password and an authenticator code, and a session made
here is never verified by a second factor.
"""

import logging
from collections.abc import Mapping
from typing import Any

import jwt
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from chinhquyen.core.errors import DomainError
from chinhquyen.directory.models import User

from .claims import IdentityClaims, claims_parse
from .jwks import KeyNotFound, ProviderUnavailable, signing_key_for
from .selectors import users_for_claims
from .services import identity_sign_in
from .tokens import LEEWAY_SECONDS, REQUIRED_CLAIMS

logger = logging.getLogger(__name__)

# Claims taken from the signed ID token in preference to the userinfo response.
SIGNED_CLAIMS = ("sub", "personal_id", "name", "birthdate", "phone_number", "email", "address", "organisation")
REFUSAL_ATTRIBUTE = "identity_refusal"


class NationalIdentityBackend(OIDCAuthenticationBackend):
    """Sign in with the national identity (VNeID) or, in development and tests, its simulator."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.OIDC_OP_ISSUER: str = self.get_settings("OIDC_OP_ISSUER", "")

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # Only the callback, with the nonce it kept in the session: never a password form that happens
        # to carry ``code`` and ``state`` in its query string.
        if request is None or not self.OIDC_OP_ISSUER or not kwargs.get("nonce"):
            return None
        if request.path != reverse(
            self.get_settings("OIDC_AUTHENTICATION_CALLBACK_URL", "oidc_authentication_callback")
        ):
            return None
        return super().authenticate(request, **kwargs)

    def get_user(self, user_id: Any) -> User | None:
        user = super().get_user(user_id)
        # A session made here stops counting as soon as the account is locked or becomes an official's.
        if user is None or not user.is_active or user.is_staff or user.is_superuser:
            return None
        return user

    # --- the ID token --------------------------------------------------------------------------
    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        try:
            return super().verify_token(token, **kwargs)
        except (jwt.PyJWTError, KeyError, TypeError, ValueError) as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc

    def retrieve_matching_jwk(self, token: str) -> jwt.PyJWK:
        # The provider's keys from the shared cache, shared with the API's bearer tokens (see .jwks).
        try:
            return signing_key_for(token)
        except (KeyNotFound, ProviderUnavailable) as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token refused: algorithm {header.get('alg')!r}")
        try:
            claims: dict[str, Any] = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.OIDC_OP_ISSUER,
                leeway=LEEWAY_SECONDS,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc
        audience = claims["aud"]
        if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token refused: several audiences and another authorised party")
        return claims

    def get_userinfo(self, access_token: str, id_token: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if not isinstance(userinfo, Mapping) or userinfo.get("sub") != payload.get("sub"):
            # OpenID Connect Core 5.3.2: a userinfo response about someone else must not be used.
            raise SuspiciousOperation("Userinfo refused: its subject is not the ID token's")
        signed = {name: payload[name] for name in SIGNED_CLAIMS if name in payload}
        return {**userinfo, **signed}

    # --- claims -> account ---------------------------------------------------------------------
    def _claims(self, raw: Mapping[str, Any]) -> IdentityClaims:
        try:
            return claims_parse(raw, issuer=self.OIDC_OP_ISSUER)
        except DomainError as exc:
            self._refuse(exc)
            raise SuspiciousOperation(f"Claims refused: {exc.code}") from exc

    def verify_claims(self, claims: Mapping[str, Any]) -> bool:
        self._claims(claims)
        return True

    def filter_users_by_claims(self, claims: Mapping[str, Any]) -> QuerySet[User]:
        return users_for_claims(claims=self._claims(claims))

    def create_user(self, claims: Mapping[str, Any]) -> User:
        return self._sign_in(claims)

    def update_user(self, user: User, claims: Mapping[str, Any]) -> User:
        # The service finds the same account again, under a row lock, and refuses officials.
        return self._sign_in(claims)

    def _sign_in(self, raw: Mapping[str, Any]) -> User:
        try:
            return identity_sign_in(claims=self._claims(raw))
        except DomainError as exc:
            self._refuse(exc)
            raise SuspiciousOperation(f"Sign-in refused: {exc.code}") from exc
        except ValidationError as exc:
            raise SuspiciousOperation(f"Sign-in refused: {exc.messages}") from exc

    def _refuse(self, exc: DomainError) -> None:
        """Keep the reason on the request, for the callback page to tell the person why."""
        request = getattr(self, "request", None)
        if request is not None:
            setattr(request, REFUSAL_ATTRIBUTE, exc)
            logger.warning("National identity sign-in refused: %s", exc.code)
