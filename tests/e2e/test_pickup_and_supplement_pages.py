"""The pages of the supplement check and of the pickup by post, in real Chromium, each checked by axe."""

import pytest

from chinhquyen.dossiers.services import dossier_request_supplement, dossier_supplement_provided
from chinhquyen.postal.models import SimulatedPostalOrder
from chinhquyen.postal.pickups import postal_pickup_order
from chinhquyen.postal.simulator.orders import sim_order_advance
from tests.e2e.test_portal_apply import applicant_page, clean
from tests.office.browser import check, sign_in
from tests.office.helpers import office_make, received
from tests.portal.test_my_dossiers import submitted
from tests.portal.test_pickup_pages import COMMUNE, world_with_address

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pickup_ordered():
    """An applicant's submitted application whose paper documents the post office is to collect."""
    world = world_with_address()
    dossier = submitted(world)
    postal_pickup_order(
        by=world.applicant.user,
        dossier=dossier,
        pickup_name="Nguyễn Văn An",
        pickup_phone="0912345678",
        pickup_address="Số 5, thôn Đông",
        pickup_division_code=COMMUNE,
    )
    return world, dossier


def test_the_specialists_supplement_check_pages_pass_axe(request, browser, live_server):
    o = office_make(prefix="sup")
    dossier = received(o)
    dossier_request_supplement(by=o.specialist, dossier=dossier, items=["Bản sao CCCD"], reason="Thiếu")
    dossier_supplement_provided(by=o.front_desk, dossier=dossier)
    page = sign_in(request, browser, live_server, o.specialist)

    page.goto(f"{live_server.url}/office/dossiers/{dossier.pk}/")
    assert "Supplement not sufficient" in page.inner_text("main")
    check(page, "supplement-buttons")
    with page.expect_navigation():
        page.get_by_role("link", name="Supplement not sufficient").click()
    page.fill("#id_items", "Bản sao CCCD có chứng thực")
    page.fill("#id_reason", " ")  # passes the browser's check, not the server's
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm: Supplement not sufficient").click()
    assert page.locator("#id_reason").get_attribute("aria-invalid") == "true"
    check(page, "supplement-reject-errors")


def test_the_pickup_pages_pass_axe(request, browser, live_server):
    world = world_with_address()
    dossier = submitted(world)
    page = applicant_page(request, browser, live_server, world)

    page.goto(f"{live_server.url}/ho-so-cua-toi/{dossier.pk}/thu-gom/")
    assert page.locator("#id_pickup_division_code").input_value() == COMMUNE
    page.fill("#id_pickup_phone", "0912340000")
    with page.expect_navigation():
        page.get_by_role("button", name="Order the collection").click()
    assert "does not collect from this phone number" in page.inner_text("main")
    clean(page, "pickup form with an error")
    page.fill("#id_pickup_phone", "0912345678")
    with page.expect_navigation():
        page.get_by_role("button", name="Order the collection").click()
    assert "Item EB000000014VN: Order created." in page.inner_text("main")
    clean(page, "my dossier with its pickup")

    sim_order_advance(SimulatedPostalOrder.objects.get())
    office = sign_in(request, browser, live_server, world.front_desk)
    office.goto(f"{live_server.url}/office/postal/pickups/")
    with office.expect_navigation():
        office.get_by_role("button", name="Refresh the tracking of EB000000014VN").click()
    assert "Item EB000000014VN: Picked up by the postal service." in office.inner_text("main")
    check(office, "pickups")


def test_the_front_desk_reception_page_of_an_arrived_dossier_passes_axe(request, browser, live_server):
    world, dossier = _pickup_ordered()
    order = SimulatedPostalOrder.objects.get()
    sim_order_advance(order)
    sim_order_advance(order)
    page = sign_in(request, browser, live_server, world.front_desk)
    page.goto(f"{live_server.url}/office/postal/pickups/")
    with page.expect_navigation():
        page.get_by_role("button", name="Refresh the tracking of EB000000014VN").click()

    page.goto(f"{live_server.url}/office/")
    assert "Paper documents arrived by post" in page.inner_text("main")
    check(page, "inbox-arrived-by-post")
    page.goto(f"{live_server.url}/office/reception/{dossier.pk}/")
    assert "By post" in page.inner_text("main")
    check(page, "reception-arrived-by-post")


def test_calling_the_pickup_off_passes_axe_and_works_by_keyboard(request, browser, live_server):
    world, dossier = _pickup_ordered()
    page = applicant_page(request, browser, live_server, world)

    page.goto(f"{live_server.url}/ho-so-cua-toi/{dossier.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Call off the collection").click()
    assert "The postman will not come to Số 5, thôn Đông for item EB000000014VN." in page.inner_text("main")
    clean(page, "pickup cancel confirmation")
    page.get_by_role("button", name="Call off the collection").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Item EB000000014VN: Cancelled." in page.inner_text("main")
    clean(page, "my dossier after calling the pickup off")
    assert SimulatedPostalOrder.objects.get().state == "cancelled"
