"""Counters of hits in a time window, in the default cache, that end when the window ends on every backend.

Local memory, Redis and memcached increment in place and keep a key's expiry. Django's generic
``BaseCache.incr``, which the database and file caches use, is a get then a ``set`` with the *default*
timeout (five minutes): left alone, each hit would move the window's end to five minutes after it, and
four failures every five minutes would never lock anyone out. So after an increment on those backends the
time left is put back with ``touch``.

On local memory and Redis the count is atomic. On the database cache the read and the write run in one
transaction that first locks the counter's row (a no-op update), so hits at the same instant in several
processes each count: without it, guesses sent in parallel would slip past a lockout. The file cache stays a
read then a write (it is for one process only).
"""

import math
import time

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction


def counter_hit(*, key: str, ends_at: float, now: float | None = None) -> int:
    """Count one hit on ``key``, a counter that lasts until ``ends_at`` (seconds since the epoch); return the count.

    For windows fixed in advance (a clock hour, a minute), ``key`` names the window.
    """
    now = time.time() if now is None else now
    cache = caches[DEFAULT_CACHE_ALIAS]
    left = max(1, math.ceil(ends_at - now))
    cache.add(key, 0, left)
    if isinstance(cache, DatabaseCache):
        return _database_hit(cache, key=key, left=left)
    return _hit(cache, key=key, left=left)


def _hit(cache: BaseCache, *, key: str, left: int) -> int:
    try:
        count = int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, left)
        return 1
    if type(cache).incr is BaseCache.incr:  # get then set with the default timeout: restore the end
        cache.touch(key, left)
    return count


def _database_hit(cache: DatabaseCache, *, key: str, left: int) -> int:
    """:func:`_hit` with the counter's row locked first: another process's hit waits for this one's commit.

    The lock is a write (an update that changes nothing), taken before the read, so that SQLite, which locks
    the whole file, never has to turn a read lock into a write lock half-way (it would refuse, not wait).
    """
    db = router.db_for_write(cache.cache_model_class)
    connection = connections[db]
    quote = connection.ops.quote_name
    stored_key = cache.make_and_validate_key(key)
    with transaction.atomic(using=db), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(cache.cache_model_class._meta.db_table)} SET {quote('expires')} = {quote('expires')} "  # noqa: S608 - names quoted
            f"WHERE {quote('cache_key')} = %s",
            [stored_key],
        )
        return _hit(cache, key=key, left=left)


def window_hit(*, key: str, seconds: int, now: float | None = None) -> int:
    """Count one hit in the window of ``key``, ``seconds`` long from its first hit; return the hits in it."""
    now = time.time() if now is None else now
    cache = caches[DEFAULT_CACHE_ALIAS]
    ends_at = cache.get(_end_key(key))
    if ends_at is None:
        ends_at = now + seconds
        if not cache.add(_end_key(key), ends_at, seconds):  # another process opened the window first
            ends_at = cache.get(_end_key(key), ends_at)
    return counter_hit(key=_count_key(key, ends_at), ends_at=ends_at, now=now)


def window_clear(*, key: str) -> None:
    """Forget the hits of ``key``'s window: the next hit opens a new one."""
    cache = caches[DEFAULT_CACHE_ALIAS]
    ends_at = cache.get(_end_key(key))
    cache.delete_many([_end_key(key)] if ends_at is None else [_end_key(key), _count_key(key, ends_at)])


def _end_key(key: str) -> str:
    return f"{key}:end"


def _count_key(key: str, ends_at: float) -> str:
    # Named after the window's end: a count left over from an earlier window is never read again.
    return f"{key}:{round(ends_at * 1000)}"
