"""The postal settings fail at start-up rather than when an officer first sends a result."""

import os
import subprocess
import sys

import pytest
from django.urls import resolve

GOOD_KEY = "k" * 20 + "-ci-only-0123456789-abcdefghijklmnopqrstuvwxyz"


def _load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("POSTAL_", "DJANGO_ENV", "DEBUG", "SECRET_KEY"))}
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", "import chinhquyen.config.settings as s; print(s.POSTAL_BACKEND, s.POSTAL_SIMULATOR)"],
        env={**keep, **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        pytest.param(
            {"POSTAL_BACKEND": "simulator"}, "The postal simulator delivers nothing", id="simulator-in-production"
        ),
        pytest.param(
            {"POSTAL_BACKEND": "http"}, "POSTAL_BACKEND=http needs POSTAL_URL, POSTAL_CUSTOMER_CODE", id="http-unset"
        ),
        pytest.param(
            {
                "POSTAL_BACKEND": "http",
                "POSTAL_URL": "http://postal.example.vn/api/",
                "POSTAL_CUSTOMER_CODE": "C1",
                "POSTAL_API_KEY": "k",
            },
            "POSTAL_URL must be an https:// address",
            id="http-not-https",
        ),
    ],
)
def test_production_refuses_unsafe_postal_settings(env, message):
    result = _load_settings(DJANGO_ENV="production", DEBUG="false", SECRET_KEY=GOOD_KEY, **env)

    assert result.returncode == 1
    assert message in result.stderr


def test_production_has_no_postal_partner_until_one_is_set():
    result = _load_settings(DJANGO_ENV="production", DEBUG="false", SECRET_KEY=GOOD_KEY)

    assert result.stdout.split() == ["False"]  # POSTAL_BACKEND is "" (printed as nothing), no simulator


def test_development_uses_the_simulator_and_mounts_its_api():
    result = _load_settings(DJANGO_ENV="development")

    assert result.stdout.split() == ["simulator", "True"]
    assert resolve("/postal-sim/api/orders").url_name == "order_create"
