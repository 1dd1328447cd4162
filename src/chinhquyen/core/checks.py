"""System checks of the shared kernel: the keys that encrypt stored secrets, the cache that counts limits."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache

from .crypto import key_valid

GENERATE = "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
SHARED_CACHE_HINT = (
    "Set CACHE_URL to a cache every web process shares, e.g. dbcache://chinhquyen_cache "
    "(then run manage.py createcachetable); see docs/operations.md."
)


@checks.register(checks.Tags.security)
def check_field_encryption_keys_valid(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """core.E001: every FIELD_ENCRYPTION_KEY is a Fernet key."""
    bad = [i for i, key in enumerate(settings.FIELD_ENCRYPTION_KEY, start=1) if not key_valid(key.strip())]
    if not bad:
        return []
    return [
        checks.Error(
            f"FIELD_ENCRYPTION_KEY: key number {', '.join(map(str, bad))} is not a Fernet key.",
            hint=f"Make one with: python -c {GENERATE!r}",
            id="core.E001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_field_encryption_key_set(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """core.E002: production has its own FIELD_ENCRYPTION_KEY (webhook secrets are encrypted with it)."""
    if any(key.strip() for key in settings.FIELD_ENCRYPTION_KEY):
        return []
    return [
        checks.Error(
            "FIELD_ENCRYPTION_KEY is not set: webhook signing secrets can be neither stored nor read.",
            hint=f"Set it to a Fernet key (python -c {GENERATE!r}); store it apart from the database backups.",
            id="core.E002",
        )
    ]


@checks.register(checks.Tags.security, checks.Tags.caches, deploy=True)
def check_rate_limit_cache_shared(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """core.E003, core.W001: rate limits and sign-in lockouts count in a cache every web process shares.

    Every limit counts in the default cache: the failed sign-in lockouts (office, local accounts), which
    are always on, the per-address limits of sign-ups, public lookups and petitions, and the API rate
    limits. A dummy cache keeps no count, so none of them ever applies; a local-memory cache keeps one
    count per process, so each of several gunicorn workers allows the full limit.
    """
    cache = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(cache, DummyCache):
        return [
            checks.Error(
                "The default cache is a dummy cache: nothing is counted, so the sign-in lockouts and the rate "
                "limits (API, public lookups, petitions, sign-ups) never apply.",
                hint=SHARED_CACHE_HINT,
                id="core.E003",
            )
        ]
    if isinstance(cache, LocMemCache):
        return [
            checks.Warning(
                "The default cache is local to each process (CACHE_URL=locmemcache://, the default): every web "
                "worker counts for itself, so with N workers the sign-in lockouts and the rate limits (API, "
                "public lookups, petitions, sign-ups) allow N times their limits.",
                hint=SHARED_CACHE_HINT,
                id="core.W001",
            )
        ]
    return []
