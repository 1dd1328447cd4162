"""``Idempotency-Key`` on POST operations: a retry gets the first response, never a second change.

The operation, the claim of the key and the stored response share one transaction (see
``integrations.services.idempotency``). Only successful responses are stored: after a refusal nothing
changed, so the same key may be retried. Without the header the operation still runs in one
transaction, and a failure leaves nothing half done.

An operation whose response carries a secret shown once (``idempotent(shown_once=("secret",))``) stores
its response without that secret, and a retry with the same key gets 409 ``idempotency_secret_shown_once``
rather than the secret again: a stored copy would outlive the "shown once" by a day.
"""

import functools
import hashlib
import json
import re
import secrets
from collections.abc import Callable
from typing import Any, overload

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja.responses import Status
from pydantic import BaseModel

from chinhquyen.integrations.models import IdempotencyRecord
from chinhquyen.integrations.services import idempotency_claim, idempotency_complete

from .auth import caller_of
from .errors import ApiError
from .schemas.common import ResponseEncoder

HEADER = "Idempotency-Key"
KEY_FORMAT = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces
KEPT_HEADERS = ("Content-Type", "Location", "ETag")
REPLAY_HEADER = "Idempotent-Replayed"
SHOWN_ONCE_CODE = "idempotency_secret_shown_once"
CLAIM_META = "chinhquyen.idempotency_claim"  # where the wrapper leaves claim_token's value for the operation


def claim_token(request: HttpRequest) -> str:
    """64 hex characters naming this request's claim of its Idempotency-Key (random without a key).

    For an operation that keeps a key of its own (an online draft's client key): a digest of the whole key
    (255 characters fit no 64-character column) and of the claim's time, as the key used again after the
    24-hour window is a new request (docs/api.md §6) and must not find what the first one made.
    """
    return request.META.get(CLAIM_META) or secrets.token_hex(32)


def request_digest(request: HttpRequest) -> str:
    """SHA-256 of what makes two requests the same: method, path, query, ``If-Match`` (the version the change
    is asked for) and body (files by content)."""
    digest = hashlib.sha256()
    for part in (request.method or "", request.path, request.META.get("QUERY_STRING", "")):
        digest.update(part.encode() + b"\0")
    if if_match := request.headers.get("If-Match", "").strip():
        # Only when sent: a request without it hashes as before the header counted (records kept 24 hours).
        digest.update(b"If-Match:" + if_match.encode() + b"\0")
    if request.content_type == "multipart/form-data":
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                digest.update(f"{name}={value}".encode() + b"\0")
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(f"{name}:{upload.name}:{upload.size}".encode() + b"\0")
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        body = request.body
        try:  # the same JSON with other spacing or key order is the same request
            body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
        except (ValueError, RecursionError):  # not JSON, or nested too deep to read: the bytes as sent
            pass
        digest.update(body)
    return digest.hexdigest()


def render(result: Any) -> HttpResponseBase:
    """The JSON response of an operation's result (``Status(code, schema)`` or a schema)."""
    if isinstance(result, HttpResponseBase):
        return result
    status = 200
    if isinstance(result, Status):
        status, result = result.status_code, result.value
    # As ninja renders: instants in Vietnam time, also in the copy kept for a retry.
    data = result.model_dump() if isinstance(result, BaseModel) else result
    return JsonResponse(
        data, encoder=ResponseEncoder, status=status, safe=False, json_dumps_params={"ensure_ascii": False}
    )


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(record.response_body, status=record.status_code)
    for name, value in record.response_headers.items():
        response[name] = value
    response[REPLAY_HEADER] = "true"
    return response


def _without(body: bytes, fields: tuple[str, ...]) -> str:
    """The JSON body without the top-level ``fields`` (nothing, if it is not a JSON object)."""
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    return json.dumps({k: v for k, v in data.items() if k not in fields}, ensure_ascii=False)


def _shown_once_refusal() -> ApiError:
    return ApiError(
        409,
        SHOWN_ONCE_CODE,
        _(
            "The first request with this Idempotency-Key succeeded, and its response held a secret that is shown "
            "only once. If you did not keep it, undo what that request made and send a new request with a new key."
        ),
        field=HEADER,
        headers={REPLAY_HEADER: "true"},
    )


@overload
def idempotent(view: Callable[..., Any], *, shown_once: tuple[str, ...] = ()) -> Callable[..., Any]: ...


@overload
def idempotent(
    view: None = None, *, shown_once: tuple[str, ...] = ()
) -> Callable[[Callable[..., Any]], Callable[..., Any]]: ...


def idempotent(view: Callable[..., Any] | None = None, *, shown_once: tuple[str, ...] = ()) -> Any:
    """Run a POST operation once per ``Idempotency-Key`` of its caller (and always in one transaction).

    ``shown_once``: fields of the response (a new secret) never stored nor replayed; a retry is refused.
    """
    if view is None:
        return functools.partial(idempotent, shown_once=shown_once)

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            with transaction.atomic():
                return view(request, *args, **kwargs)
        if not KEY_FORMAT.match(key):
            raise ApiError(
                400,
                "invalid_idempotency_key",
                _("The Idempotency-Key must be 1 to 255 printable ASCII characters without spaces."),
                field=HEADER,
            )
        caller = caller_of(request)
        digest = request_digest(request)
        with transaction.atomic():
            claim = idempotency_claim(
                caller=caller.ident, key=key, request_hash=digest, method=request.method or "", path=request.path
            )
            if claim.replay:
                if shown_once:
                    raise _shown_once_refusal()
                return _replay(claim.record)
            claimed = f"{key}\0{claim.record.created_at.isoformat()}"
            request.META[CLAIM_META] = hashlib.sha256(claimed.encode()).hexdigest()
            response = render(view(request, *args, **kwargs))
            if 200 <= response.status_code < 300 and isinstance(response, HttpResponse):
                headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
                body = _without(response.content, shown_once) if shown_once else response.content.decode()
                idempotency_complete(record=claim.record, status_code=response.status_code, body=body, headers=headers)
            else:
                transaction.set_rollback(True)
            return response

    return wrapper
