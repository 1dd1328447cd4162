"""An official signs in to the office with a password and a TOTP code in real Chromium; both steps pass axe."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import StaffRoleFactory
from tests.office.auth_helpers import totp_code, totp_device_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACCOUNT = "/office/auth/account/"


def _violations(page) -> list[str]:
    results = Axe().run(page)
    return [v["id"] for v in results.response["violations"]]


def test_official_signs_in_with_password_and_code(page, live_server):
    official = StaffRoleFactory(user__username="motcua", role="front_desk").user
    device = totp_device_for(official)

    page.goto(f"{live_server.url}/office/auth/login/?next={ACCOUNT}")
    assert _violations(page) == []
    page.fill("#id_username", "motcua")
    page.fill("#id_password", "pw-test-123")
    with page.expect_navigation():
        page.click("button[type=submit]")

    assert page.url == f"{live_server.url}/office/auth/login/code/"
    assert page.locator("#id_code").get_attribute("autocomplete") == "one-time-code"
    assert _violations(page) == []
    page.fill("#id_code", totp_code(device))
    with page.expect_navigation():
        page.click("button[type=submit]")

    assert page.url == f"{live_server.url}{ACCOUNT}"
    assert "motcua" in page.locator("main").inner_text()


def test_wrong_code_shows_an_alert_that_passes_axe(page, live_server):
    official = StaffRoleFactory(user__username="chuyenvien", role="specialist").user
    device = totp_device_for(official)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"

    page.goto(f"{live_server.url}/office/auth/login/")
    page.fill("#id_username", "chuyenvien")
    page.fill("#id_password", "pw-test-123")
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.fill("#id_code", wrong)
    with page.expect_navigation():
        page.click("button[type=submit]")

    assert page.locator("[role=alert]").count() == 1
    assert _violations(page) == []


def test_first_sign_in_sets_up_the_authenticator(page, live_server):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    official = StaffRoleFactory(user__username="lanhdao", role="leader").user

    page.goto(f"{live_server.url}/office/auth/login/?next={ACCOUNT}")
    page.fill("#id_username", "lanhdao")
    page.fill("#id_password", "pw-test-123")
    with page.expect_navigation():
        page.click("button[type=submit]")

    assert page.url == f"{live_server.url}/office/auth/totp/setup/"
    assert page.locator("img[src^='data:image/svg+xml']").count() == 1
    assert _violations(page) == []
    device = TOTPDevice.objects.get(user=official, confirmed=False)
    assert page.locator("#totp-secret").inner_text().replace(" ", "") in device.config_url
    page.fill("#id_code", totp_code(device))
    with page.expect_navigation():
        page.click("button[type=submit]")

    assert page.url == f"{live_server.url}{ACCOUNT}"
