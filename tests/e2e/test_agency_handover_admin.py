"""A province administrator hands a merged commune's open work over to its successor from the admin, by keyboard,
in real Chromium; the successor's specialist then finds the dossier in their inbox."""

import pytest
from django.utils import translation

from chinhquyen.directory.models import Agency
from chinhquyen.directory.services import staff_role_grant
from chinhquyen.dossiers.models import Dossier, DossierStep, StepState
from tests.factories import AgencyFactory, UserFactory
from tests.office.browser import sign_in, sign_in_page, violations
from tests.office.helpers import office_make, received

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Sáp nhập theo Nghị quyết 1674/NQ-UBTVQH15"
REASON_REQUIRED = "Nêu lý do bàn giao công việc (ví dụ quyết định sáp nhập)."


def _press(page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.name")


def _choose_action(page, value: str) -> None:
    """Move through the action list with the arrow keys until ``value`` is chosen."""
    page.focus("select[name=action]")
    for _n in range(10):
        if page.input_value("select[name=action]") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no action {value}")


def test_the_admin_hands_an_agencys_open_work_over_by_keyboard(request, browser, page, live_server):
    old = office_make(prefix="cu")
    Agency.objects.filter(pk=old.agency.pk).update(code="000.01.01.H37", name="Ủy ban nhân dân xã Ninh Nhất")
    dossier = received(old)
    successor = AgencyFactory(code="000.02.01.H37", name="Ủy ban nhân dân phường Hoa Lư")
    old.procedure.agencies.add(successor)
    specialist = UserFactory(username="moi.specialist", first_name="Chuyên viên", last_name="Hoa Lư")
    staff_role_grant(user=specialist, agency=successor, role="specialist")
    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    sign_in_page(page, live_server, admin, next_url="/admin/")

    # The agencies list, in the page's language (Vietnamese): tick the old agency, choose the action, go.
    page.goto(f"{live_server.url}/admin/directory/agency/")
    assert page.locator("#changelist-filter-extra-actions a.viewlink").inner_text() == "Hiện số lượng"
    assert violations(page) == []
    page.focus(f"input[name=_selected_action][value='{old.agency.pk}']")
    page.keyboard.press("Space")
    _choose_action(page, "hand_over_open_work")
    page.keyboard.press("Tab")
    assert _focused(page) == "index"  # the admin's "Thực hiện" button
    _press(page, "Enter")

    assert page.title() == "Bàn giao công việc đang dở cho cơ quan khác | chinhquyen"
    assert page.locator("#content h1").inner_text() == "Bàn giao công việc đang dở cho cơ quan khác"
    assert page.locator("#content tbody tr").inner_text().split("\t") == [
        "000.01.01.H37 Ủy ban nhân dân xã Ninh Nhất",
        "1",
        "2",
        "1",
    ]
    assert page.locator("label[for=id_successor]").inner_text() == "Cơ quan kế thừa:"
    assert page.locator("label[for=id_reason]").inner_text() == "Lý do:"
    assert page.locator("label[for=id_deactivate]").inner_text() == (
        "Sau đó ngừng hoạt động cơ quan (trong cùng một giao dịch)"
    )
    assert page.locator("#id_successor option").all_inner_texts() == ["---------", "Ủy ban nhân dân phường Hoa Lư"]
    assert violations(page) == []

    # The successor by the arrow keys, the reason left empty: the browser stops at it.
    page.focus("#id_successor")
    page.keyboard.press("ArrowDown")
    assert page.input_value("#id_successor") == str(successor.pk)
    page.focus("input[type=submit]")
    url = page.url
    page.keyboard.press("Enter")
    assert _focused(page) == "id_reason"
    assert page.evaluate("document.activeElement.validity.valueMissing")
    assert page.url == url

    # Only spaces: the server refuses it, in Vietnamese, and keeps the successor chosen.
    page.keyboard.type("   ")
    page.keyboard.press("Tab")
    assert _focused(page) == "id_deactivate"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    _press(page, "Enter")

    assert page.title() == "Lỗi: Bàn giao công việc đang dở cho cơ quan khác | chinhquyen"
    assert page.locator(".errornote").inner_text() == "Hãy sửa lỗi sai dưới đây"
    assert page.locator("#id_reason_error").inner_text() == REASON_REQUIRED
    assert page.locator("#id_reason").get_attribute("aria-invalid") == "true"
    assert page.input_value("#id_successor") == str(successor.pk)
    assert page.is_checked("#id_deactivate")
    assert violations(page) == []
    assert Dossier.objects.get().receiving_agency_id == old.agency.pk
    assert Agency.objects.get(pk=old.agency.pk).is_active is True

    # The reason given: the work goes over and the agency is made inactive.
    page.fill("#id_reason", REASON)
    page.focus("input[type=submit]")
    _press(page, "Enter")

    assert page.url == f"{live_server.url}/admin/directory/agency/"
    with translation.override("vi"):
        inactive = translation.gettext("The agency is now inactive.")
    assert page.locator(".messagelist li").all_inner_texts() == [
        "Ủy ban nhân dân xã Ninh Nhất → Ủy ban nhân dân phường Hoa Lư: số hồ sơ đã bàn giao: 1 "
        f"(với tư cách cơ quan tiếp nhận: 1), số bước: 2. {inactive}"
    ]
    assert Agency.objects.get(pk=old.agency.pk).is_active is False
    dossier.refresh_from_db()
    assert dossier.receiving_agency_id == successor.pk
    assert set(DossierStep.objects.filter(dossier=dossier).values_list("agency_id", flat=True)) == {successor.pk}

    # The successor's specialist finds the dossier in their inbox, its step to claim.
    office = sign_in(request, browser, live_server, specialist)
    assert "1 dossier waits for you." in office.inner_text("main")
    assert office.get_by_role("link", name=dossier.code).count() == 1
    assert DossierStep.objects.get(dossier=dossier, state=StepState.ACTIVE).assignee_id is None
