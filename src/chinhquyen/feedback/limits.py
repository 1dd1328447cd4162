"""How many petitions one client may file an hour without an account of the platform: the same limit on the
portal's form and at the public API, counted in the shared cache (``CACHE_URL``).

A window is a clock hour; a client is as ``core.clients.client_of_address`` says (an IPv6 client: its /64).
"""

import hashlib
import math
import time

from django.core.cache import cache

from chinhquyen.core.throttle_window import counter_hit

PETITIONS_PER_HOUR = 5
HOUR = 60 * 60


def _key(client: str, now: float) -> str:
    # Hashed, so that no client input reaches the cache backend as a key.
    return f"petition-quota:{int(now // HOUR)}:{hashlib.sha256(client.encode()).hexdigest()}"


def petition_quota_wait(*, client: str, now: float | None = None) -> int:
    """Seconds until ``client`` may file again (0: it may now)."""
    now = time.time() if now is None else now
    if (cache.get(_key(client, now)) or 0) < PETITIONS_PER_HOUR:
        return 0
    return max(1, math.ceil((int(now // HOUR) + 1) * HOUR - now))


def petition_quota_use(*, client: str, now: float | None = None) -> None:
    """Count one filing (or one refused robot's attempt) of ``client`` in the current hour."""
    now = time.time() if now is None else now
    # Kept a minute past the hour it names; that hour is in the key.
    counter_hit(key=_key(client, now), ends_at=(int(now // HOUR) + 1) * HOUR + 60, now=now)
