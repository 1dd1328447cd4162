"""The session timeout warning: pages say how long a session has left; "stay signed in" moves its end on."""

from types import SimpleNamespace

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from chinhquyen.core import session_idle
from chinhquyen.core.session_idle import ACTIVE_KEY
from tests.factories import StaffRoleFactory

from .auth_helpers import totp_code, totp_device_for

pytestmark = pytest.mark.django_db

ACCOUNT = "/office/auth/account/"
KEEP_ALIVE = "/session/keep-alive/"
NOW = 1_800_000_000


@pytest.fixture
def clock(monkeypatch):
    """time.time() as the session code sees it, to the second."""
    now = [NOW]
    monkeypatch.setattr(session_idle, "time", SimpleNamespace(time=lambda: now[0]))
    return now


@pytest.fixture
def official(client, settings, clock):
    settings.OFFICIAL_SESSION_IDLE_MINUTES = 30
    user = StaffRoleFactory(user__username="canbo", role="specialist").user
    device = totp_device_for(user)
    client.post("/office/auth/login/", {"username": "canbo", "password": "pw-test-123", "next": ACCOUNT})
    client.post("/office/auth/login/code/", {"code": totp_code(device)})
    assert client.session[ACTIVE_KEY] == NOW
    return user


def test_a_page_says_how_long_the_session_has_left_and_when_to_warn(client, official, clock):
    clock[0] = NOW + 50  # within the minute: the use is not recorded again

    response = client.get(ACCOUNT)

    assert response.context["session_idle"] == {"seconds": 30 * 60 - 50, "warn_seconds": 300}
    html = response.content.decode()
    assert 'data-seconds="1750" data-warn-seconds="300" data-sign-in-url="/office/auth/login/"' in html
    assert 'action="/office/auth/logout/" data-session-sign-out' in html
    assert '<script src="/static/portal/session.js" defer></script>' in html


def test_a_short_limit_warns_a_quarter_of_it_before_the_end(client, official, settings, clock):
    session = client.session
    session.set_expiry(8 * 60)
    session.save()

    assert client.get(ACCOUNT).context["session_idle"] == {"seconds": 480, "warn_seconds": 120}


def test_stay_signed_in_records_a_use_and_moves_the_end_on(client, official, clock):
    clock[0] = NOW + 20 * 60 + 30  # the warning would show from 25 minutes on; 30 s into the minute

    response = client.post(KEEP_ALIVE)

    assert (response.status_code, response.json()) == (200, {"seconds": 30 * 60})
    assert response["Cache-Control"].startswith("max-age=0")
    assert client.session[ACTIVE_KEY] == NOW + 20 * 60 + 30
    stored = Session.objects.get(session_key=client.session.session_key)
    assert abs((stored.expire_date - timezone.now()).total_seconds() - 30 * 60) < 5


def test_stay_signed_in_after_the_end_sends_to_the_sign_in_page(client, official):
    Session.objects.all().delete()

    response = client.post(KEEP_ALIVE)

    assert (response.status_code, response["Location"]) == (302, f"/admin/login/?next={KEEP_ALIVE}")


def test_stay_signed_in_is_a_post(client, official):
    assert client.get(KEEP_ALIVE).status_code == 405


def test_pages_of_sessions_without_an_idle_limit_carry_no_warning(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())  # not signed in through a page that limits the session

    response = client.get("/")

    assert "session_idle" not in response.context
    assert 'id="session-timeout"' not in response.content.decode()
