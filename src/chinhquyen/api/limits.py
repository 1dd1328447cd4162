"""Rate limits per credential and per client address, counted in the shared cache.

Fixed one-minute windows: simple, one cache increment per request. With the default local-memory
cache each process counts for itself; set ``CACHE_URL`` to a shared cache (Redis, database) so the
limit holds across processes.
"""

import math
import threading
import time

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from chinhquyen.core.throttle_window import counter_hit

WINDOW_SECONDS = 60


def client_address(request: HttpRequest) -> str:
    """The address the request came from (the reverse proxy must pass the client's as REMOTE_ADDR)."""
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def rate_hit(bucket: str, limit: int, *, now: float | None = None) -> int | None:
    """Count one request in ``bucket``; return the seconds to wait when over ``limit`` a minute, else None."""
    if limit <= 0:
        return None
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    count = counter_hit(key=f"api-rate:{bucket}:{window}", ends_at=(window + 1) * WINDOW_SECONDS + 5, now=now)
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))


class CallerThrottle(BaseThrottle):
    """``API_RATE_LIMIT_PER_KEY`` requests a minute per credential (anonymous callers: per address)."""

    _local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        from .auth import Caller, CallerKind

        caller = getattr(request, "auth", None)
        if not isinstance(caller, Caller) or caller.kind is CallerKind.ANONYMOUS:
            return True  # the per-address limit of the middleware applies
        wait = rate_hit(caller.ident, settings.API_RATE_LIMIT_PER_KEY)
        self._local.wait = wait
        return wait is None

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)
