"""The one client for subscribers' webhook endpoints: timeouts, no redirects, a plain result.

Nothing else in the project sends webhooks. Tests replace :data:`session_factory` with one whose
transport routes to a local receiver, so no test reaches the network.
"""

from collections.abc import Callable
from dataclasses import dataclass

import requests

TIMEOUT_SECONDS = 10
USER_AGENT = "chinhquyen-webhooks/1"


@dataclass(frozen=True)
class SendResult:
    """The receiver's status code, or None and the error when no response came."""

    status_code: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _default_session() -> requests.Session:
    return requests.Session()


session_factory: Callable[[], requests.Session] = _default_session


def webhook_post(*, url: str, body: bytes, headers: dict[str, str]) -> SendResult:
    """POST ``body`` to ``url``; never raises for network errors, never follows a redirect."""
    session = session_factory()
    try:
        response = session.post(
            url,
            data=body,
            headers={"User-Agent": USER_AGENT, "Content-Type": "application/json", **headers},
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return SendResult(status_code=None, error=f"{type(exc).__name__}: {exc}"[:1000])
    finally:
        session.close()
    error = "" if 200 <= response.status_code < 300 else response.text[:1000]
    return SendResult(status_code=response.status_code, error=error)
