"""Settings are read from the environment once; production refuses unsafe values."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django_tasks import task_backends

GOOD_KEY = "k" * 20 + "-ci-only-0123456789-abcdefghijklmnopqrstuvwxyz"


def _load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_ENV", "DATABASE_URL"}}
    environ.update(env)
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", "import chinhquyen.config.settings as s; print(s.DEBUG, s.PRODUCTION)"],
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "django-insecure-" + "x" * 60}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": GOOD_KEY, "DEBUG": "true"}, "DEBUG must be off in production"),
    ],
    ids=["missing", "short", "insecure-prefix", "debug-on"],
)
def test_production_refuses_to_start_with_unsafe_settings(env, message):
    result = _load_settings(DJANGO_ENV="production", **env)
    assert result.returncode == 1
    assert message in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = _load_settings(DJANGO_ENV="production", SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False True"


def test_unknown_environment_name_is_refused():
    result = _load_settings(DJANGO_ENV="staging")
    assert "DJANGO_ENV must be 'development' or 'production', not 'staging'" in result.stderr


def test_tasks_use_the_durable_database_backend():
    # A mistyped TASKS silently falls back to running tasks inline; make sure it did not.
    backend = task_backends["default"]
    assert f"{type(backend).__module__}.{type(backend).__name__}" == "django_tasks_db.backend.DatabaseBackend"


def test_sqlite_runs_in_wal_mode_with_immediate_transactions():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite only")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert "PRAGMA journal_mode=WAL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"


def test_vietnamese_is_the_default_language_and_time_zone_is_vietnam():
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _name in settings.LANGUAGES] == ["vi", "en"]
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
