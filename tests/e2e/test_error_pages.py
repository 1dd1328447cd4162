"""The error pages in real Chromium: in the page's language and through axe."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("locale", "heading"), [("vi-VN", "Không tìm thấy trang"), ("en-US", "Page not found")])
def test_the_page_not_found_speaks_the_language_and_passes_axe(browser, live_server, locale, heading):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale=locale)
    try:
        page = context.new_page()
        response = page.goto(f"{live_server.url}/khong-co-trang-nay/")

        assert response.status == 404
        assert page.locator("h1").inner_text() == heading
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert Axe().run(page).response["violations"] == []
    finally:
        context.close()
