"""Every answer to a session with an idle limit says how long it has left (``X-Session-Ends-In``).

An htmx request loads no page, so no page tells session.js the new end: the header does, and the page's
countdown starts again from it.
"""

from types import SimpleNamespace

import pytest

from chinhquyen.core import session_idle
from chinhquyen.core.session_idle import ACTIVE_KEY, ENDS_IN_HEADER
from tests.factories import StaffRoleFactory, UserFactory
from tests.office.auth_helpers import totp_code, totp_device_for

pytestmark = pytest.mark.django_db

SEARCH = "/office/search/"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/office/search/"}
NOW = 1_800_000_000


@pytest.fixture
def clock(monkeypatch):
    """time.time() as the session code sees it, to the second."""
    now = [NOW]
    monkeypatch.setattr(session_idle, "time", SimpleNamespace(time=lambda: now[0]))
    return now


@pytest.fixture
def official(client, settings, clock):
    settings.OFFICIAL_SESSION_IDLE_MINUTES = 10
    user = StaffRoleFactory(user__username="canbo", role="specialist").user
    device = totp_device_for(user)
    client.post("/office/auth/login/", {"username": "canbo", "password": "pw-test-123", "next": SEARCH})
    client.post("/office/auth/login/code/", {"code": totp_code(device)})
    assert client.session[ACTIVE_KEY] == NOW
    return user


def test_an_htmx_request_within_the_minute_says_the_end_it_did_not_move(client, official, clock):
    clock[0] = NOW + 30  # a use within the minute is not recorded: the session is not saved again

    response = client.get(SEARCH, {"code": "H99"}, **HTMX)

    assert response.status_code == 200
    assert response[ENDS_IN_HEADER] == str(10 * 60 - 30)


def test_an_htmx_request_after_the_minute_says_the_whole_limit_again(client, official, clock):
    clock[0] = NOW + 6 * 60

    response = client.get(SEARCH, {"code": "H99"}, **HTMX)

    assert response[ENDS_IN_HEADER] == "600"
    assert client.session[ACTIVE_KEY] == NOW + 6 * 60


def test_the_sign_in_answer_says_the_whole_limit(client, settings, clock):
    settings.OFFICIAL_SESSION_IDLE_MINUTES = 10
    user = StaffRoleFactory(user__username="canbo", role="specialist").user
    device = totp_device_for(user)
    client.post("/office/auth/login/", {"username": "canbo", "password": "pw-test-123", "next": SEARCH})

    response = client.post("/office/auth/login/code/", {"code": totp_code(device)})

    assert (response.status_code, response[ENDS_IN_HEADER]) == (302, "600")


def test_the_sign_out_answer_says_nothing(client, official):
    response = client.post("/office/auth/logout/")

    assert response.status_code == 302
    assert ENDS_IN_HEADER not in response


def test_an_anonymous_request_says_nothing(client):
    response = client.get("/")

    assert ENDS_IN_HEADER not in response


def test_a_session_without_an_idle_limit_says_nothing(client):
    client.force_login(UserFactory())  # not signed in through a page that limits the session

    response = client.get("/")

    assert ENDS_IN_HEADER not in response
