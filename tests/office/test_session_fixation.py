"""Session fixation: a session key planted in an official's browser before they type their password neither
sees the authenticator key of their first sign-in nor finishes it; the key changes at the password step."""

import pytest
from django.conf import settings
from django.test import Client

from chinhquyen.office.auth import flow
from tests.factories import StaffRoleFactory

from .auth_helpers import totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/office/auth/login/"
SETUP = "/office/auth/totp/setup/"
ACCOUNT = "/office/auth/account/"
PASSWORD = "pw-test-123"


def _planted() -> tuple[Client, Client]:
    """The attacker's client and the official's browser holding the attacker's session cookie."""
    attacker = Client()
    attacker.get(LOGIN)
    attacker.session.save()
    key = attacker.cookies[settings.SESSION_COOKIE_NAME].value
    victim = Client()
    victim.cookies[settings.SESSION_COOKIE_NAME] = key
    return attacker, victim


def test_the_password_step_gives_the_session_a_new_key():
    StaffRoleFactory(user__username="canbo", role="specialist")
    attacker, victim = _planted()
    planted = victim.cookies[settings.SESSION_COOKIE_NAME].value

    victim.post(LOGIN, {"username": "canbo", "password": PASSWORD, "next": ACCOUNT})

    assert victim.cookies[settings.SESSION_COOKIE_NAME].value != planted
    assert flow.PENDING_KEY in victim.session


def test_a_planted_session_neither_sees_the_enrolment_key_nor_signs_in():
    official = StaffRoleFactory(user__username="canbo", role="specialist").user
    attacker, victim = _planted()
    victim.post(LOGIN, {"username": "canbo", "password": PASSWORD, "next": ACCOUNT})
    shown = victim.get(SETUP).context["secret"]

    seen = attacker.get(SETUP)
    device = official.totpdevice_set.get(pk=victim.session[flow.PENDING_KEY]["device"])
    taken = attacker.post(SETUP, {"code": totp_code(device)})

    assert (seen.status_code, seen["Location"]) == (302, LOGIN)  # the planted session holds nothing now
    assert len(shown.replace(" ", "")) == 32
    assert taken.status_code == 302
    assert taken["Location"].startswith(LOGIN)
    assert attacker.get(ACCOUNT).status_code == 302
    assert not official.totpdevice_set.filter(confirmed=True).exists()
