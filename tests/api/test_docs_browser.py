"""The API docs page in real Chromium: Swagger UI renders from our static files under our CSP."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_lists_every_operation_with_no_csp_violation_and_nothing_fetched_elsewhere(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    elsewhere: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: elsewhere.append(r.url) if not r.url.startswith(live_server.url) else None)
    try:
        page.goto(f"{live_server.url}/api/v1/docs")
        page.wait_for_selector(".opblock-summary-path")
        paths = page.locator(".opblock-summary-path").count()
        schema = page.request.get(f"{live_server.url}/api/v1/openapi.json").json()
    finally:
        context.close()

    operations = sum(len(item) for item in schema["paths"].values())
    assert paths == operations
    assert problems == []
    assert [u for u in elsewhere if not u.startswith("data:")] == []
