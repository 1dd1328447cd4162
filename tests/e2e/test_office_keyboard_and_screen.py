"""The office workspace in Vietnamese on a 1366×768 screen, used by keyboard: a walk-in dossier end to end.

The assertions pin defects found by walking these pages in real Chromium: the focus left at the top of the page
after a refusal, long file names that widened the page, no focus ring on a date field's calendar button, the
register's errors shown before anything was asked, two fields of the reception page sharing one id.
"""

import pytest

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier, DossierStatus
from tests.office.auth_helpers import totp_code, totp_device_for
from tests.office.browser import SHOTS
from tests.office.helpers import draft, office_make, pdf_bytes, pdf_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What a scanner or a phone names a file: longer than a table column and without a space to wrap at.
LONG_FILE_NAME = (
    "Giay_chung_sinh_Nguyen_Van_Binh_con_ong_Nguyen_Van_An_ban_sao_chung_thuc_ngay_20_11_2026_tai_UBND_xa.pdf"
)

FOCUSED = """() => {
  const el = document.activeElement;
  return {id: el.id, tag: el.tagName, role: el.getAttribute("role"), outline: getComputedStyle(el).outlineStyle};
}"""


def _sign_in(request, browser, live_server, user):
    """A browser of its own in Vietnamese, signed in by keyboard with the password, then the TOTP code."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    request.addfinalizer(context.close)
    page = context.new_page()
    page.set_default_timeout(10_000)
    device = totp_device_for(user)
    page.goto(f"{live_server.url}/office/")
    _autofocused(page, "id_username")
    page.keyboard.type(user.username)
    page.keyboard.press("Tab")
    page.keyboard.type("pw-test-123")
    _press(page, "Enter")
    _autofocused(page, "id_code")
    page.keyboard.type(totp_code(device))
    _press(page, "Enter")
    assert page.url == f"{live_server.url}/office/"
    assert page.get_attribute("html", "lang") == "vi"
    return page


def _autofocused(page, element_id: str) -> None:
    """The page's autofocus lands on ``element_id``: Chromium applies it with the next frame, which may come
    after the load event, so wait for it (a few seconds at most) before reading the focus."""
    page.wait_for_function(
        f"() => document.activeElement && document.activeElement.id === {element_id!r}", timeout=5000
    )
    assert page.evaluate(FOCUSED)["id"] == element_id


def _press(page, key: str) -> None:
    """Press ``key`` and wait for the page it submits or follows."""
    with page.expect_navigation():
        page.keyboard.press(key)


def _tab_to(page, selector: str, *, back: bool = False, limit: int = 60) -> None:
    """Press Tab (Shift+Tab with ``back``) until ``selector`` has the focus; every stop shows the focus ring."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] != "BODY":
            assert focused["outline"] == "solid", focused
        if page.evaluate("s => document.activeElement === document.querySelector(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def _shot(page, name: str) -> None:
    """With OFFICE_SHOTS set, keep a screenshot of the page to look at."""
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/office-keyboard-{name}.png", full_page=True)


def _fits_the_screen(page, name: str) -> None:
    """Nothing needs horizontal scrolling at 1366 px."""
    _shot(page, name)
    width = page.evaluate("document.documentElement.clientWidth")
    assert width == 1366
    assert page.evaluate("document.documentElement.scrollWidth") == width


def _confirm_action(page, name: str) -> None:
    """From the dossier page: open an action, check Cancel is the next stop after Confirm, confirm with Enter."""
    _tab_to(page, f'main a.button[href$="/actions/{name}/"]')
    _press(page, "Enter")
    _tab_to(page, "form.confirm button[type=submit]")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Hủy"
    page.keyboard.press("Shift+Tab")
    _press(page, "Enter")


def test_walk_in_dossier_by_keyboard_from_reception_to_returned_result(request, browser, live_server, tmp_path):
    o = office_make(prefix="audit")
    wrong = tmp_path / "to-khai.exe"
    wrong.write_bytes(b"MZ not a scan")
    scan = tmp_path / LONG_FILE_NAME
    scan.write_bytes(pdf_bytes())
    desk = _sign_in(request, browser, live_server, o.front_desk)

    # Reception: the applicant is not known yet; the number found nothing and a mistyped one is refused.
    desk.goto(f"{live_server.url}/office/reception/")
    _tab_to(desk, "#id_identifier")
    desk.keyboard.type("037090001234")
    _press(desk, "Enter")
    assert "Không có người nộp hồ sơ nào có số 037090001234." in desk.inner_text("main")
    _tab_to(desk, "#id_citizen-name")
    desk.keyboard.type("Nguyễn Văn An")
    desk.keyboard.press("Tab")
    desk.keyboard.press("Control+A")
    desk.keyboard.type("0370900")
    _press(desk, "Enter")

    assert desk.inner_text("#id_citizen-personal_id_errors") == "Số định danh cá nhân phải gồm đúng 12 chữ số."
    assert desk.input_value("#id_citizen-name") == "Nguyễn Văn An"
    # the keyboard is taken to the field to correct, not left at the top of the page.
    assert desk.evaluate(FOCUSED)["id"] == "id_citizen-personal_id"
    _shot(desk, "applicant-refused")
    desk.keyboard.press("Control+A")
    desk.keyboard.type("037090001234")
    _press(desk, "Enter")
    assert "Đã đăng ký người nộp hồ sơ Nguyễn Văn An." in desk.inner_text("main")
    _tab_to(desk, "form[action$='/reception/dossier/new/'] button")
    _press(desk, "Enter")

    # The documents handed in are ticked with the space bar.
    _tab_to(desk, "#id_required_documents_0")
    desk.keyboard.press("Space")
    desk.keyboard.press("Tab")
    desk.keyboard.press("Space")
    desk.keyboard.press("Tab")
    _press(desk, "Enter")
    assert "Đã lưu danh sách giấy tờ đã nhận." in desk.inner_text("main")

    # A file of the wrong kind is refused; the name typed stays and the keyboard is at the file field.
    desk.set_input_files("#id_upload", str(wrong))
    _tab_to(desk, "#id_upload")
    desk.keyboard.press("Tab")
    desk.keyboard.type("Tờ khai")
    _press(desk, "Enter")
    assert (
        desk.inner_text("#id_upload_errors")
        == "Chỉ chấp nhận tệp PDF, JPEG và PNG; tệp này không thuộc các định dạng đó."
    )
    assert desk.input_value("#id_name") == "Tờ khai"
    assert desk.evaluate(FOCUSED)["id"] == "id_upload"

    # The scan, kept under its own (long) file name, is listed without widening the page.
    desk.set_input_files("#id_upload", str(scan))
    desk.keyboard.press("Tab")
    desk.keyboard.press("Control+A")
    desk.keyboard.press("Backspace")
    _tab_to(desk, "form[action$='/upload/'] button[type=submit]")
    _press(desk, "Enter")
    assert f"Đã đính kèm tệp {LONG_FILE_NAME}." in desk.inner_text("main")
    _fits_the_screen(desk, "reception-long-file-name")  # the name pushed the page to about 2,000 px

    # Receive, then the receipt and appointment slip.
    _confirm_action(desk, "receive")
    dossier = Dossier.objects.get()
    assert dossier.status == DossierStatus.RECEIVED
    _tab_to(desk, "main a.button[href$='/slips/01.pdf']")
    receipt = desk.request.get(live_server.url + desk.evaluate("document.activeElement.getAttribute('href')"))
    assert receipt.headers["content-type"] == "application/pdf"
    assert receipt.body().startswith(b"%PDF")

    # The specialist claims it and forwards it; a change made meanwhile refuses the forward, the note stays.
    specialist = _sign_in(request, browser, live_server, o.specialist)
    _tab_to(specialist, f"main a[href='/office/dossiers/{dossier.pk}/']")
    _press(specialist, "Enter")
    # the documents table used to hold the long file name on one line, 1,429 px wide.
    _fits_the_screen(specialist, "detail-long-file-name")
    _confirm_action(specialist, "claim")
    assert "Đã thực hiện: Nhận xử lý." in specialist.inner_text("main")
    _tab_to(specialist, 'main a.button[href$="/actions/forward/"]')
    _press(specialist, "Enter")
    _tab_to(specialist, "#id_note")
    specialist.keyboard.type("Đủ điều kiện, đề nghị phê duyệt")
    services.dossier_document_add(
        by=o.front_desk,
        dossier=Dossier.objects.get(),
        upload=pdf_upload("bien-ban.pdf"),
        name="Biên bản",
        kind="scan",
        required_document=None,
    )
    _tab_to(specialist, "form.confirm button[type=submit]")
    _press(specialist, "Enter")
    refusal = specialist.locator("main .alert-error[role=alert]")
    assert "Thao tác không được chấp nhận; không có gì thay đổi." in refusal.inner_text()
    assert specialist.input_value("#id_note") == "Đủ điều kiện, đề nghị phê duyệt"
    # the refusal has the focus, so it is read out and the form is the next stop.
    assert specialist.evaluate(FOCUSED)["role"] == "alert"
    _shot(specialist, "forward-refused")
    _tab_to(specialist, "form.confirm button[type=submit]")
    _press(specialist, "Enter")
    assert "Đã thực hiện: Chuyển bước tiếp theo." in specialist.inner_text("main")

    # The leader approves.
    leader = _sign_in(request, browser, live_server, o.leader)
    _tab_to(leader, f"main a[href='/office/dossiers/{dossier.pk}/']")
    _press(leader, "Enter")
    _confirm_action(leader, "approve")
    assert "Đã thực hiện: Phê duyệt." in leader.inner_text("main")

    # The front desk issues the result; a wrong file is refused and the written result stays.
    desk.goto(f"{live_server.url}/office/dossiers/{dossier.pk}/")
    _tab_to(desk, 'main a.button[href$="/actions/issue_result/"]')
    _press(desk, "Enter")
    desk.set_input_files("#id_upload", str(wrong))
    _tab_to(desk, "#id_text")
    desk.keyboard.type("Đã đăng ký khai sinh cho cháu Nguyễn Văn Bình.")
    _tab_to(desk, "form.confirm button[type=submit]")
    _press(desk, "Enter")
    assert "Không thể giữ lại tệp bạn đã chọn: hãy chọn lại tệp trước khi xác nhận." in desk.inner_text("main")
    assert desk.input_value("#id_text") == "Đã đăng ký khai sinh cho cháu Nguyễn Văn Bình."
    assert desk.evaluate(FOCUSED)["id"] == "id_upload"
    _tab_to(desk, "form.confirm button[type=submit]")
    _press(desk, "Enter")
    assert "Đã thực hiện: Ban hành kết quả." in desk.inner_text("main")

    # ... and hands it over at the counter, the way chosen with the keyboard.
    _tab_to(desk, 'main a.button[href$="/actions/return/"]')
    _press(desk, "Enter")
    _tab_to(desk, "#id_method_0")
    desk.keyboard.press("Space")
    desk.keyboard.press("Tab")
    _press(desk, "Enter")
    assert "Đã thực hiện: Trả kết quả." in desk.inner_text("main")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED
    _fits_the_screen(desk, "returned")


def test_search_dates_and_the_tracking_register_by_keyboard(request, browser, live_server):
    o = office_make(prefix="audit")
    desk = _sign_in(request, browser, live_server, o.front_desk)

    desk.goto(f"{live_server.url}/office/search/")
    _tab_to(desk, "#id_received_to")
    # back from "Received to" is the calendar button of "Received from": it shows the focus ring.
    desk.keyboard.press("Shift+Tab")
    assert desk.evaluate(FOCUSED) == {"id": "id_received_from", "tag": "INPUT", "role": None, "outline": "solid"}

    # a search refused by htmx marks the field at fault and takes the keyboard there, as a full page does
    desk.fill("#id_received_from", "2026-11-30")
    desk.fill("#id_received_to", "2026-11-01")
    _tab_to(desk, "main form.search-form button[type=submit]")
    desk.keyboard.press("Enter")
    desk.wait_for_function("() => document.activeElement && document.activeElement.id === 'id_received_to'")
    assert desk.evaluate("[...document.querySelectorAll('main [aria-invalid=true]')].map(e => e.id)") == [
        "id_received_to"
    ]
    assert desk.locator("main h1").count() == 1

    _tab_to(desk, "main a.button[href='/office/register.pdf']")
    _press(desk, "Enter")
    # the register's form opens without errors; nothing has been asked yet.
    assert desk.locator("main .errorlist").count() == 0
    assert desk.locator("main [aria-invalid=true]").count() == 0

    desk.fill("#reg-from", "2026-11-30")
    desk.fill("#reg-to", "2026-11-01")
    desk.focus("#reg-to")
    _press(desk, "Enter")
    assert desk.inner_text("#reg-to-errors") == "Chọn “Đến ngày” bằng hoặc sau “Từ ngày”."
    assert (desk.input_value("#reg-from"), desk.input_value("#reg-to")) == ("2026-11-30", "2026-11-01")
    assert desk.evaluate(FOCUSED)["id"] == "reg-to"

    register = desk.request.get(f"{live_server.url}/office/register.pdf?from=2026-11-01&to=2026-11-30")
    assert register.headers["content-type"] == "application/pdf"
    assert register.body().startswith(b"%PDF")


def test_every_field_of_the_reception_page_has_its_own_label(request, browser, live_server):
    o = office_make(prefix="audit")
    dossier = draft(o)
    desk = _sign_in(request, browser, live_server, o.front_desk)

    desk.goto(f"{live_server.url}/office/reception/{dossier.pk}/")

    duplicates = desk.evaluate("""() => {
      const ids = [...document.querySelectorAll("[id]:not([type=hidden])")].map(el => el.id);
      return ids.filter((id, i) => ids.indexOf(id) !== i);
    }""")
    assert duplicates == []
    unlabelled = desk.evaluate("""() => [...document.querySelectorAll("main input:not([type=hidden]), main select")]
      .filter(el => el.labels.length !== 1).map(el => el.name)""")
    assert unlabelled == []
