"""An official's API tokens in real Chromium: create one by keyboard and mouse, see it once, revoke it; axe."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from chinhquyen.integrations.models import OfficerToken
from tests.office.auth_helpers import totp_next_code
from tests.office.browser import check, sign_in
from tests.office.helpers import office_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_official_creates_sees_once_and_revokes_a_token(request, browser, live_server, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no back-off between the wrong code and the right one
    o = office_make(prefix="tok")
    page = sign_in(request, browser, live_server, o.specialist)
    device = TOTPDevice.objects.get(user=o.specialist)

    with page.expect_navigation():
        page.get_by_role("link", name="API tokens").click()
    page.fill("#id_name", "   ")  # passes the browser's "required", not the server's
    page.get_by_label("90 days").check()
    page.get_by_label("Authentication code").fill(totp_next_code(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Create the token").click()
    assert page.locator("#id_name").get_attribute("aria-invalid") == "true"
    assert "Give the token a name." in page.inner_text("main")
    check(page, "tokens-errors")

    page.fill("#id_name", "Laptop")
    page.get_by_label("90 days").check()
    page.get_by_label("Authentication code").fill(f"{(int(totp_next_code(device)) + 1) % 1_000_000:06d}")
    with page.expect_navigation():
        page.get_by_role("button", name="Create the token").click()
    assert page.locator("#id_code").get_attribute("aria-invalid") == "true"
    assert "The code is not correct. Enter the code your authenticator app shows now." in page.inner_text("main")
    assert OfficerToken.objects.count() == 0
    check(page, "tokens-code-error")

    page.get_by_label("90 days").check()
    page.get_by_label("Authentication code").fill(totp_next_code(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Create the token").click()
    secret = page.locator("#token-value").input_value()
    token = OfficerToken.objects.get()
    assert secret.startswith(token.prefix + "_")
    check(page, "token-created")

    with page.expect_navigation():
        page.get_by_role("link", name="I have copied it: back to your tokens").click()
    assert secret not in page.content()
    assert "Laptop" in page.locator("tbody").inner_text()
    check(page, "tokens")

    with page.expect_navigation():
        page.get_by_role("link", name="Revoke Laptop").click()
    check(page, "token-revoke")
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm: Revoke the token").click()

    assert "The token “Laptop” is revoked; it no longer works." in page.inner_text("main")
    assert "Revoked" in page.locator("tbody").inner_text()
    token.refresh_from_db()
    assert token.revoked_by == o.specialist
