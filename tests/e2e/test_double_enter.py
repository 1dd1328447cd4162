"""A confirmation sent twice in real Chromium: Enter pressed twice on "Confirm: Receive" receives the dossier
once and ends on the outcome page with the receipt; a form with several submit buttons still sends the one
clicked."""

import re
import threading

import pytest

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import DossierStatus
from tests.office.browser import sign_in
from tests.office.helpers import draft, office_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enter_twice_on_confirm_receive_ends_on_the_outcome_page_with_the_receipt(
    request, browser, live_server, monkeypatch
):
    o = office_make(prefix="enter")
    dossier = draft(o)
    # The first request's answer is held until Enter is pressed again: the second press finds the page still
    # waiting, as a held key or a quick second press does on a real network.
    received, release = threading.Event(), threading.Event()
    receive = services.dossier_receive

    def receive_then_hold(**kwargs):
        result = receive(**kwargs)
        if not received.is_set():
            received.set()
            release.wait(timeout=30)
        return result

    monkeypatch.setattr(services, "dossier_receive", receive_then_hold)
    page = sign_in(request, browser, live_server, o.front_desk)
    action_url = f"{live_server.url}/office/dossiers/{dossier.pk}/actions/receive/"
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(action_url)
    page.get_by_role("button", name="Confirm: Receive").focus()

    page.keyboard.press("Enter")
    assert received.wait(timeout=30)
    page.keyboard.press("Enter")
    release.set()
    page.wait_for_url(f"{live_server.url}/office/reception/{dossier.pk}/outcome/")

    assert page.get_by_role("heading", level=1).inner_text() == "Dossier received"
    assert page.get_by_role("link", name="Receipt and appointment slip (PDF)").get_attribute("href") == (
        f"/office/dossiers/{dossier.pk}/slips/01.pdf"
    )
    assert "The action was refused" not in page.inner_text("main")
    assert posts == [action_url]
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.events.filter(action="receive").count() == 1


def test_a_form_with_several_submit_buttons_sends_the_one_clicked_once(request, browser, live_server):
    o = office_make(prefix="twob")
    page = sign_in(request, browser, live_server, o.front_desk)
    sent: list[str | None] = []

    def answer(route):
        sent.append(route.request.post_data)
        route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>sent</title><p>sent</p>")

    page.route(f"{live_server.url}/echo/", answer)
    form = (
        '<form method="post" action="/echo/"><input type="hidden" name="expected_version" value="3">'
        '<button name="choice" value="keep">Keep</button> <button name="choice" value="drop">Drop</button></form>'
    )
    page.evaluate('(form) => document.getElementById("main").insertAdjacentHTML("beforeend", form)', form)
    page.get_by_role("button", name="Drop").focus()

    with page.expect_navigation(url=re.compile(r"/echo/$")):
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")

    assert sent == ["expected_version=3&choice=drop"]
