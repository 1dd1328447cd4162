"""Helpers of the office browser tests (tests/e2e/test_office_*.py)."""

import os

from axe_playwright_python.sync_playwright import Axe

from tests.office.auth_helpers import totp_code, totp_device_for

# Set OFFICE_SHOTS to a folder to keep a screenshot of every page checked.
SHOTS = os.environ.get("OFFICE_SHOTS")


def violations(page) -> list[tuple[str, list]]:
    results = Axe().run(page)
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"]]


def check(page, name: str) -> None:
    """The page passes axe; optionally keep a screenshot for review."""
    assert violations(page) == [], name
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/office-{name}.png", full_page=True)


def sign_in(request, browser, live_server, user):
    """A browser of its own for an official, signed in through the real password + TOTP login.

    The context is closed when the test ends, before the live server stops serving its connections.
    """
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US")
    request.addfinalizer(context.close)
    page = context.new_page()
    page.set_default_timeout(10_000)
    device = totp_device_for(user)
    page.goto(f"{live_server.url}/office/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-test-123")
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.fill("#id_code", totp_code(device))
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url == f"{live_server.url}/office/"
    return page


def sign_in_page(page, live_server, user, next_url: str = "/office/"):
    """Sign an official in on an existing page through the office's password + TOTP login."""
    device = totp_device_for(user)
    page.goto(f"{live_server.url}{next_url}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-test-123")
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.fill("#id_code", totp_code(device))
    with page.expect_navigation():
        page.click("button[type=submit]")
    return page
