"""The public dossier lookup in real Chromium: typed by hand, checked by axe, usable on a small phone."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.dossiers.factories import World, vn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_citizen_types_code_and_secret_and_sees_the_status(page, live_server):
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    page.set_viewport_size({"width": 360, "height": 640})

    page.goto(f"{live_server.url}/tra-cuu-ho-so/")
    assert Axe().run(page).violations_count == 0
    assert no_horizontal_scroll(page)
    page.fill("#id_ma", dossier.code)
    page.fill("#id_k", dossier.lookup_secret.lower())
    with page.expect_navigation():
        page.keyboard.press("Enter")

    result = page.locator(".lookup-result")
    assert dossier.code in result.inner_text()
    assert world.agency.name in result.inner_text()
    assert page.locator("time").first.get_attribute("datetime") == "2026-03-09T08:00:00+07:00"
    assert page.locator("#lookup-status").inner_text() != ""
    assert world.applicant.name not in page.inner_text("body")
    assert Axe().run(page).violations_count == 0
    assert no_horizontal_scroll(page)


def test_wrong_secret_shows_the_neutral_message_accessibly(page, live_server):
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    page.set_viewport_size({"width": 360, "height": 640})

    page.goto(f"{live_server.url}/tra-cuu-ho-so/?ma={dossier.code}&k=00000000")

    message = page.locator("#lookup-message")
    assert message.get_attribute("role") == "alert"
    assert page.locator("#id_k").get_attribute("aria-invalid") == "true"
    assert "lookup-message" in page.locator("#id_k").get_attribute("aria-describedby")
    assert page.title().startswith(("Error:", "Lỗi:"))
    assert Axe().run(page).violations_count == 0
    assert no_horizontal_scroll(page)
