"""Failure counters in the cache: local sign-in per login, sign-ups per client address.

Keys are hashed so that arbitrary input never reaches the cache backend. Several web processes need a
shared cache (``CACHE_URL``) for the limits to hold across them.
"""

import hashlib

from django.core.cache import cache

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
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        seen = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        seen = 1
    if seen >= limit:
        cache.set(_key(f"{scope}-lock", value), True, LOCKOUT_SECONDS)
        cache.delete(key)
        return True
    return False


def reset(*, scope: str, value: str) -> None:
    cache.delete(_key(f"{scope}-count", value))
