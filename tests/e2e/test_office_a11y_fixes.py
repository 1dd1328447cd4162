"""Keyboard and screen-reader defects of the office, in real Chromium: the session-timeout dialog that ends while
open, a corrected htmx search that kept its old errors, and apology-letter links and confirmations that did not
say which letter."""

import pytest
from django.utils import timezone

from chinhquyen.dossiers import services
from tests.factories import working_days_later
from tests.office.browser import sign_in, violations
from tests.office.helpers import office_make, received

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DIALOG_STATE = """() => {
  const dialog = document.getElementById("session-timeout");
  const label = document.getElementById(dialog.getAttribute("aria-labelledby"));
  return {open: dialog.open, label: label.textContent, labelHidden: label.closest("[hidden]") !== null,
          focus: document.activeElement.textContent.trim(), inDialog: dialog.contains(document.activeElement)};
}"""


def _dossier_page_with_clock(request, browser, live_server):
    o = office_make(prefix="to")
    dossier = received(o)
    page = sign_in(request, browser, live_server, o.specialist)
    page.clock.install()
    page.goto(f"{live_server.url}/office/dossiers/{dossier.pk}/")
    return page


def test_the_session_ending_while_warned_names_the_dialog_anew_and_keeps_the_focus_in_it(request, browser, live_server):
    page = _dossier_page_with_clock(request, browser, live_server)
    page.clock.fast_forward("25:01")  # a 30-minute limit, warned 5 minutes before
    assert page.evaluate(DIALOG_STATE) == {
        "open": True,
        "label": "You will be signed out soon",
        "labelHidden": False,
        "focus": "Stay signed in",
        "inDialog": True,
    }

    page.clock.fast_forward("05:00")  # no answer: the session ends with the warning still open

    assert page.evaluate(DIALOG_STATE) == {
        "open": True,
        "label": "You have been signed out",
        "labelHidden": False,
        "focus": "Sign in again",
        "inDialog": True,
    }
    assert page.get_by_role("dialog", name="You have been signed out").count() == 1
    link = page.get_by_role("link", name="Sign in again")
    assert link.get_attribute("aria-describedby") == "session-timeout-ended-text"
    assert violations(page) == []


def test_a_session_found_ended_opens_the_dialog_named_for_it(request, browser, live_server):
    page = _dossier_page_with_clock(request, browser, live_server)

    page.clock.fast_forward("30:01")  # the tab was asleep through the warning

    state = page.evaluate(DIALOG_STATE)
    assert (state["label"], state["focus"], state["inDialog"]) == ("You have been signed out", "Sign in again", True)


def _refused_search(request, browser, live_server):
    o = office_make(prefix="se")
    dossier = received(o)
    desk = sign_in(request, browser, live_server, o.front_desk)
    desk.goto(f"{live_server.url}/office/search/")
    day = timezone.localtime(dossier.received_at).date().isoformat()
    desk.fill("#id_received_from", day)
    desk.fill("#id_received_to", "2000-01-01")
    desk.focus("main form.search-form button[type=submit]")
    desk.keyboard.press("Enter")
    desk.wait_for_function("() => document.activeElement && document.activeElement.id === 'id_received_to'")
    assert desk.get_attribute("#id_received_to", "aria-invalid") == "true"
    assert desk.get_attribute("#id_received_to", "aria-describedby") == "id_received_to_errors"
    desk.fill("#id_received_to", day)
    return desk


def _form_errors(page) -> dict:
    return page.evaluate("""() => {
      const form = document.querySelector("main form.search-form");
      return {invalid: form.querySelectorAll("[aria-invalid]").length,
              errors: form.querySelectorAll(".errorlist").length,
              describedby: document.getElementById("id_received_to").getAttribute("aria-describedby"),
              alerts: document.querySelectorAll("main [role=alert]").length};
    }""")


def test_a_corrected_search_from_the_button_drops_the_old_errors(request, browser, live_server):
    desk = _refused_search(request, browser, live_server)
    desk.focus("main form.search-form button[type=submit]")

    with desk.expect_response(lambda r: "/office/search/?" in r.url):
        desk.keyboard.press("Enter")
    desk.wait_for_function("() => document.querySelector('#results h2') !== null")

    assert desk.inner_text("#results h2") == "1 dossier found"
    assert _form_errors(desk) == {"invalid": 0, "errors": 0, "describedby": None, "alerts": 0}
    # The results are announced by their live region; the keyboard stays where it was.
    assert desk.get_attribute("#results", "aria-live") == "polite"
    assert desk.evaluate("document.activeElement.textContent") == "Search"
    assert desk.locator("main h1").count() == 1
    assert violations(desk) == []


def test_a_corrected_search_from_the_field_keeps_the_focus_in_it(request, browser, live_server):
    desk = _refused_search(request, browser, live_server)
    desk.focus("#id_received_to")

    with desk.expect_response(lambda r: "/office/search/?" in r.url):
        desk.keyboard.press("Enter")
    desk.wait_for_function("() => document.querySelector('#results h2') !== null")

    assert _form_errors(desk) == {"invalid": 0, "errors": 0, "describedby": None, "alerts": 0}
    assert desk.evaluate("document.activeElement.id") == "id_received_to"


def test_letter_links_have_their_own_names_and_the_confirmation_says_which_letter(request, browser, live_server):
    o = office_make(prefix="lt")
    dossier = received(o)
    first = services.apology_letter_draft(
        by=o.specialist,
        dossier=dossier,
        reason="Chờ xác minh hộ tịch",
        new_due_at=working_days_later(dossier.due_at, 5),
    )
    second = services.apology_letter_draft(
        by=o.specialist,
        dossier=dossier,
        reason="Chờ ý kiến Sở Tư pháp",
        new_due_at=working_days_later(dossier.due_at, 9),
    )
    shown = {letter.pk: timezone.localtime(letter.new_due_at).strftime("%d/%m/%Y %H:%M") for letter in (first, second)}
    leader = sign_in(request, browser, live_server, o.leader)
    leader.goto(f"{live_server.url}/office/dossiers/{dossier.pk}/")

    links = leader.get_by_role("link", name="Approve the apology letter")
    names = links.evaluate_all("els => els.map(e => e.textContent)")
    assert names == [f"Approve the apology letter with the new due date {shown[pk]}" for pk in (first.pk, second.pk)]
    assert violations(leader) == []

    with leader.expect_navigation():
        leader.get_by_role("link", name=f"Approve the apology letter with the new due date {shown[second.pk]}").click()

    assert leader.url.endswith(f"/letter_approve/?letter={second.pk}")
    chosen = leader.locator("main dl.letter-chosen")
    assert chosen.locator("dd").all_inner_texts() == [o.agency.name, "Chờ ý kiến Sở Tư pháp", shown[second.pk]]
    assert violations(leader) == []
