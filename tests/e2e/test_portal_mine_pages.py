"""The new parts of "My dossiers" and of the lookup in real Chromium on a phone-sized screen, each checked by axe:
withdrawing (with its errors), a payment asked for, a result sent by post."""

import pytest

from chinhquyen.dossiers.models import DossierStatus
from chinhquyen.dossiers.services import dossier_forward, dossier_receive, dossier_request_payment, dossier_send_back
from tests.dossiers.factories import vn
from tests.e2e.test_portal_apply import applicant_page, clean
from tests.portal.apply_world import OnlineWorld
from tests.portal.test_mine_result_by_post import sent_by_post
from tests.portal.test_my_dossiers import submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_withdrawing_with_its_errors_passes_axe(request, browser, live_server):
    world = OnlineWorld()
    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))
    page = applicant_page(request, browser, live_server, world)

    page.goto(f"{live_server.url}/ho-so-cua-toi/{dossier.pk}/")
    clean(page, "my dossier offering to withdraw")
    with page.expect_navigation():
        page.get_by_role("link", name="Withdraw the dossier").click()
    clean(page, "withdraw form")
    with page.expect_navigation():
        page.get_by_role("button", name="Withdraw the dossier").click()
    assert "Say why you withdraw the dossier." in page.inner_text(".error-summary")
    assert page.title().startswith("Error:")
    clean(page, "withdraw form with errors")
    page.fill("#id_reason", "Tôi không cần kết quả nữa")
    page.get_by_label("I understand that withdrawing cannot be undone.").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Withdraw the dossier").click()
    assert "Your dossier has been withdrawn." in page.inner_text("main")
    clean(page, "my dossier withdrawn")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WITHDRAWN


def test_a_payment_asked_for_passes_axe(request, browser, live_server):
    world = OnlineWorld()
    world.agency.address, world.agency.phone = "Số 1 Đinh Tiên Hoàng", "02293871234"
    world.agency.save()
    dossier = dossier_forward(by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)))
    dossier = dossier_send_back(by=world.leader, dossier=dossier, reason="Tính phí")
    dossier = dossier_request_payment(by=world.specialist, dossier=dossier, amount=50000, note="Lệ phí")
    page = applicant_page(request, browser, live_server, world)

    page.goto(f"{live_server.url}/ho-so-cua-toi/{dossier.pk}/")
    assert "50,000 VND" in page.inner_text("#payment-amount")
    clean(page, "my dossier with a payment")
    page.goto(f"{live_server.url}/ho-so-cua-toi/")
    clean(page, "my dossiers with a payment")
    page.goto(f"{live_server.url}/tra-cuu-ho-so/?ma={dossier.code}&k={dossier.lookup_secret}")
    assert "50,000 VND" in page.inner_text("#lookup-payment")
    clean(page, "lookup with a payment")


def test_a_result_sent_by_post_passes_axe(request, browser, live_server):
    world, dossier, _shipment = sent_by_post()
    page = applicant_page(request, browser, live_server, world)

    page.goto(f"{live_server.url}/ho-so-cua-toi/{dossier.pk}/")
    assert "EB000000014VN" in page.inner_text(".postal-item")
    clean(page, "my dossier with its result sent by post")
    page.goto(f"{live_server.url}/tra-cuu-ho-so/?ma={dossier.code}&k={dossier.lookup_secret}")
    assert "EB000000014VN" in page.inner_text(".postal-item")
    clean(page, "lookup of a result sent by post")
