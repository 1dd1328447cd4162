"""Counting windows keep their end on every cache backend, the database cache's get-then-set ``incr`` too.

docs/security.md: "Five failures (password or code) within 15 minutes lock the username for 15 minutes".
"""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.cache.backends import base as cache_base
from django.core.cache.backends import db as cache_db
from django.core.cache.backends import filebased as cache_file
from django.core.cache.backends import locmem as cache_locmem
from django.core.management import call_command

from chinhquyen.core import throttle_window
from chinhquyen.core.errors import DomainError
from chinhquyen.core.throttle_window import counter_hit, window_clear, window_hit
from chinhquyen.identity import services
from tests.factories import StaffRoleFactory

pytestmark = pytest.mark.django_db

START = 1_800_000_000.0
BACKENDS = {
    "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle-window"},
    "dbcache": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "throttle_window_cache"},
    "filecache": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache"},
}


@pytest.fixture(params=sorted(BACKENDS))
def clock(request, settings, monkeypatch, tmp_path):
    """The cache backend under test, and the clock (seconds since the epoch) that it and the counters read."""
    backend = dict(BACKENDS[request.param])
    if request.param == "filecache":
        backend["LOCATION"] = str(tmp_path / "cache")
    settings.CACHES = {"default": backend}
    if request.param == "dbcache":
        call_command("createcachetable", verbosity=0)
    now = [START]
    fake_time = SimpleNamespace(time=lambda: now[0])
    for module in (cache_base, cache_locmem, cache_file, throttle_window):
        monkeypatch.setattr(module, "time", fake_time)
    monkeypatch.setattr(cache_db, "tz_now", lambda: datetime.fromtimestamp(now[0], tz=UTC))
    cache.clear()  # a local-memory store outlives the test that filled it
    yield now
    cache.clear()


def test_a_window_counts_from_its_first_hit_to_its_end(clock):
    counts = [window_hit(key="k", seconds=900) for _ in range(4)]
    clock[0] += 301  # past the cache's default timeout (300 s), well within the window
    counts.append(window_hit(key="k", seconds=900))
    clock[0] = START + 899
    counts.append(window_hit(key="k", seconds=900))
    clock[0] = START + 901  # the window of the first hit is over: a new one begins
    counts.append(window_hit(key="k", seconds=900))

    assert counts == [1, 2, 3, 4, 5, 6, 1]


def test_a_cleared_window_starts_again(clock):
    window_hit(key="k", seconds=900)
    window_hit(key="k", seconds=900)

    window_clear(key="k")

    assert window_hit(key="k", seconds=900) == 1


def test_windows_of_different_keys_count_apart(clock):
    window_hit(key="a", seconds=900)

    assert (window_hit(key="a", seconds=900), window_hit(key="b", seconds=900)) == (2, 1)


def test_a_counter_lasts_until_its_end_not_the_default_timeout(clock):
    end = START + 3600
    counts = [counter_hit(key="hour", ends_at=end) for _ in range(3)]
    clock[0] += 301
    counts.append(counter_hit(key="hour", ends_at=end))
    clock[0] += 301
    counts.append(counter_hit(key="hour", ends_at=end))
    clock[0] = end + 1
    counts.append(counter_hit(key="hour", ends_at=end + 3600))

    assert counts == [1, 2, 3, 4, 5, 1]


def test_five_wrong_office_passwords_within_fifteen_minutes_lock_the_username(client, clock):
    StaffRoleFactory(user__username="canbo", role="specialist")  # password pw-test-123
    for _ in range(4):
        client.post("/office/auth/login/", {"username": "canbo", "password": "wrong"})
    clock[0] += 301  # five minutes later
    client.post("/office/auth/login/", {"username": "canbo", "password": "wrong"})  # the fifth failure

    response = client.post("/office/auth/login/", {"username": "canbo", "password": "pw-test-123"})

    assert response.status_code == 400


def test_five_wrong_local_passwords_within_fifteen_minutes_lock_the_login(clock, settings):
    settings.LOCAL_ACCOUNTS_ENABLED = True

    def attempt():
        try:
            services.local_sign_in(login="hoa@example.vn", password="wrong")
        except DomainError as exc:
            return exc.code

    codes = [attempt() for _ in range(4)]
    clock[0] += 301
    codes += [attempt(), attempt()]  # the fifth failure within 15 minutes, then one more try

    assert codes[-2:] == ["sign_in_invalid", "sign_in_locked"]
