"""A walk-in dossier from the counter to the returned result, in real Chromium, each page checked by axe."""

import re

import pytest

from chinhquyen.dossiers.models import DocumentKind, Dossier, DossierStatus
from tests.office.browser import check, sign_in
from tests.office.helpers import office_make, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _confirm(page, action_label: str, name: str, fill=None) -> None:
    """Open an action from the dossier page, check the confirmation page, confirm."""
    with page.expect_navigation():
        page.get_by_role("link", name=action_label, exact=True).click()
    check(page, name)
    if fill:
        fill(page)
    with page.expect_navigation():
        page.get_by_role("button", name=f"Confirm: {action_label}").click()


def test_walk_in_dossier_from_counter_to_returned_result(request, browser, live_server, tmp_path):
    o = office_make(prefix="flow")
    scan = tmp_path / "giay-chung-sinh.pdf"
    scan.write_bytes(pdf_bytes())

    # The front desk registers the applicant, opens the dossier, checks it and receives it.
    desk = sign_in(request, browser, live_server, o.front_desk)
    check(desk, "inbox-empty")
    desk.get_by_role("link", name="Reception").click()
    desk.fill("#id_identifier", "037090001234")
    with desk.expect_navigation():
        desk.get_by_role("button", name="Find applicant").click()
    assert "No applicant has the number 037090001234" in desk.inner_text("main")
    check(desk, "reception-new-applicant")
    desk.fill("#id_citizen-name", "Nguyễn Văn An")
    with desk.expect_navigation():
        desk.get_by_role("button", name="Register citizen").click()
    check(desk, "reception-procedures")
    with desk.expect_navigation():
        desk.get_by_role("button", name=re.compile(f"Open dossier for {o.procedure.name}")).click()
    check(desk, "reception-dossier")
    desk.get_by_label("Tờ khai đăng ký khai sinh").check()
    desk.get_by_label("Giấy chứng sinh").check()
    with desk.expect_navigation():
        desk.get_by_role("button", name="Save the list").click()
    desk.set_input_files("#id_upload", str(scan))
    desk.select_option("#id_required_document", label="Giấy chứng sinh")
    with desk.expect_navigation():
        desk.get_by_role("button", name="Attach the file").click()
    assert "File Giấy chứng sinh attached." in desk.inner_text("main")
    _confirm(desk, "Receive", "confirm-receive")

    dossier = Dossier.objects.get()
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.code in desk.inner_text("main")
    check(desk, "reception-received")
    receipt = desk.get_by_role("link", name="Receipt and appointment slip (PDF)").get_attribute("href")
    pdf = desk.request.get(f"{live_server.url}{receipt}")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    # The specialist claims the dossier and forwards it to the leader.
    specialist = sign_in(request, browser, live_server, o.specialist)
    with specialist.expect_navigation():
        specialist.get_by_role("link", name=dossier.code).click()
    check(specialist, "dossier-detail")
    _confirm(specialist, "Claim", "confirm-claim")
    assert "Done: Claim." in specialist.inner_text("main")
    _confirm(specialist, "Forward to the next step", "confirm-forward", lambda p: p.fill("#id_note", "Đủ điều kiện"))
    assert "Done: Forward to the next step." in specialist.inner_text("main")

    # The leader writes and issues the signed result (which approves the leader's step).
    leader = sign_in(request, browser, live_server, o.leader)
    with leader.expect_navigation():
        leader.get_by_role("link", name=dossier.code).click()

    def write(page) -> None:
        page.get_by_label("Title of the result", exact=True).fill("Trích lục khai sinh")
        text = "Đã đăng ký khai sinh cho cháu Nguyễn Văn Bình.\nSố: 12/2026."
        page.get_by_label("Written result", exact=True).fill(text)

    _confirm(leader, "Issue the result", "confirm-issue", write)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED
    written = dossier.documents.get(kind=DocumentKind.RESULT)
    assert (written.name, written.signed) == ("Trích lục khai sinh.pdf", True)

    # The front desk hands the result over at the counter.
    desk.goto(f"{live_server.url}/office/")
    check(desk, "inbox")
    with desk.expect_navigation():
        desk.get_by_role("link", name=dossier.code).click()
    _confirm(desk, "Return the result", "confirm-return", lambda p: p.get_by_label("At the counter").check())
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED
    check(desk, "dossier-returned")

    desk.get_by_role("link", name="Search").click()
    desk.fill("#id_code", dossier.code)
    desk.get_by_role("button", name="Search", exact=True).click()
    desk.wait_for_selector(f"#results >> text={dossier.code}")
    check(desk, "search")
