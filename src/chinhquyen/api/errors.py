"""One error shape for every answer that is not a success, and the HTTP status of each refusal.

``{"code": stable machine code, "message": in the caller's language, "field": the field concerned or
null, "errors": [every field in error]}``. Bad input is never a server error: anything the request
can get wrong maps to a 4xx here; only a bug gives 500 (logged, with no details for the caller).
"""

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from chinhquyen.core.errors import DomainError, InvalidInput, NotAllowed
from chinhquyen.dossiers.errors import DossierNotFound, TransitionRefused
from chinhquyen.feedback.errors import PetitionNotFound, PetitionRefused, RatingRefused
from chinhquyen.integrations.errors import IdempotencyConflict

from .json_body import NumberTooLong
from .schemas.common import ErrorOut

logger = logging.getLogger("chinhquyen.api")

# Refusals about who the caller is rather than about the dossier's state.
FORBIDDEN_CODES = frozenset({"role_required", "not_owner", "assigned_to_other", "not_applicant", "not_admin"})

# The error responses each kind of operation documents in the OpenAPI schema. Every operation may answer 503
# identity_provider_unavailable: a bearer token that is none of ours is checked against the identity provider's
# keys, also where applicants may not call (to tell 401 from 403).
PUBLIC_ERRORS: dict[Any, Any] = {frozenset({400, 401, 404, 429, 503}): ErrorOut}
READ_ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 429, 503}): ErrorOut}
WRITE_ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 413, 422, 429, 503}): ErrorOut}


class ApiError(Exception):
    """A refusal decided by the API layer itself (credentials, scopes, headers, cursors)."""

    def __init__(
        self, status: int, code: str, message: str, *, field: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.headers = headers or {}


@contextmanager
def field_renamed(old: str | None, new: str, *, code: str | None = None) -> Iterator[None]:
    """Name ``new`` the field of an InvalidInput (of ``code``) a service raises about ``old``.

    The services name the office forms' fields (``upload``) or none: the caller must see the field it sent.
    """
    try:
        yield
    except InvalidInput as exc:
        if exc.field == old and code in (None, exc.code):
            exc.field = new
        raise


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    field: str | None = None,
    errors: Iterable[dict[str, Any]] = (),
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body = {"code": code, "message": str(message), "field": field, "errors": list(errors)}
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def domain_status(exc: DomainError) -> int:
    if isinstance(exc, DossierNotFound | PetitionNotFound):
        return 404
    if isinstance(exc, NotAllowed) or exc.code in FORBIDDEN_CODES:
        return 403
    if isinstance(exc, TransitionRefused | PetitionRefused | RatingRefused | IdempotencyConflict):
        return 409
    return 422


def _validation_message(error: dict[str, Any]) -> tuple[str, str]:
    kind = str(error.get("type", ""))
    if kind == "missing":
        return "missing", _("This field is required.")
    if kind.endswith("too_short"):
        return "too_short", _("This value is too short.")
    if kind.endswith("too_long"):
        return "too_long", _("This value is too long.")
    if kind.startswith(("int_", "float_", "decimal_")):
        return "not_a_number", _("Enter a number.")
    return "invalid", _("This value is not valid.")


def _field_of(error: dict[str, Any]) -> str | None:
    # The first element is where the value came from (body, query, path, form, file, header); a JSON
    # body's fields, and a schema's fields ninja does not flatten (a list's items: ``status.0``), sit under
    # the operation's parameter name, which callers never see.
    loc = list(error.get("loc", ()))
    nested = len(loc) > 2 and (loc[0] == "body" or isinstance(loc[2], str))
    return ".".join(str(part) for part in (loc[2:] if nested else loc[1:])) or None


def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(domain_status(exc), exc.code, exc.message, field=exc.field)


def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        code, message = _validation_message(error)
        errors.append({"code": code, "message": message, "field": _field_of(error)})
    first = errors[0] if errors else {"field": None}
    return error_response(
        400,
        "invalid_request",
        _("Some fields are missing or not valid."),
        field=first["field"],
        errors=errors,
    )


def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        401,
        "unauthenticated",
        _("Authentication is required: send an API key or an officer token as a Bearer token, or sign in."),
        headers={"WWW-Authenticate": 'Bearer realm="chinhquyen"'},
    )


def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    # ninja adds Retry-After to this response.
    return error_response(429, "rate_limited", _("Too many requests; wait before trying again."))


def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, NumberTooLong):  # valid JSON, but a number no field can hold
        field = exc.__cause__.field or None
        return error_response(
            400,
            "invalid_request",
            _("Some fields are missing or not valid."),
            field=field,
            errors=[{"code": "too_long", "message": _("This value is too long."), "field": field}],
        )
    if exc.status_code == 400:  # the only one ninja raises itself: a body it cannot parse
        return error_response(400, "malformed_request", _("The request body could not be read; send valid JSON."))
    return error_response(exc.status_code, "http_error", str(exc))


def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(exc.status, exc.code, exc.message, field=exc.field, headers=exc.headers)


def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(404, "not_found", _("Nothing was found here."))


def on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(413, "request_too_large", _("The request is too large."))


def on_suspicious(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(400, "malformed_request", _("The request could not be read."))


def on_permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(403, "forbidden", _("You may not do this."))


def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return error_response(500, "server_error", _("Something went wrong on our side; it has been logged."))


HANDLERS: list[tuple[type[Exception], Any]] = [
    (Exception, on_unexpected),
    (DomainError, on_domain_error),
    (ValidationError, on_validation_error),
    (AuthenticationError, on_authentication_error),
    (Throttled, on_throttled),
    (HttpError, on_http_error),
    (ApiError, on_api_error),
    (Http404, on_not_found),
    (RequestDataTooBig, on_too_big),
    (SuspiciousOperation, on_suspicious),
    (PermissionDenied, on_permission_denied),
]


def install(api: NinjaAPI) -> None:
    """Register the handlers: the most specific exception class of a raised error wins."""
    for exc_class, handler in HANDLERS:
        api.add_exception_handler(exc_class, handler)
