"""An applicant calling the API with the national identity's bearer token: the token -> the account.

The account is the one the sign-in would give (:func:`.oidc.identity_sign_in`): the applicant with the
claimed personal ID (or tax code), created or linked at the first call exactly as at a first sign-in.
Once the account holds a verified identity with the token's issuer and subject, a call reads only (the
profile is brought up to date at the first call and at every sign-in on the portal, not at every call).
A token without the person's claims (``personal_id``) is accepted only for an identity a sign-in
already verified, and only if that identity is one account's. Officials' accounts and locked accounts
are refused, as at sign-in.
"""

import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from chinhquyen.core.errors import DomainError
from chinhquyen.directory.models import User

from ..claims import claims_parse
from ..selectors import user_for_verified_identity, user_is_official, users_for_subject
from ..tokens import TokenRefused, bearer_token_verify
from .oidc import identity_sign_in

logger = logging.getLogger(__name__)


def bearer_sign_in(*, token: str) -> User:
    """Return the account ``token`` stands for; raise :class:`TokenRefused` for any token not accepted.

    Raises :class:`chinhquyen.identity.tokens.ProviderUnavailable` when the provider's keys cannot be fetched.
    """
    raw = bearer_token_verify(token=token)
    user = _user_for(raw)
    if not user.is_active or user_is_official(user=user):
        # The office asks officials for a password and an authenticator code; a token must not skip that.
        raise TokenRefused(f"account {user.pk} is an official's or locked")
    return user


def _user_for(raw: Mapping[str, Any]) -> User:
    issuer = str(settings.OIDC_OP_ISSUER)
    if "personal_id" not in raw:
        users = users_for_subject(issuer=issuer, subject=raw["sub"])
        if len(users) != 1:
            raise TokenRefused(f"no claims and {len(users)} accounts for the subject")
        return users[0]
    try:
        claims = claims_parse(raw, issuer=issuer)
    except DomainError as exc:
        raise TokenRefused(f"claims refused: {exc.code}") from exc
    known = user_for_verified_identity(claims=claims)
    if known is not None:
        return known
    try:
        user = identity_sign_in(claims=claims)
    except DomainError as exc:
        raise TokenRefused(f"sign-in refused: {exc.code}") from exc
    except ValidationError as exc:
        raise TokenRefused(f"sign-in refused: {exc.messages}") from exc
    logger.info("Applicant account %s verified by a bearer token", user.pk)
    return user
