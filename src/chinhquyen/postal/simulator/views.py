"""The simulator's partner API, mounted at /postal-sim/ only while ``settings.POSTAL_SIMULATOR`` is on.

It answers like the partner :class:`~chinhquyen.postal.http.HttpBackend` expects, so that backend is
tried against it (in tests through a transport that calls these views in-process):

- ``POST api/orders`` with the order as JSON → 201 (200 for a reference already ordered) and the order;
- ``GET api/orders/<order number>`` → the order's state and tracking events;
- ``POST api/orders/<order number>/cancel`` → the cancelled order.

Refusals are ``{"error": {"code", "message", "field"}}`` with a 4xx status. Callers send their customer
code in ``X-Customer-Code`` and the API key as a bearer token (checked when ``POSTAL_API_KEY`` is set).
"""

import json
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from chinhquyen.core.access import access

from ..client import PostalError
from .orders import sim_order_cancel, sim_order_create, sim_order_get, sim_tracking_json

_STATUS = {"order_not_found": 404, "not_cancellable": 409, "invalid_state_change": 409, "partner_busy": 503}


def _error(exc: PostalError) -> JsonResponse:
    body = {"error": {"code": exc.code, "message": exc.message, "field": exc.field}}
    return JsonResponse(body, status=_STATUS.get(exc.code, 422))


def _caller(request: HttpRequest) -> str | JsonResponse:
    """The caller's customer code, or the refusal to answer."""
    key = settings.POSTAL_API_KEY
    if key and not secrets.compare_digest(request.headers.get("Authorization", ""), f"Bearer {key}"):
        return JsonResponse({"error": {"code": "unauthorised", "message": "Wrong API key.", "field": ""}}, status=401)
    customer = request.headers.get("X-Customer-Code", "").strip()
    if not customer:
        body = {"error": {"code": "customer_required", "message": "X-Customer-Code is missing.", "field": ""}}
        return JsonResponse(body, status=400)
    return customer


def _answer(request: HttpRequest, call: Callable[[str], JsonResponse]) -> JsonResponse:
    customer = _caller(request)
    if isinstance(customer, JsonResponse):
        return customer
    try:
        return call(customer)
    except PostalError as exc:
        return _error(exc)


@access(public=True, description="Development only: the postal simulator's API (create an order)")
@csrf_exempt  # a machine-to-machine API authenticated by its key, like the partner's
@require_POST
def order_create(request: HttpRequest) -> JsonResponse:
    try:
        payload: Any = json.loads(request.body)
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        return _error(PostalError("Expected the order as a JSON object.", code="invalid_order"))

    def create(customer: str) -> JsonResponse:
        order, new = sim_order_create(customer_code=customer, payload=payload)
        return JsonResponse(sim_tracking_json(order), status=201 if new else 200)

    return _answer(request, create)


@access(public=True, description="Development only: the postal simulator's API (track an order)")
@require_GET
def order_detail(request: HttpRequest, order_number: str) -> JsonResponse:
    return _answer(
        request,
        lambda customer: JsonResponse(
            sim_tracking_json(sim_order_get(customer_code=customer, order_number=order_number))
        ),
    )


@access(public=True, description="Development only: the postal simulator's API (cancel an order)")
@csrf_exempt  # a machine-to-machine API authenticated by its key, like the partner's
@require_POST
def order_cancel(request: HttpRequest, order_number: str) -> JsonResponse:
    return _answer(
        request,
        lambda customer: JsonResponse(
            sim_tracking_json(sim_order_cancel(customer_code=customer, order_number=order_number))
        ),
    )
