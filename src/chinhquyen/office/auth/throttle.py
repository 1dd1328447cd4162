"""Failed-login throttling per username, in the cache.

Failures count for any username, existing or not, so the lockout says nothing about which accounts
exist. The counter is reset only after a full sign-in (password and code), so a known password does
not buy unlimited guesses at the code.
"""

import hashlib
import logging

from django.core.cache import cache

from chinhquyen.core.throttle_window import window_clear, window_hit

logger = logging.getLogger(__name__)

FAILURE_LIMIT = 5
WINDOW_SECONDS = 15 * 60
LOCKOUT_SECONDS = 15 * 60


def _key(kind: str, username: str) -> str:
    # Hash so that arbitrary input never reaches the cache backend as a key.
    digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
    return f"office-auth:{kind}:{digest}"


def login_locked(*, username: str) -> bool:
    return cache.get(_key("lock", username)) is not None


def login_failed(*, username: str) -> None:
    """Count a failure; the ``FAILURE_LIMIT``-th within the window locks the username out."""
    key = _key("fail", username)
    count = window_hit(key=key, seconds=WINDOW_SECONDS)
    # For the security log: %r, since the username is whatever was typed.
    logger.warning("Office sign-in failed for username %r (%d of %d).", username, count, FAILURE_LIMIT)
    if count >= FAILURE_LIMIT:
        cache.set(_key("lock", username), True, LOCKOUT_SECONDS)
        window_clear(key=key)
        logger.warning("Office sign-in blocked for %d minutes for username %r.", LOCKOUT_SECONDS // 60, username)


def login_succeeded(*, username: str) -> None:
    window_clear(key=_key("fail", username))
