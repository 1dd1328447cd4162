"""The one client for subscribers' webhook endpoints: timeouts, no redirects, a plain result.

Nothing else in the project sends webhooks. Tests replace :data:`session_factory` with one whose
transport routes to a local receiver, so no test reaches the network.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings

from chinhquyen.core.http_deadline import DeadlineAdapter, deadline_session, request_within

from .addresses import host_non_public_addresses

TIMEOUT_SECONDS = 10  # for the whole answer, not each read (docs/api.md §7)
BODY_READ = 1024  # of the receiver's answer: the rest is not read
USER_AGENT = "chinhquyen-webhooks/1"


@dataclass(frozen=True)
class SendResult:
    """The receiver's status code, or None and the error when no response came."""

    status_code: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class PublicAddressAdapter(DeadlineAdapter):
    """Sends only to hosts whose addresses are all public (``addresses.py``), checked before connecting.

    The name is resolved here and again by the connection, so a DNS server answering differently within
    that moment could still point a request inward; an egress firewall closes that (docs/security.md).
    """

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        parts = urlsplit(request.url or "")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        refused = host_non_public_addresses(parts.hostname or "", port)
        if refused:
            raise requests.ConnectionError(
                f"{parts.hostname} resolves to {', '.join(refused)}, not a public address: refused "
                "(WEBHOOK_ALLOW_PRIVATE_ADDRESSES)"
            )
        return super().send(request, *args, **kwargs)


def _default_session() -> requests.Session:
    session = deadline_session()
    if not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        for prefix in ("https://", "http://"):
            session.mount(prefix, PublicAddressAdapter())
    return session


session_factory: Callable[[], requests.Session] = _default_session


def webhook_post(*, url: str, body: bytes, headers: dict[str, str]) -> SendResult:
    """POST ``body`` to ``url``; never raises for network errors, never follows a redirect.

    The whole answer must come within TIMEOUT_SECONDS, of which the first KB is read (kept for a refusal):
    a receiver dripping its answer is cut off and the attempt failed, to be retried.
    """
    session = session_factory()
    try:
        answer = request_within(
            session,
            "POST",
            url,
            seconds=TIMEOUT_SECONDS,
            max_bytes=BODY_READ,
            data=body,
            headers={"User-Agent": USER_AGENT, "Content-Type": "application/json", **headers},
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return SendResult(status_code=None, error=f"{type(exc).__name__}: {exc}"[:1000])
    finally:
        session.close()
    error = "" if 200 <= answer.status_code < 300 else answer.text[:1000]
    return SendResult(status_code=answer.status_code, error=error)
