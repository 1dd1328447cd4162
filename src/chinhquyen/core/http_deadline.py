"""An outside system's answer read within a total time and a size, for the client modules (postal, webhooks).

requests' ``timeout`` applies to connecting and to each read of the socket, not to the whole answer: a server
sending its headers or its body a byte a second, or a chunked body that never ends, holds the caller (the one
task worker) for as long as it likes. :func:`request_within` bounds the whole exchange, from connecting to the
last byte read, on the monotonic clock, reads at most a given size of the body, and closes the connection.

Until the status line and headers have come, a watchdog thread armed for the deadline shuts the connection's
socket down (``shutdown(SHUT_RDWR)``, which ends a blocked read at once, plain or TLS); for that the session must
send through :class:`DeadlineAdapter` (:func:`deadline_session`), whose connections show it their sockets.
Through any other adapter the headers are bounded per read only. Two waits come before there is a socket to shut
and stay as requests has them: resolving the name (the system resolver's own limits) and connecting, ``seconds``
for each address tried.
"""

import json
import socket
import threading
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager
from urllib3.poolmanager import pool_classes_by_scheme as urllib3_pool_classes


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
    watchdog = _Watchdog(seconds)
    try:
        with watchdog:
            response = session.request(method, url, stream=True, timeout=seconds, **kwargs)
    except requests.RequestException as exc:
        if watchdog.fired or time.monotonic() >= deadline:  # whatever failed, the time was up
            raise TotalTimeout(_late(seconds)) from exc
        raise
    try:
        if watchdog.fired:  # the headers came as the time ran out: the socket is shut, the body cannot follow
            raise TotalTimeout(_late(seconds))
        body, complete = _read(response, deadline=deadline, max_bytes=max_bytes, seconds=seconds)
    finally:
        response.close()  # an answer not read to its end closes the connection: it is not pooled half-read
    return Answer(status_code=response.status_code, headers=response.headers, body=body, complete=complete)


def _late(seconds: float) -> str:
    return f"no complete answer within {seconds:g} s"


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
            raise TotalTimeout(_late(seconds))
        if connection is not None and connection.sock is not None:
            connection.sock.settimeout(left)  # the next read waits no longer than the time left
        try:
            chunk = raw.read1(max_bytes + 1 - len(body), decode_content=True)  # what has come, up to the size
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise TotalTimeout(_late(seconds)) from exc
        except urllib3.exceptions.HTTPError as exc:
            raise requests.ConnectionError(str(exc)) from exc
        if not chunk:
            return bytes(body), True
        body += chunk
    return bytes(body[:max_bytes]), False


# --- The watchdog over the status line and headers --------------------------------------------------------------

_current = threading.local()  # the watchdog of the request this thread is sending, if any


class _Watchdog:
    """Shuts down the sockets of the request's connections when ``seconds`` have passed, unless disarmed first.

    Used as a context manager around ``session.request``: connections made or reused meanwhile in this thread
    (by :class:`DeadlineAdapter`) show it their sockets, of which it keeps a duplicate descriptor until disarmed,
    so that it shuts the connection itself (during a TLS handshake too) and never a descriptor number the
    connection closed and the system gave to another socket.
    """

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._disarmed = False
        self._outer: _Watchdog | None = None
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def __enter__(self) -> "_Watchdog":
        self._outer = getattr(_current, "watchdog", None)
        _current.watchdog = self
        self._timer.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        _current.watchdog = self._outer
        self._timer.cancel()
        with self._lock:
            self._disarmed = True  # from here on ``fired`` no longer changes
            sockets, self._sockets = self._sockets, []
        self._timer.join()  # no thread left behind
        for sock in sockets:
            sock.close()  # the duplicates only: the connection stays open for its owner

    def watch(self, sock: socket.socket) -> None:
        duplicate = socket.fromfd(sock.fileno(), sock.family, sock.type, sock.proto)
        with self._lock:
            self._sockets.append(duplicate)
            if self.fired:
                _shut(duplicate)

    def _fire(self) -> None:
        with self._lock:
            if self._disarmed:
                return
            self.fired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)  # the blocked read in the request's thread ends at once
    except OSError:
        pass  # already closed by the other end


def _watch(connection: "_WatchedHTTPConnection", sock: socket.socket) -> None:
    watchdog: _Watchdog | None = getattr(_current, "watchdog", None)
    if watchdog is not None and connection.watched_by is not watchdog:
        connection.watched_by = watchdog
        watchdog.watch(sock)


class _WatchedHTTPConnection(HTTPConnection):
    """Shows the sending thread's watchdog its socket: when connected, or when reused for another request."""

    watched_by: _Watchdog | None = None

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _watch(self, sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        if self.sock is not None:  # kept from an earlier answer; a new connection has shown its socket
            _watch(self, self.sock)
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(_WatchedHTTPConnection, HTTPSConnection):
    pass


class _WatchedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOLS: dict[str, type[HTTPConnectionPool]] = {
    "http": _WatchedHTTPConnectionPool,
    "https": _WatchedHTTPSConnectionPool,
}


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter whose connections :func:`request_within` can cut off while waiting for the headers.

    Directly and through an HTTP proxy; through a SOCKS proxy, the headers are bounded per read only.
    """

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _WATCHED_POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        manager: PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if manager.pool_classes_by_scheme is urllib3_pool_classes:  # not SOCKS', which has its own
            manager.pool_classes_by_scheme = _WATCHED_POOLS
        return manager


def deadline_session() -> requests.Session:
    """A session sending through :class:`DeadlineAdapter`, for :func:`request_within`."""
    session = requests.Session()
    adapter = DeadlineAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
