"""Find a procedure in real Chromium: without diacritics, in English, on a phone, and through axe."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from chinhquyen.catalog.models import Fee
from tests.catalog.factories import FieldFactory, ProcedureFactory, RequiredDocumentFactory
from tests.factories import AgencyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _catalog():
    agency = AgencyFactory(
        code="000.00.01.H37",
        name="UBND xã Hoa Lư",
        name_en="Hoa Lu Commune",
        address="1 Trần Hưng Đạo",
        phone="0229 3871 234",
    )
    procedure = ProcedureFactory(
        code="1.001193",
        name="Đăng ký khai sinh",
        name_en="Birth registration",
        field=FieldFactory(code="ho-tich", name="Hộ tịch"),
        online_level="full",
        applicants_text="Công dân Việt Nam",
        reception_address="Bộ phận Một cửa UBND xã",
        agencies=[agency],
    )
    RequiredDocumentFactory(
        procedure=procedure,
        position=0,
        group="Giấy tờ phải nộp",
        name="Tờ khai đăng ký khai sinh theo mẫu",
        originals=1,
        copies=0,
        template_name="To_khai_dang_ky_khai_sinh_mau_01.docx",
    )
    RequiredDocumentFactory(
        procedure=procedure, position=1, name="Giấy chứng sinh", originals=1, copies=2, mandatory=False
    )
    Fee.objects.create(procedure=procedure, position=0, name="Lệ phí", amount=8000, currency="VND")
    for n in range(24):
        ProcedureFactory(name=f"Đăng ký thủ tục mẫu số {n}", online_level="partial" if n % 2 else "none")
    return procedure


def _search_without_diacritics(page, live_server):
    page.goto(f"{live_server.url}/thu-tuc/")
    page.fill("#id_q", "dang ky khai sinh")
    with page.expect_navigation():
        page.locator("form.catalog-search button[type=submit]").click()


def _documents(page) -> list[list[str]]:
    return [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in page.locator("table.documents tbody tr").all()
        if row.locator("td").count()
    ]


def _violations(page) -> list[tuple[str, list]]:
    results = Axe().run(page)
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"]]


def test_search_without_diacritics_and_open_the_procedure(page, live_server):
    _catalog()

    _search_without_diacritics(page, live_server)
    first = page.locator(".result-list h3 a").first
    assert first.inner_text() == "Đăng ký khai sinh"
    with page.expect_navigation():
        first.click()

    assert page.url == f"{live_server.url}/thu-tuc/1.001193/"
    assert page.locator("h1").inner_text() == "Đăng ký khai sinh"
    documents = _documents(page)
    assert [[name, originals, copies, template] for name, originals, copies, _, template in documents] == [
        ["Tờ khai đăng ký khai sinh theo mẫu", "1", "0", "To_khai_dang_ky_khai_sinh_mau_01.docx"],
        ["Giấy chứng sinh", "1", "2", "—"],
    ]
    assert all(mandatory for _, _, _, mandatory, _ in documents)
    assert page.locator("table.documents th[scope=col]").count() == 5


def test_the_same_in_english_through_the_language_switch(page, live_server):
    _catalog()
    page.goto(f"{live_server.url}/thu-tuc/")
    page.select_option("#lang-select", "en")
    with page.expect_navigation():
        page.locator("form.lang button[type=submit]").click()
    assert page.locator("html").get_attribute("lang") == "en"

    _search_without_diacritics(page, live_server)
    assert page.locator("h1").inner_text() == "Find a procedure"
    first = page.locator(".result-list h3 a").first
    assert first.inner_text() == "Birth registration"
    with page.expect_navigation():
        first.click()

    assert page.locator("h1").inner_text() == "Birth registration"
    assert page.get_by_role("heading", name="Documents you need").count() == 1
    assert _documents(page) == [
        ["Tờ khai đăng ký khai sinh theo mẫu", "1", "0", "Yes", "To_khai_dang_ky_khai_sinh_mau_01.docx"],
        ["Giấy chứng sinh", "1", "2", "If applicable", "—"],
    ]
    assert "Hoa Lu Commune" in page.inner_text("main")
    assert "Apply online" in page.inner_text("main")


@pytest.mark.parametrize("path", ["/thu-tuc/?q=dang+ky", "/thu-tuc/1.001193/", "/"], ids=["search", "detail", "home"])
def test_no_horizontal_scroll_at_360_px(browser, live_server, path):
    _catalog()
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="vi-VN")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert _violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["vi-VN", "en-US"])
def test_search_results_and_detail_pass_axe(browser, live_server, locale):
    _catalog()
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale=locale)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        _search_without_diacritics(page, live_server)
        assert page.locator(".result-list li").count() >= 1
        assert _violations(page) == []
        assert Axe().run(page).violations_count == 0

        page.goto(f"{live_server.url}/thu-tuc/?q=dang+ky")
        assert page.locator(".pager").count() == 1
        assert _violations(page) == []

        page.goto(f"{live_server.url}/thu-tuc/?q=khong+co+thu+tuc+nay")
        assert page.locator(".no-results").count() == 1
        assert _violations(page) == []

        page.goto(f"{live_server.url}/thu-tuc/?q={'a' * 201}")
        assert page.locator(".notice-error").count() == 1
        assert _violations(page) == []

        page.goto(f"{live_server.url}/thu-tuc/1.001193/")
        assert _violations(page) == []
        assert Axe().run(page).violations_count == 0
    finally:
        context.close()


def test_keyboard_focus_is_visible_on_the_search_form(page, live_server):
    _catalog()
    page.goto(f"{live_server.url}/thu-tuc/")
    page.focus("#id_q")
    page.keyboard.press("Tab")

    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


def test_on_a_phone_the_header_and_links_are_finger_sized_and_the_text_readable(browser, live_server):
    _catalog()
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", has_touch=True)
    missing = []
    try:
        page = context.new_page()
        page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
        page.goto(f"{live_server.url}/thu-tuc/1.001193/")

        def height(selector: str) -> float:
            return page.locator(selector).first.bounding_box()["height"]

        for selector in ("#account-sign-in", "#lang-select", "form.lang button", ".breadcrumb a", ".site-nav a"):
            assert height(selector) >= 44, selector
        assert page.locator("label[for=lang-select]").is_visible()
        size = page.locator("table.documents td").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 14
        assert page.locator("dt", has_text="Lĩnh vực").count() == 1
        assert "Trường dữ liệu" not in page.inner_text("main")
        assert missing == []  # no favicon.ico asked for and missed
    finally:
        context.close()
