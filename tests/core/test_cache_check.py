"""check --deploy refuses a cache the web processes do not share: the rate limits and lockouts count in it."""

import pytest
from django.core.checks import Error, Warning, run_checks
from django.test import override_settings

from chinhquyen.core.checks import SHARED_CACHE_HINT, check_rate_limit_cache_shared

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DUMMY = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
DATABASE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "chinhquyen_cache"}}
FILES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": "/tmp/cq-cache"}}  # noqa: S108 - never written


def test_a_cache_local_to_each_process_is_a_warning():
    with override_settings(CACHES=LOCMEM):
        messages = check_rate_limit_cache_shared()

    assert messages == [
        Warning(
            "The default cache is local to each process (CACHE_URL=locmemcache://, the default): every web worker "
            "counts for itself, so with N workers the sign-in lockouts and the rate limits (API, public lookups, "
            "petitions, sign-ups) allow N times their limits.",
            hint=SHARED_CACHE_HINT,
            id="core.W001",
        )
    ]


def test_a_dummy_cache_counts_nothing_and_is_an_error():
    with override_settings(CACHES=DUMMY):
        messages = check_rate_limit_cache_shared()

    assert messages == [
        Error(
            "The default cache is a dummy cache: nothing is counted, so the sign-in lockouts and the rate limits "
            "(API, public lookups, petitions, sign-ups) never apply.",
            hint=SHARED_CACHE_HINT,
            id="core.E003",
        )
    ]
    assert "dbcache://chinhquyen_cache" in SHARED_CACHE_HINT


@pytest.mark.parametrize("caches", [DATABASE, FILES], ids=["database", "files"])
def test_a_shared_cache_passes(caches):
    with override_settings(CACHES=caches):
        assert check_rate_limit_cache_shared() == []


@pytest.mark.django_db
def test_only_check_deploy_runs_it():
    with override_settings(CACHES=LOCMEM):
        deploy = [m.id for m in run_checks(include_deployment_checks=True)]
        plain = [m.id for m in run_checks(include_deployment_checks=False)]
    with override_settings(CACHES=DATABASE):
        shared = [m.id for m in run_checks(include_deployment_checks=True)]

    assert "core.W001" in deploy
    assert "core.W001" not in plain
    assert "core.W001" not in shared
    assert "core.E003" not in deploy + plain + shared
