"""A local webhook receiver: a requests transport that answers in-process, as a subscriber would.

It checks each delivery's signature and timestamp the way docs/api.md tells subscribers to, and
answers with the status codes queued in ``answers`` (200 when none is left). No socket is opened.
"""

import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import BaseAdapter

from chinhquyen.integrations import webhook_client

TOLERANCE_SECONDS = 300


def signature_valid(*, secret: str, timestamp: str, body: bytes, signature: str, now: float | None = None) -> bool:
    """What a subscriber does: recompute HMAC-SHA256 over "<timestamp>.<body>", refuse old timestamps."""
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


@dataclass
class Received:
    url: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver(BaseAdapter):
    answers: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        body = request.body if isinstance(request.body, bytes) else str(request.body or "").encode()
        self.received.append(Received(url=str(request.url), headers=dict(request.headers), body=body))
        response = requests.Response()
        response.status_code = self.answers.pop(0) if self.answers else 200
        response._content = b"ok" if response.status_code < 300 else b"try later"
        response.request = request
        response.url = str(request.url)
        return response

    def close(self) -> None:
        pass

    def install(self, monkeypatch: Any) -> "Receiver":
        def session() -> requests.Session:
            s = requests.Session()
            s.mount("https://", self)
            s.mount("http://", self)
            return s

        monkeypatch.setattr(webhook_client, "session_factory", session)
        return self
