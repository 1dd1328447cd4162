"""The postal partner's JSON API over HTTPS (a VNPost-like "bưu chính công ích" service).

``POST <POSTAL_URL>orders`` places an order (``kind``: a delivery, or a pickup at the sender's address),
``GET <POSTAL_URL>orders/<number>`` tracks it and ``POST <POSTAL_URL>orders/<number>/cancel`` cancels
it; the API key goes as a bearer token and our
customer code in ``X-Customer-Code``. The partner deduplicates orders by reference (sent again as
``Idempotency-Key``), so every call is idempotent and is retried, only on 429, 5xx or no answer, a few
times with a growing pause. A refusal (other 4xx) is never retried: the same order would be refused again.
Each attempt's whole answer must come within ``timeout`` (``core.http_deadline``), not each read of it.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests
from django.conf import settings

from chinhquyen.core.http_deadline import Answer, deadline_session, request_within

from .client import DeliveryOrder, OrderReceipt, PostalError, Tracking

USER_AGENT = "chinhquyen-postal/1"
MAX_ANSWER = 1_000_000  # bytes: an order's tracking is a few KB; more is not an answer of the partner's


@dataclass
class HttpBackend:
    base_url: str
    customer_code: str
    api_key: str
    timeout: float = 10.0
    retries: int = 2
    backoff: float = 0.5
    session: requests.Session = field(default_factory=deadline_session)
    sleep: Callable[[float], None] = time.sleep

    @classmethod
    def from_settings(cls) -> "HttpBackend":
        return cls(
            base_url=settings.POSTAL_URL,
            customer_code=settings.POSTAL_CUSTOMER_CODE,
            api_key=settings.POSTAL_API_KEY,
            timeout=settings.POSTAL_TIMEOUT,
            retries=settings.POSTAL_RETRIES,
        )

    def _url(self, path: str) -> str:
        return self.base_url.rstrip("/") + "/" + path

    def _call(self, method: str, path: str, *, body: dict[str, Any] | None = None, key: str = "") -> dict[str, Any]:
        headers = {
            "Authorization": f"Bearer {self.api_key}",
            "X-Customer-Code": self.customer_code,
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        if key:
            headers["Idempotency-Key"] = key
        attempt = 0
        while True:
            try:
                response = request_within(
                    self.session,
                    method,
                    self._url(path),
                    seconds=self.timeout,
                    max_bytes=MAX_ANSWER,
                    json=body,
                    headers=headers,
                    allow_redirects=False,
                )
            except requests.RequestException as exc:
                failure = PostalError(
                    f"The postal partner did not answer ({type(exc).__name__}).",
                    code="partner_unreachable",
                    retryable=True,
                )
            else:
                refused = self._failure(response)
                if refused is None:
                    return self._json(response)
                failure = refused
            if not failure.retryable or attempt >= self.retries:
                raise failure
            attempt += 1
            self.sleep(self.backoff * 2 ** (attempt - 1))

    @staticmethod
    def _failure(response: Answer) -> PostalError | None:
        status = response.status_code
        if 200 <= status < 300:
            return None
        if status == 429 or status >= 500:
            return PostalError(
                f"The postal partner is busy or failing (HTTP {status}).", code="partner_busy", retryable=True
            )
        try:
            error = response.json().get("error") or {}
        except (ValueError, AttributeError):
            error = {}
        if not isinstance(error, dict):
            error = {}
        return PostalError(
            str(error.get("message") or f"The postal partner refused the request (HTTP {status})."),
            code=str(error.get("code") or f"http_{status}"),
            field=str(error.get("field") or ""),
        )

    @staticmethod
    def _json(response: Answer) -> dict[str, Any]:
        if not response.complete:
            raise PostalError("The postal partner's answer is too long.", code="partner_bad_answer")
        try:
            body = response.json()
        except ValueError as exc:
            raise PostalError("The postal partner answered without JSON.", code="partner_bad_answer") from exc
        if not isinstance(body, dict) or not body.get("order_number"):
            raise PostalError("The postal partner answered without an order.", code="partner_bad_answer")
        return body

    def order_create(self, order: DeliveryOrder) -> OrderReceipt:
        body = self._call("POST", "orders", body=order.as_json(), key=order.reference)
        return OrderReceipt(
            order_number=str(body["order_number"]), item_code=str(body.get("item_code") or ""), state=str(body["state"])
        )

    def order_track(self, *, order_number: str) -> Tracking:
        body = self._call("GET", f"orders/{quote(order_number, safe='')}")
        events = body.get("events") or []
        return Tracking(
            order_number=str(body["order_number"]),
            item_code=str(body.get("item_code") or ""),
            state=str(body.get("state") or ""),
            events=tuple(
                {"state": str(e.get("state", "")), "at": str(e.get("at", "")), "note": str(e.get("note", ""))}
                for e in events
                if isinstance(e, dict)
            ),
        )

    def order_cancel(self, *, order_number: str) -> None:
        self._call("POST", f"orders/{quote(order_number, safe='')}/cancel")
