"""Limits applied to API requests before anything else reads them: size, then rate per address; JSON 405s;
HEAD answered as GET without the body; one access-log record per API request."""

import json
import logging
from collections.abc import Callable
from time import perf_counter

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from .auth import caller_log_name
from .errors import error_response
from .limits import client_address, rate_hit

API_PREFIX = "/api/"
# One record per API request: who, what, the outcome and how long (docs/operations.md, "API access log").
access_log = logging.getLogger("chinhquyen.api.access")


class ApiLimitsMiddleware:
    """Refuse oversized API requests (413) and callers over the per-address rate (429 with Retry-After);
    give a wrong method's 405 the API's error shape; answer a HEAD as its GET without the body (RFC 9110
    §9.3.2); log every API request once, when it is answered.

    Runs before sessions and credentials are read, so a flood of bad keys is limited as well.
    Uploads are then streamed to temporary files by Django (FILE_UPLOAD_MAX_MEMORY_SIZE), never
    held whole in memory.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        started = perf_counter()
        response = self._answer(request)
        _access_record(request, response, latency_ms=round((perf_counter() - started) * 1000))
        return _without_body(response) if request.method == "HEAD" else response

    def _answer(self, request: HttpRequest) -> HttpResponse:
        # LocaleMiddleware has not run yet: answer in the caller's language all the same.
        language = translation.get_language_from_request(request)
        with translation.override(language):
            refusal = self._check(request)
        if refusal is not None:
            return refusal
        head = request.method == "HEAD"
        if head:
            # The views see a GET (ninja's operations know no HEAD): only what GET runs ever runs, never a write.
            request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            if head:
                request.method = "HEAD"
        if isinstance(response, HttpResponseNotAllowed):
            with translation.override(language):
                return self._not_allowed(response)
        return response

    @staticmethod
    def _not_allowed(response: HttpResponseNotAllowed) -> HttpResponse:
        # ninja answers a method no operation of the path takes with a plain-text 405: give the API's error
        # shape instead, with the methods allowed (in one order: ninja lists them from a set), HEAD with GET.
        allowed = {method.strip() for method in response["Allow"].split(",")}
        if "GET" in allowed:
            allowed.add("HEAD")
        return error_response(
            405,
            "method_not_allowed",
            _("This method is not allowed here; the Allow header lists those that are."),
            headers={"Allow": ", ".join(sorted(allowed))},
        )

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response(400, "malformed_request", _("The Content-Length header is not a number."))
        multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
        limit = settings.API_MAX_REQUEST_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return error_response(
                413,
                "request_too_large",
                _("The request is larger than %(limit)d bytes.") % {"limit": limit},
            )
        wait = rate_hit(f"ip:{client_address(request)}", settings.API_RATE_LIMIT_PER_IP)
        if wait is not None:
            return error_response(
                429,
                "rate_limited",
                _("Too many requests; wait before trying again."),
                headers={"Retry-After": str(wait)},
            )
        return None


def _without_body(response: HttpResponse) -> HttpResponse:
    """The answer to a HEAD: the GET's status and headers, its body's length in Content-Length, no body.

    A streamed file keeps the Content-Length it was given; its file is closed with the response.
    """
    if isinstance(response, StreamingHttpResponse):
        response.streaming_content = []
    else:
        if not response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        response.content = b""
    return response


def _error_code(response: HttpResponse) -> str:
    """The ``code`` of an error answer in the API's shape, else empty."""
    if response.status_code < 400 or response.streaming or response.get("Content-Type") != "application/json":
        return ""
    try:
        body = json.loads(response.content)
    except ValueError:
        return ""
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, str) else ""


def _access_record(request: HttpRequest, response: HttpResponse, *, latency_ms: int) -> None:
    """Log the request: caller, method, path (without the query string), status, error code, latency.

    Refusals of credentials (401, 403) at WARNING, server errors at ERROR, the rest at INFO. Never a
    secret or a body; the path's control characters are escaped so that it cannot forge a record.
    """
    status = response.status_code
    level = logging.WARNING if status in (401, 403) else logging.ERROR if status >= 500 else logging.INFO
    if not access_log.isEnabledFor(level):
        return
    fields = {
        "caller": caller_log_name(request),
        "method": request.method or "",
        "path": "".join(c if c.isprintable() else repr(c)[1:-1] for c in request.path),
        "status": status,
        "error_code": _error_code(response),
        "latency_ms": latency_ms,
    }
    access_log.log(
        level,
        "caller=%s method=%s path=%s status=%d code=%s ms=%d",
        fields["caller"],
        fields["method"],
        fields["path"],
        status,
        fields["error_code"] or "-",
        latency_ms,
        extra=fields,
    )
