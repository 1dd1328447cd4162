"""The timeout warning counts from the last htmx request too, in real Chromium with both clocks moved on.

A search sent by htmx is a use of the session: the server moves its end on and says how long is left
(``X-Session-Ends-In``); the page's countdown starts again from there instead of warning, then saying
"You have been signed out", while the session is alive.
"""

import time as real_time
from types import SimpleNamespace

import pytest

from chinhquyen.core import session_idle
from tests.office.browser import sign_in
from tests.office.helpers import office_make, received

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server_clock(monkeypatch):
    """Minutes to add to the session code's time.time(), moved with the page's clock.

    Held still between moves: a request that straddled a second would otherwise read 599 seconds left.
    """
    start = int(real_time.time())
    shift = [0]
    monkeypatch.setattr(session_idle, "time", SimpleNamespace(time=lambda: start + shift[0] * 60))
    return shift


def dialog_state(page) -> dict:
    return page.evaluate(
        """() => {const d = document.getElementById('session-timeout');
        return {open: d.open, heading: document.getElementById(d.getAttribute('aria-labelledby')).textContent}}"""
    )


def test_an_htmx_search_restarts_the_countdown_of_the_page(request, browser, live_server, settings, server_clock):
    settings.OFFICIAL_SESSION_IDLE_MINUTES = 10  # the warning shows 150 s (a quarter) before the end
    office = office_make(prefix="sc")
    received(office)
    page = sign_in(request, browser, live_server, office.front_desk)
    page.clock.install()
    page.goto(f"{live_server.url}/office/search/")

    # Six minutes later the officer searches: an htmx request, which the server records as a use.
    page.clock.fast_forward("06:00")
    server_clock[0] = 6
    page.fill("#id_code", "H99")
    with page.expect_response(lambda r: "/office/search/?" in r.url) as answer:
        page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#results h2') !== null")
    assert answer.value.headers["x-session-ends-in"] == "600"

    # Nine minutes after the page was loaded (its own countdown warned at 7 min 30 s), three after the search.
    page.clock.fast_forward("03:00")
    assert dialog_state(page) == {"open": False, "heading": "You will be signed out soon"}

    # 150 seconds before the end the search moved on, the warning shows.
    page.clock.fast_forward("04:31")
    assert dialog_state(page) == {"open": True, "heading": "You will be signed out soon"}
