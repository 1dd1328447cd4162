"""A brandname SMS gateway over HTTP, as Vietnamese operators' resellers offer it.

``POST <SMS_URL>`` with ``{"phone", "message", "brandname"}`` as JSON and the API key as a bearer
token; the answer carries the gateway's message id. The call is not idempotent, so it is never
retried here: the notification task retries later, with the same ``Idempotency-Key``.
"""

from dataclasses import dataclass, field

import requests
from django.conf import settings

from .base import SmsError


@dataclass
class HttpBackend:
    url: str
    api_key: str
    brandname: str
    timeout: float = 10.0
    session: requests.Session = field(default_factory=requests.Session)

    @classmethod
    def from_settings(cls) -> "HttpBackend":
        return cls(
            url=settings.SMS_URL,
            api_key=settings.SMS_API_KEY,
            brandname=settings.SMS_BRANDNAME,
            timeout=settings.SMS_TIMEOUT,
        )

    def send(self, *, phone: str, message: str, ref: str = "") -> str:
        headers = {"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"}
        if ref:
            headers["Idempotency-Key"] = ref
        payload = {"phone": phone, "message": message, "brandname": self.brandname}
        try:
            response = self.session.post(self.url, json=payload, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise SmsError(f"SMS gateway unreachable: {type(exc).__name__}") from exc
        status = response.status_code
        if status == 429 or status >= 500:
            raise SmsError(f"SMS gateway busy or failing (HTTP {status}).")
        if status >= 400:
            # A refused number or message: the same request would be refused again.
            raise SmsError(f"SMS gateway refused the message (HTTP {status}).", retryable=False)
        try:
            body = response.json()
        except ValueError as exc:
            raise SmsError("SMS gateway answered without JSON.") from exc
        reference = body.get("id") if isinstance(body, dict) else None
        if not reference:
            raise SmsError("SMS gateway answered without a message id.")
        return str(reference)
