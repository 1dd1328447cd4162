"""The session timeout warning and the e-form's unsaved input, in real Chromium with the page's clock run fast.

A citizen types into an e-form, is warned before the session ends and stays signed in; later the session
ends anyway, the save is refused by the sign-in page, and after signing in again the form has what was
typed. Signing in is done by setting a session as the sign-in pages do (those have their own tests).
"""

import re
import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from playwright.sync_api import expect

from chinhquyen.core.session_idle import ACTIVE_KEY
from chinhquyen.dossiers.models import Dossier
from tests.portal.apply_world import OnlineWorld

from .test_portal_apply import clean

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(context, live_server, user, minutes: int = 60) -> None:
    """A signed-in session limited to ``minutes`` without use, as the portal's sign-in makes it."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[ACTIVE_KEY] = int(time.time())
    session.set_expiry(minutes * 60)
    session.save()
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies([{"name": "sessionid", "value": session.session_key, "domain": host, "path": "/"}])


@pytest.fixture
def world():
    return OnlineWorld()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-US")
    yield context
    context.close()


def open_form(context, live_server, world):
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.clock.install()
    page.goto(f"{live_server.url}/nop-truc-tuyen/{world.procedure.code}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the application").click()
    return page


def kept_keys(page) -> list[str]:
    return page.evaluate("() => Object.keys(sessionStorage).filter((k) => k.startsWith('chinhquyen.kept.'))")


def test_warned_then_signed_out_the_typed_form_comes_back_after_signing_in(context, live_server, world):
    sign_in(context, live_server, world.applicant.user)
    page = open_form(context, live_server, world)
    form_url = page.url
    page.fill("#id_child_name", "Nguyễn Minh Khang")
    page.get_by_label("Male", exact=True).check()
    dialog = page.locator("#session-timeout")
    assert dialog.is_visible() is False

    # 55 minutes without a request: five minutes before the end, the warning.
    page.clock.fast_forward("55:01")
    assert dialog.get_by_role("heading").inner_text() == "You will be signed out soon"
    assert re.search(r"you will be signed out at \d\d:\d\d [AP]M\.", dialog.inner_text()), dialog.inner_text()
    assert "What you have typed in this form but not saved stays in this browser tab" in dialog.inner_text()
    clean(page, "session-warning")
    with page.expect_response("**/session/keep-alive/") as answer:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert answer.value.status == 200
    assert answer.value.json()["seconds"] in (3599, 3600)
    expect(dialog).to_be_hidden()  # once the answer is read

    # Later the session ends (here: ended on the server at once); the page says so at the end it knows.
    page.fill("#id_mother_name", "Trần Thị Bích")
    Session.objects.all().delete()
    page.clock.fast_forward("55:01")
    assert dialog.get_by_role("heading", name="You will be signed out soon").is_visible()
    page.clock.fast_forward("05:00")
    assert dialog.get_by_role("heading").filter(visible=True).inner_text() == "You have been signed out"
    path = form_url.removeprefix(live_server.url)
    sign_in_again = dialog.get_by_role("link", name="Sign in again")
    assert sign_in_again.get_attribute("href") == "/tai-khoan/dang-nhap/?next=" + path.replace("/", "%2F")
    clean(page, "session-ended")

    # The citizen closes the notice and saves anyway: the sign-in page, nothing saved, nothing lost here.
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    assert page.url == f"{live_server.url}/tai-khoan/dang-nhap/?next={path}"
    assert Dossier.objects.get().form_data.get("mother_name", "") == ""

    sign_in(context, live_server, world.applicant.user)
    page.goto(form_url)
    assert page.input_value("#id_child_name") == "Nguyễn Minh Khang"
    assert page.input_value("#id_mother_name") == "Trần Thị Bích"
    assert page.get_by_label("Male", exact=True).is_checked()
    notice = page.locator("[data-kept-notice]")
    assert notice.inner_text().startswith("What you typed in this form but had not saved has been put back.")
    clean(page, "eform-restored")
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    saved = Dossier.objects.get().form_data
    assert (saved["child_name"], saved["child_sex"], saved["mother_name"]) == (
        "Nguyễn Minh Khang",
        "Nam",
        "Trần Thị Bích",
    )
    assert notice.is_visible() is False  # saved: the copy in the tab is out of date, and dropped
    assert kept_keys(page) == []

    page.fill("#id_birth_place", "Ninh Bình")
    assert len(kept_keys(page)) == 1
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert kept_keys(page) == []


def test_unsaved_input_put_back_can_be_discarded_for_the_saved_draft(context, live_server, world):
    sign_in(context, live_server, world.applicant.user)
    page = open_form(context, live_server, world)
    page.fill("#id_child_name", "Nguyễn Minh Khang")
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    page.fill("#id_child_name", "Nguyễn Minh Khôi")  # typed, then the citizen goes elsewhere unsaved

    page.goto(f"{live_server.url}/ho-so-cua-toi/")
    page.go_back()
    assert page.input_value("#id_child_name") == "Nguyễn Minh Khôi"
    with page.expect_navigation():
        page.get_by_role("button", name="Show the saved draft instead").click()

    assert page.input_value("#id_child_name") == "Nguyễn Minh Khang"
    assert page.locator("[data-kept-notice]").is_visible() is False
