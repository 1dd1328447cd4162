"""Office pages beyond the main flow: keyboard use, refusals and the register, each checked by axe."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from chinhquyen.dossiers.models import RegisterExport
from chinhquyen.dossiers.services import register_export_render
from tests.office.browser import SHOTS, sign_in, violations
from tests.office.helpers import office_make, received

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_keyboard_reaches_the_content_first_and_focus_is_visible(request, browser, live_server):
    o = office_make(prefix="kbd")
    page = sign_in(request, browser, live_server, o.front_desk)

    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.evaluate("el => getComputedStyle(el).left") != "-999px"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_refused_action_page_and_register_pass_axe(request, browser, live_server):
    o = office_make(prefix="ref")
    dossier = received(o)
    page = sign_in(request, browser, live_server, o.leader)

    page.goto(f"{live_server.url}/office/dossiers/{dossier.pk}/actions/claim/")
    assert "This action is not open to you" in page.inner_text("main")
    assert violations(page) == []

    page.goto(f"{live_server.url}/office/register.pdf")
    assert page.locator("input[name=from]").count() == 1
    assert violations(page) == []


def test_validation_errors_at_the_counter_pass_axe(request, browser, live_server):
    o = office_make(prefix="val")
    page = sign_in(request, browser, live_server, o.front_desk)

    page.goto(f"{live_server.url}/office/reception/")
    page.fill("#id_identifier", "037090001234")
    with page.expect_navigation():
        page.get_by_role("button", name="Find applicant").click()
    page.fill("#id_citizen-name", "Trần Văn B")
    page.fill("#id_citizen-personal_id", "12")
    with page.expect_navigation():
        page.get_by_role("button", name="Register citizen").click()

    field = page.locator("#id_citizen-personal_id")
    assert field.get_attribute("aria-invalid") == "true"
    assert page.locator("#id_citizen-personal_id_errors").inner_text() != ""
    assert violations(page) == []


def test_inbox_marks_overdue_and_due_soon_in_words_with_enough_contrast(request, browser, live_server):
    import datetime as dt

    from django.utils import timezone

    from chinhquyen.dossiers.models import Dossier

    o = office_make(prefix="due")
    late, soon = received(o), received(o)
    now = timezone.now()
    for dossier, due in ((late, now - dt.timedelta(days=2)), (soon, now + dt.timedelta(hours=2))):
        Dossier.objects.filter(pk=dossier.pk).update(due_at=due)
        dossier.steps.filter(state="active").update(due_at=due)
    page = sign_in(request, browser, live_server, o.specialist)

    rows = page.locator("tbody tr")
    assert "Overdue" in rows.nth(0).inner_text()
    assert late.code in rows.nth(0).inner_text()
    assert violations(page) == []
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/office-inbox-due-marks.png", full_page=True)


def test_reception_with_long_document_names_fits_a_1366_screen(request, browser, live_server):
    from tests.catalog.factories import RequiredDocumentFactory
    from tests.office.helpers import draft

    o = office_make(prefix="wide")
    # The national catalog's document names run to several hundred characters.
    long_name = "Giấy tờ có giá trị chứng minh thông tin về cư trú trong trường hợp cơ quan đăng ký hộ tịch " * 4
    RequiredDocumentFactory(procedure=o.procedure, name=long_name.strip())
    dossier = draft(o)
    page = sign_in(request, browser, live_server, o.front_desk)

    page.goto(f"{live_server.url}/office/reception/{dossier.pk}/")

    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") == width
    assert page.locator("#id_required_document").evaluate("el => el.getBoundingClientRect().right") <= width


def test_the_receive_confirmation_with_missing_documents_passes_axe(request, browser, live_server):
    from tests.office.helpers import draft

    o = office_make(prefix="miss")
    dossier = draft(o)
    page = sign_in(request, browser, live_server, o.front_desk)

    page.goto(f"{live_server.url}/office/dossiers/{dossier.pk}/actions/receive/")

    assert "Mandatory documents not recorded as handed in:" in page.inner_text("main")
    assert violations(page) == []


def test_a_long_register_is_prepared_in_the_background_and_listed_passing_axe(
    request, browser, live_server, monkeypatch
):
    monkeypatch.setattr("chinhquyen.dossiers.services.REGISTER_IMMEDIATE_ROWS", 0)  # one dossier is "long"
    o = office_make(prefix="longreg")
    dossier = received(o)
    today = timezone.localdate()
    page = sign_in(request, browser, live_server, o.front_desk)

    page.goto(f"{live_server.url}/office/register.pdf?from={today - dt.timedelta(days=1)}&to={today}")
    offer = page.locator("section[aria-labelledby=reg-long-title]")
    assert "1 dossier" in offer.inner_text()
    assert violations(page) == []
    with page.expect_navigation():
        offer.get_by_role("button").click()
    assert page.locator("table caption").count() == 1
    assert violations(page) == []

    # What the worker's task does (the live server's database is committed, no test transaction to run it in).
    (export,) = RegisterExport.objects.all()
    assert register_export_render(export_id=export.pk) == "ready"
    page.reload()
    link = page.locator("table a[href^='/office/register/exports/']")
    assert link.count() == 1
    assert violations(page) == []
    download = page.request.get(f"{live_server.url}{link.get_attribute('href')}")
    assert download.status == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(download.body())).pages)
    assert dossier.code in text


def test_a_scan_attached_by_mistake_is_removed_by_keyboard_on_pages_passing_axe(request, browser, live_server):
    from chinhquyen.dossiers import services
    from tests.office.helpers import draft, pdf_upload

    o = office_make(prefix="rm")
    dossier = draft(o)
    services.dossier_document_add(
        by=o.front_desk, dossier=dossier, upload=pdf_upload(), name="Giấy tờ nhầm", kind="scan"
    )
    page = sign_in(request, browser, live_server, o.front_desk)

    page.goto(f"{live_server.url}/office/reception/{dossier.pk}/")
    page.get_by_text("Remove a scan attached by mistake").click()
    page.get_by_role("link", name="Remove Giấy tờ nhầm").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Remove a scan"
    assert violations(page) == []
    page.get_by_role("button", name="Confirm: remove the scan").focus()
    page.keyboard.press("Enter")

    page.wait_for_url(f"{live_server.url}/office/reception/{dossier.pk}/")
    assert "Scan Giấy tờ nhầm removed." in page.inner_text("main")
    assert page.get_by_text("Remove a scan attached by mistake").count() == 0
    assert dossier.documents.filter(kind="scan").count() == 0


def test_the_withdrawal_of_an_apology_letter_passes_axe(request, browser, live_server):
    from chinhquyen.dossiers import services
    from tests.factories import working_days_later

    o = office_make(prefix="lw")
    dossier = received(o)
    letter = services.apology_letter_draft(
        by=o.specialist, dossier=dossier, reason="Chờ ý kiến", new_due_at=working_days_later(dossier.due_at, 3)
    )
    page = sign_in(request, browser, live_server, o.leader)

    page.goto(f"{live_server.url}/office/dossiers/{dossier.pk}/actions/letter_withdraw/?letter={letter.pk}")
    assert page.get_by_role("heading", level=1).count() == 1
    assert violations(page) == []
