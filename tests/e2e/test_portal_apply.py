"""Apply online in real Chromium on a phone-sized screen: form, upload, resume, submit, supplement, result.

Each page is checked by axe. The applicant's session is set directly here; signing in through the
identity provider has its own browser test.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client

from chinhquyen.dossiers.models import Dossier, DossierStatus
from chinhquyen.dossiers.services import (
    dossier_approve,
    dossier_claim,
    dossier_forward,
    dossier_issue_result,
    dossier_receive,
    dossier_request_supplement,
    dossier_supplement_accept,
)
from tests.dossiers.factories import pdf_bytes
from tests.portal.apply_world import OnlineWorld, pdf_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def applicant_page(request, browser, live_server, world: OnlineWorld, locale: str = "en-US"):
    client = Client()
    client.force_login(world.applicant.user)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale=locale)
    request.addfinalizer(context.close)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def clean(page, name: str) -> None:
    results = Axe().run(page)
    found = [(v["id"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"]]
    assert found == [], name
    fits = page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert fits, f"{name} scrolls sideways at 360 px"


def test_apply_online_with_an_upload_resume_and_submit(request, browser, live_server, tmp_path):
    world = OnlineWorld()
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(pdf_bytes())
    page = applicant_page(request, browser, live_server, world)

    page.goto(f"{live_server.url}/thu-tuc/{world.procedure.code}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Apply online").click()
    clean(page, "apply-start")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the application").click()
    clean(page, "apply-form")
    assert page.input_value("#id_applicant_id") == world.applicant.personal_id  # filled from the profile
    page.fill("#id_child_name", "Nguyễn Minh Khang")
    page.fill("#id_child_birth_date", "2026-11-01")
    page.get_by_label("Male", exact=True).check()
    page.fill("#id_birth_place", "Bệnh viện Sản Nhi Ninh Bình")
    page.fill("#id_mother_name", "Trần Thị Bích")
    page.select_option("#id_relationship", label="Father")
    page.fill("#id_applicant_phone", "09123")  # wrong on purpose
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()
    assert "Phone number: Enter the value in the format shown." in page.inner_text(".error-summary")
    clean(page, "apply-form-errors")

    # Leave and come back later, from "My dossiers": the draft kept what was right.
    page.goto(f"{live_server.url}/ho-so-cua-toi/")
    clean(page, "my-dossiers-draft")
    with page.expect_navigation():
        page.get_by_role("link", name=world.procedure.name).click()
    assert page.input_value("#id_child_name") == "Nguyễn Minh Khang"
    page.fill("#id_applicant_phone", "0912345678")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()
    clean(page, "apply-documents")
    for name in ("Tờ khai đăng ký khai sinh", "Giấy chứng sinh"):
        page.select_option("#id_required_document", label=name)
        page.set_input_files("#id_upload", str(scan))
        with page.expect_navigation():
            page.get_by_role("button", name="Attach", exact=True).click()
        assert "The file was attached." in page.inner_text("main")
    with page.expect_navigation():
        page.get_by_role("link", name="Continue to review").click()
    clean(page, "apply-review")
    assert "Nguyễn Minh Khang" in page.inner_text("main")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit the application").click()
    clean(page, "apply-submitted")
    assert f"Your application has been sent to {world.agency.name}." in page.inner_text("main")

    dossier = Dossier.objects.get()
    assert (dossier.status, dossier.documents.count()) == (DossierStatus.SUBMITTED, 2)


def test_answer_a_supplement_then_receive_and_download_the_result(request, browser, live_server, tmp_path):
    world = OnlineWorld()
    from tests.portal.test_my_dossiers import submitted

    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))
    dossier_claim(by=world.specialist, dossier=dossier)
    dossier_request_supplement(by=world.specialist, dossier=dossier, items=["Bản sao sổ hộ khẩu"], reason="Thiếu")
    extra = tmp_path / "bo-sung.pdf"
    extra.write_bytes(pdf_bytes())
    page = applicant_page(request, browser, live_server, world)

    page.goto(f"{live_server.url}/ho-so-cua-toi/{dossier.pk}/")
    clean(page, "my-dossier-supplement")
    assert "Bản sao sổ hộ khẩu" in page.inner_text("main")
    page.set_input_files("#id_upload", str(extra))
    with page.expect_navigation():
        page.get_by_role("button", name="Attach", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Send the supplement").click()
    assert "your dossier is being processed again" in page.inner_text("main")

    dossier.refresh_from_db()
    assert dossier.substatus == "supplement_supplied"
    dossier_supplement_accept(by=world.specialist, dossier=dossier)
    dossier_forward(by=world.specialist, dossier=dossier)
    dossier_approve(by=world.leader, dossier=dossier)
    dossier_issue_result(by=world.front_desk, dossier=dossier, upload=pdf_upload("ket-qua.pdf"))
    page.reload()
    clean(page, "my-dossier-result-ready")
    with page.expect_navigation():
        page.get_by_role("button", name="Receive the result").click()
    link = page.get_by_role("link", name=re.compile("^Download"))
    with page.expect_download() as download:
        link.click()
    assert open(download.value.path(), "rb").read().startswith(b"%PDF-")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED


def test_the_apply_pages_in_vietnamese(request, browser, live_server):
    world = OnlineWorld()
    page = applicant_page(request, browser, live_server, world, locale="vi-VN")

    page.goto(f"{live_server.url}/nop-truc-tuyen/{world.procedure.code}/")
    clean(page, "apply-start-vi")
    with page.expect_navigation():
        page.get_by_role("button", name="Bắt đầu nộp hồ sơ").click()
    assert page.get_by_label(re.compile("Họ, chữ đệm, tên người được khai sinh")).count() == 1
    clean(page, "apply-form-vi")


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has the focus (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector):
            visible = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
            assert visible != "none", f"{selector} has no visible focus"
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_apply_with_the_keyboard_only(request, browser, live_server, tmp_path):
    world = OnlineWorld()
    page = applicant_page(request, browser, live_server, world)
    values = {
        "#id_child_name": "Nguyễn Minh Khang",
        "#id_birth_place": "Ninh Bình",
        "#id_mother_name": "Trần Thị Bích",
    }

    page.goto(f"{live_server.url}/nop-truc-tuyen/{world.procedure.code}/")
    tab_to(page, "button[type=submit].btn")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for selector, value in values.items():
        tab_to(page, selector)
        page.keyboard.type(value)
    tab_to(page, "#id_child_birth_date")
    page.keyboard.type("11012026")  # month, day, year in an en-US browser
    tab_to(page, "#id_child_sex_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_relationship")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    tab_to(page, "button[name=next]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url.endswith(f"/ho-so-cua-toi/{Dossier.objects.get().pk}/giay-to/")
    saved = Dossier.objects.get().form_data
    assert (saved["child_name"], saved["child_birth_date"], saved["child_sex"], saved["relationship"]) == (
        "Nguyễn Minh Khang",
        "2026-11-01",
        "Nam",
        "Mẹ",
    )
