"""Who may call: a system (API key with scopes), an officer (personal token) or a signed-in applicant
(the portal's session cookie, or a bearer token of the national identity provider, e.g. from a mobile app).

Every operation declares the callers it accepts with :func:`declare`; ninja runs the listed checks in
order and the first that recognises the caller sets ``request.auth`` to a :class:`Caller`. A caller
recognised but not accepted gets 403, a missing or unknown credential 401. What the caller may then
see and do is decided by the domain's selectors and services with the caller's account, exactly as
for the web pages: a system acts through its service account and the staff roles given to it.
"""

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from chinhquyen.directory.models import User
from chinhquyen.directory.selectors import Roles
from chinhquyen.identity.selectors import user_is_official
from chinhquyen.identity.services import bearer_sign_in
from chinhquyen.identity.tokens import ProviderUnavailable, TokenRefused, bearer_token_verify
from chinhquyen.integrations.models import System
from chinhquyen.integrations.selectors import (
    OFFICER_TOKEN,
    SECRET_FORMAT,
    SYSTEM_KEY,
    api_key_find,
    credential_roles,
    officer_token_find,
)
from chinhquyen.integrations.services import credential_touch

from .errors import ApiError
from .limits import client_address

logger = logging.getLogger("chinhquyen.api")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Prefixes of the credentials this platform issues itself; any other bearer token is the identity provider's.
OWN_PREFIXES = (SYSTEM_KEY, OFFICER_TOKEN)


class CallerKind(enum.StrEnum):
    SYSTEM = "system"
    OFFICER = "officer"
    APPLICANT = "applicant"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Caller:
    """The authenticated caller: ``user`` acts (a system's service account for systems)."""

    kind: CallerKind
    ident: str  # stable per credential: rate limits and idempotency keys are counted per ident
    user: User | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    system: System | None = None
    # The account's (agency id, role) pairs when read with the credential (keys, officer tokens): a
    # request needs no query of its own for them. None: load them when needed.
    roles: Roles | None = None

    @property
    def as_applicant(self) -> bool:
        return self.kind is CallerKind.APPLICANT

    @property
    def log_name(self) -> str:
        """Who called, for the access log: the system's code, the officer's username, or the kind."""
        if self.system is not None:
            return f"system:{self.system.code}"
        if self.kind is CallerKind.OFFICER and self.user is not None:
            return f"officer:{self.user.get_username()}"
        return str(self.kind)


# Set on the request when a credential is recognised and then refused: the access log names its holder.
_REFUSED_CALLER = "_api_refused_caller"


def _refused(request: HttpRequest, name: str, error: ApiError) -> ApiError:
    setattr(request, _REFUSED_CALLER, name)
    return error


def caller_log_name(request: HttpRequest) -> str:
    """Who made the request, for the access log; never a secret.

    The caller once accepted, else the holder of a credential recognised and refused, else what the bearer
    token claims to be: a key's or token's public prefix, or an applicant (the identity provider's token).
    """
    caller = getattr(request, "auth", None)
    if isinstance(caller, Caller):
        return caller.log_name
    refused = getattr(request, _REFUSED_CALLER, None)
    if refused is not None:
        return str(refused)
    token = _bearer(request)
    for prefix, kind in ((SYSTEM_KEY, "key"), (OFFICER_TOKEN, "token")):
        if token.startswith(prefix):
            match = SECRET_FORMAT.match(token)
            return f"{kind}:{match.group(1) if match else 'invalid'}"
    return str(CallerKind.APPLICANT if token else CallerKind.ANONYMOUS)


def caller_of(request: HttpRequest) -> Caller:
    caller = getattr(request, "auth", None)
    assert isinstance(caller, Caller)  # noqa: S101 - every operation declares its callers
    return caller


def _invalid() -> ApiError:
    return ApiError(
        401,
        "invalid_credentials",
        _("The API key or token is not valid, has expired or was revoked."),
        headers={"WWW-Authenticate": 'Bearer realm="chinhquyen", error="invalid_token"'},
    )


def _provider_unavailable() -> ApiError:
    return ApiError(
        503,
        "identity_provider_unavailable",
        _("The national identity provider cannot be reached to check the token; try again shortly."),
        headers={"Retry-After": "30"},
    )


def _not_accepted() -> ApiError:
    return ApiError(403, "caller_not_allowed", _("This operation does not accept this kind of caller."))


def _bearer(request: HttpRequest) -> str:
    value = request.headers.get("Authorization", "")
    scheme, _sep, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class SystemKey(HttpBearer):
    """A system's API key: ``Authorization: Bearer cqk_…``; ``scope`` is what the operation needs."""

    ANY = "*"

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        if not token.startswith(SYSTEM_KEY):
            return None
        key = api_key_find(secret=token)
        if key is None:
            raise _invalid()
        if self.scope != self.ANY and self.scope not in key.scopes:
            raise _refused(
                request,
                f"system:{key.system.code}",
                ApiError(
                    403,
                    "insufficient_scope",
                    _("This API key lacks the scope %(scope)s.") % {"scope": self.scope},
                    headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{self.scope}"'},
                ),
            )
        credential_touch(credential=key)
        return Caller(
            kind=CallerKind.SYSTEM,
            ident=f"key:{key.pk}",
            user=key.system.account,
            scopes=frozenset(key.scopes),
            system=key.system,
            roles=credential_roles(key),
        )


class OfficerToken(HttpBearer):
    """An officer's personal token: ``Authorization: Bearer cqo_…``; acts with the officer's roles."""

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        if not token.startswith(OFFICER_TOKEN):
            return None
        found = officer_token_find(secret=token)
        if found is None:
            raise _invalid()
        credential_touch(credential=found)
        return Caller(
            kind=CallerKind.OFFICER, ident=f"token:{found.pk}", user=found.user, roles=credential_roles(found)
        )


class ApplicantBearer(HttpBearer):
    """An applicant's token from the national identity provider (VNeID): ``Authorization: Bearer <JWT>``.

    Signed by the provider, for this platform, current; it acts as the account the portal's sign-in would
    give. A bearer token is sent by the app, never by the browser on its own: no CSRF token is needed.
    """

    openapi_bearerFormat = "JWT"
    openapi_description = (
        "An applicant's access token (or ID token) from the national identity provider (VNeID), "
        "issued for one of the platform's client ids."
    )

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        if not token or token.startswith(OWN_PREFIXES):
            return None
        try:
            user = bearer_sign_in(token=token)
        except TokenRefused as exc:
            logger.info("Applicant bearer token refused: %s", exc.reason)
            raise _invalid() from exc
        except ProviderUnavailable as exc:
            raise _provider_unavailable() from exc
        return Caller(kind=CallerKind.APPLICANT, ident=f"applicant:{user.pk}", user=user)


class Session(APIKeyCookie):
    """The portal's session cookie of a signed-in applicant; unsafe methods need the CSRF token.

    An official's session (the office's) is never an applicant's, as on the portal and with a bearer token.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Caller | None:
        if request.headers.get("Authorization"):
            return None  # a request carrying credentials is judged by them alone
        user = request.user
        if not user.is_authenticated or user_is_official(user=user):
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise _refused(
                request,
                str(CallerKind.APPLICANT),
                ApiError(403, "csrf_failed", _("The CSRF token is missing or wrong: send it in X-CSRFToken.")),
            )
        return Caller(kind=CallerKind.APPLICANT, ident=f"user:{user.pk}", user=user)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover - __call__ decides
        return None


class Anonymous:
    """Anyone, for public operations (catalog, directory): counted per client address."""

    def __call__(self, request: HttpRequest) -> Caller:
        return Caller(kind=CallerKind.ANONYMOUS, ident=f"ip:{client_address(request)}")


class Refuse:
    """Last in the list: a credential of a kind the operation does not accept gets 403, not 401."""

    def __call__(self, request: HttpRequest) -> None:
        token = _bearer(request)
        if token.startswith(SYSTEM_KEY):
            key = api_key_find(secret=token)
            if key is None:
                raise _invalid()
            raise _refused(request, f"system:{key.system.code}", _not_accepted())
        if token.startswith(OFFICER_TOKEN):
            found = officer_token_find(secret=token)
            if found is None:
                raise _invalid()
            raise _refused(request, f"officer:{found.user.get_username()}", _not_accepted())
        if token:
            # The identity provider's token of an applicant, where applicants may not call.
            try:
                bearer_token_verify(token=token)
            except TokenRefused as exc:
                raise _invalid() from exc
            except ProviderUnavailable as exc:
                raise _provider_unavailable() from exc
            raise _not_accepted()
        user = request.user
        if user.is_authenticated:
            # An official's session where only applicants may call, or an applicant's where they may not.
            name = f"officer:{user.get_username()}" if user_is_official(user=user) else str(CallerKind.APPLICANT)
            raise _refused(request, name, _not_accepted())
        return None


def declare(
    *, system: str | None = None, officer: bool = False, applicant: bool = False, public: bool = False
) -> dict[str, Any]:
    """The ``auth`` and OpenAPI ``x-callers`` of an operation: which callers, with which scope.

    ``system`` is the scope a system's key needs (None: systems may not call); ``public`` lets
    anyone call, with any valid credential or none.
    """
    auth: list[Callable[..., Any]] = []
    if public:
        auth = [SystemKey(SystemKey.ANY), OfficerToken(), ApplicantBearer(), Session(), Anonymous()]
        callers = {"anonymous": True, "system": SystemKey.ANY, "officer": True, "applicant": True}
    else:
        if system is not None:
            auth.append(SystemKey(system))
        if officer:
            auth.append(OfficerToken())
        if applicant:
            auth.extend([ApplicantBearer(), Session()])
        if not auth:
            raise ValueError("An operation must accept at least one kind of caller.")
        auth.append(Refuse())
        callers = {
            "anonymous": False,
            "system": str(system) if system else None,
            "officer": officer,
            "applicant": applicant,
        }
    return {"auth": auth, "openapi_extra": {"x-callers": callers}}
