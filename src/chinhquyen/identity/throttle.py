"""Failure counters in the cache: local sign-in per login, sign-ups per client address.

Keys are hashed so that arbitrary input never reaches the cache backend. Several web processes need a
shared cache (``CACHE_URL``) for the limits to hold across them.
"""

import hashlib

from django.core.cache import cache

from chinhquyen.core.throttle_window import window_clear, window_hit

WINDOW_SECONDS = 15 * 60
LOCKOUT_SECONDS = 15 * 60


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().casefold().encode()).hexdigest()
    return f"identity:{kind}:{digest}"


def is_locked(*, scope: str, value: str) -> bool:
    return cache.get(_key(f"{scope}-lock", value)) is not None


def count(*, scope: str, value: str, limit: int) -> bool:
    """Count one event; the ``limit``-th within the window locks ``value`` out for a while (returns True)."""
    key = _key(f"{scope}-count", value)
    if window_hit(key=key, seconds=WINDOW_SECONDS) >= limit:
        cache.set(_key(f"{scope}-lock", value), True, LOCKOUT_SECONDS)
        window_clear(key=key)
        return True
    return False


def reset(*, scope: str, value: str) -> None:
    window_clear(key=_key(f"{scope}-count", value))
