"""The error pages in real Chromium: in the page's language and through axe."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("address", "status", "locale", "heading"),
    [
        ("/khong-co-trang-nay/", 404, "vi-VN", "Không tìm thấy trang"),
        ("/khong-co-trang-nay/", 404, "en-US", "Page not found"),
        # A NUL in the query string (core.query_guard): never passed on to the database.
        ("/thu-tuc/?q=%00", 400, "vi-VN", "Không đọc được địa chỉ"),
        ("/thu-tuc/?q=%00", 400, "en-US", "The address cannot be read"),
    ],
)
def test_an_error_page_speaks_the_language_and_passes_axe(browser, live_server, address, status, locale, heading):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale=locale)
    try:
        page = context.new_page()
        response = page.goto(f"{live_server.url}{address}")

        assert response.status == status
        assert page.locator("h1").inner_text() == heading
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert Axe().run(page).response["violations"] == []
    finally:
        context.close()
