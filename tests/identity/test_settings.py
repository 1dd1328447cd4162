"""Production never runs the simulator; the sign-in is configured whole or not at all."""

import os
import subprocess
import sys

import pytest
from django.core.checks import run_checks

from chinhquyen.identity.checks import check_oidc_configured, check_simulator_off

GOOD_KEY = "k" * 20 + "-ci-only-0123456789-abcdefghijklmnopqrstuvwxyz"


def _settings(**env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OIDC_", "IDP_", "DJANGO_ENV", "SECRET_KEY"))}
    environ.update(env)
    code = (
        "import chinhquyen.config.settings as s; "
        "print(s.IDP_SIMULATOR, repr(s.OIDC_OP_ISSUER), s.OIDC_OP_TOKEN_ENDPOINT)"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=False
    )


def test_production_refuses_to_start_with_the_simulator_on():
    result = _settings(DJANGO_ENV="production", SECRET_KEY=GOOD_KEY, IDP_SIMULATOR="true")

    assert result.returncode == 1
    assert "IDP_SIMULATOR must be off in production" in result.stderr


def test_production_has_the_simulator_and_the_sign_in_off_by_default():
    result = _settings(DJANGO_ENV="production", SECRET_KEY=GOOD_KEY)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "''"]


def test_production_takes_the_provider_from_the_environment():
    result = _settings(
        DJANGO_ENV="production",
        SECRET_KEY=GOOD_KEY,
        OIDC_OP_ISSUER="https://vneid.example/",
        OIDC_RP_CLIENT_ID="province-37",
        OIDC_RP_CLIENT_SECRET="issued-by-the-provider",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "'https://vneid.example'", "https://vneid.example/token"]


def test_development_points_at_the_simulator_on_the_public_address():
    result = _settings(PUBLIC_BASE_URL="http://127.0.0.1:8000/")

    assert result.stdout.split() == ["True", "'http://127.0.0.1:8000/idp-sim'", "http://127.0.0.1:8000/idp-sim/token"]


@pytest.mark.django_db
def test_check_deploy_fails_with_the_simulator_on(settings):
    settings.IDP_SIMULATOR = True

    assert [m.id for m in check_simulator_off()] == ["identity.E002"]
    assert "identity.E002" in [m.id for m in run_checks(include_deployment_checks=True)]


def test_check_deploy_warns_about_a_provider_over_plain_http(settings):
    settings.IDP_SIMULATOR = False
    settings.OIDC_OP_ISSUER = "http://vneid.example"
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://vneid.example/token"

    assert [m.id for m in check_simulator_off()] == ["identity.W001"]


@pytest.mark.parametrize("missing", ["OIDC_OP_JWKS_ENDPOINT", "OIDC_RP_CLIENT_SECRET"])
def test_a_half_configured_provider_is_an_error(settings, missing):
    setattr(settings, missing, "")

    messages = check_oidc_configured()

    assert [m.id for m in messages] == ["identity.E001"]
    assert missing in messages[0].msg
