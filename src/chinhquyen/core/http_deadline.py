"""An outside system's answer read within a total time and a size, for the client modules (postal, webhooks).

requests' ``timeout`` applies to connecting and to each read of the socket, not to the whole answer: a server
sending a byte a second, or a chunked body that never ends, holds the caller (the one task worker) for as long
as it likes. :func:`request_within` streams the body, stops at a deadline on the monotonic clock or at a size,
and closes the connection. Waiting for the status line and headers is still bounded per read only.
"""

import json
import time
from dataclasses import dataclass
from typing import Any

import requests
import urllib3
from requests.structures import CaseInsensitiveDict


class TotalTimeout(requests.Timeout):
    """The whole answer did not arrive within the time allowed (a requests.Timeout, handled as one)."""


@dataclass(frozen=True)
class Answer:
    """What was read of the answer: ``complete`` is False when the body went on past the size allowed."""

    status_code: int
    headers: CaseInsensitiveDict[str]
    body: bytes
    complete: bool

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body as JSON; ValueError if it is not (or is cut short)."""
        return json.loads(self.body)


def request_within(
    session: requests.Session, method: str, url: str, *, seconds: float, max_bytes: int, **kwargs: Any
) -> Answer:
    """Send the request and read at most ``max_bytes`` of the body, all within ``seconds`` from now.

    Raises TotalTimeout past the deadline, and what ``session.request`` raises (requests.RequestException).
    """
    deadline = time.monotonic() + seconds
    response = session.request(method, url, stream=True, timeout=seconds, **kwargs)
    try:
        body, complete = _read(response, deadline=deadline, max_bytes=max_bytes, seconds=seconds)
    finally:
        response.close()  # an answer not read to its end closes the connection: it is not pooled half-read
    return Answer(status_code=response.status_code, headers=response.headers, body=body, complete=complete)


def _read(response: requests.Response, *, deadline: float, max_bytes: int, seconds: float) -> tuple[bytes, bool]:
    raw = response.raw
    if raw is None:  # a transport that answers in-process (tests') hands the body over whole
        content = response.content or b""
        return content[:max_bytes], len(content) <= max_bytes
    body = bytearray()
    connection = getattr(raw, "connection", None)
    while len(body) <= max_bytes:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TotalTimeout(f"no complete answer within {seconds:g} s")
        if connection is not None and connection.sock is not None:
            connection.sock.settimeout(left)  # the next read waits no longer than the time left
        try:
            chunk = raw.read1(max_bytes + 1 - len(body), decode_content=True)  # what has come, up to the size
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise TotalTimeout(f"no complete answer within {seconds:g} s") from exc
        except urllib3.exceptions.HTTPError as exc:
            raise requests.ConnectionError(str(exc)) from exc
        if not chunk:
            return bytes(body), True
        body += chunk
    return bytes(body[:max_bytes]), False
