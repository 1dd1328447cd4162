"""Signing out on a shared computer: Back does not bring the applicant's pages out of the browser's memory.

The e-form is not ``no-store`` (Back to it must put unsaved input back), so Chrome keeps the pages left in its
back/forward cache, which Playwright turns off and people's Chrome has on. The sign-out's ``Clear-Site-Data``
drops those kept before it (here the start page, name in the header); the page it is sent from is kept only
after it, and ``portal/session.js`` fetches that one again when Back shows it (here the e-form, name and
personal ID filled in).
"""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import CHROMIUM_ARGS, _chromium_path
from tests.portal.apply_world import OnlineWorld

from .test_session_timeout import open_form, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def back_to(page, url: str) -> str:
    """Go Back and wait for ``url`` (a page restored from memory fires no "load"); the page's HTML."""
    page.go_back(wait_until="commit")
    expect(page).to_have_url(url)
    page.wait_for_load_state()
    return page.content()


def test_back_after_signing_out_shows_the_sign_in_page_not_the_applicants_pages(browser, live_server):
    world = OnlineWorld()
    applicant = world.applicant
    real_chrome = browser.browser_type.launch(
        executable_path=_chromium_path(),
        args=CHROMIUM_ARGS,
        ignore_default_args=["--disable-back-forward-cache"],
        headless=True,
    )
    try:
        context = real_chrome.new_context(viewport={"width": 1024, "height": 740}, locale="en-US")
        sign_in(context, live_server, applicant.user)
        page = open_form(context, live_server, world)  # the start page, then the e-form
        start_path = f"/nop-truc-tuyen/{world.procedure.code}/"
        form_path = page.url.removeprefix(live_server.url)
        assert re.fullmatch(r"/ho-so-cua-toi/\d+/thong-tin/", form_path), form_path
        assert (page.input_value("#id_applicant_name"), page.input_value("#id_applicant_id")) == (
            applicant.name,
            applicant.personal_id,
        )

        with page.expect_navigation():
            page.locator(".site-account").get_by_role("button", name="Sign out").click()
        assert page.url == f"{live_server.url}/"

        sign_in_url = f"{live_server.url}/tai-khoan/dang-nhap/?next="
        shown = {path: back_to(page, sign_in_url + path) for path in (form_path, start_path)}
        assert {path: (applicant.name in html, applicant.personal_id in html) for path, html in shown.items()} == {
            form_path: (False, False),
            start_path: (False, False),
        }
    finally:
        real_chrome.close()
