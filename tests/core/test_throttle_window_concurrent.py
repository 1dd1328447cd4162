"""On the database cache, hits at the same instant in several processes each count (sign-in lockouts).

Django's ``DatabaseCache.incr`` is a read then a write: without a lock, two failures read the same count and
write the same next one, and guesses sent in parallel slip past the lockout of docs/security.md.
"""

import threading

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from chinhquyen.core.throttle_window import counter_hit, window_hit

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS, PER_WRITER = 8, 5


@pytest.fixture
def db_cache(settings):
    if connection.vendor != "postgresql":
        pytest.skip("threads writing one SQLite file wait on its lock rather than on a row")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "throttle_concurrent"}
    }
    call_command("createcachetable", verbosity=0)
    yield cache
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE throttle_concurrent")


def _in_parallel(hit):
    start = threading.Barrier(WRITERS)
    counts: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            for _ in range(PER_WRITER):
                counts.append(hit())
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return counts


def test_parallel_hits_on_a_counter_each_count(db_cache):
    counts = _in_parallel(lambda: counter_hit(key="sign-in:parallel", ends_at=4_000_000_000.0))

    assert sorted(counts) == list(range(1, WRITERS * PER_WRITER + 1))
    assert db_cache.get("sign-in:parallel") == WRITERS * PER_WRITER


def test_parallel_failures_in_a_window_each_count(db_cache):
    counts = _in_parallel(lambda: window_hit(key="sign-in:window", seconds=900))

    assert sorted(counts) == list(range(1, WRITERS * PER_WRITER + 1))
