"""Returning a result by post in real Chromium: the receiver's page, a refusal by the partner, the hand-over
and the delivery read back from the partner; each page checked by axe."""

import pytest

from chinhquyen.dossiers.models import DossierStatus, Substatus
from chinhquyen.postal.models import SimulatedPostalOrder
from chinhquyen.postal.simulator.orders import sim_order_advance
from tests.office.browser import check, sign_in
from tests.office.helpers import office_make
from tests.postal.helpers import COMMUNE, FIRST_ITEM, resolved

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_front_desk_returns_the_result_by_post(request, browser, live_server):
    o = office_make(prefix="post")
    dossier = resolved(o)

    desk = sign_in(request, browser, live_server, o.front_desk)
    with desk.expect_navigation():
        desk.get_by_role("link", name=dossier.code).click()
    with desk.expect_navigation():
        desk.get_by_role("link", name="Return the result", exact=True).click()
    check(desk, "postal-return-method")
    desk.get_by_label("By post").check()
    with desk.expect_navigation():
        desk.get_by_role("button", name="Confirm: Return the result").click()

    # The receiver is the applicant as recorded; the officer changes the phone by mistake first.
    assert desk.input_value("#id_receiver_name") == "Trần Thị Bình"
    assert desk.input_value("#id_receiver_division_code") == COMMUNE
    check(desk, "postal-receiver")
    desk.fill("#id_receiver_phone", "0912340000")
    desk.fill("#id_cod_amount", "20000")
    with desk.expect_navigation():
        desk.get_by_role("button", name="Confirm: Send by post").click()
    assert "does not accept deliveries to this phone number" in desk.inner_text("#id_receiver_phone_errors")
    check(desk, "postal-refused")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED

    desk.fill("#id_receiver_phone", "0912345678")
    with desk.expect_navigation():
        desk.get_by_role("button", name="Confirm: Send by post").click()
    main = desk.inner_text("main")
    assert f"The result was handed to the postal partner: item {FIRST_ITEM}." in main
    assert "Result sent, awaiting confirmation of delivery" in main
    check(desk, "postal-sent")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.return_method) == (DossierStatus.RETURNED, "postal")

    # The postal service picks the item up and delivers it; the officer reads the tracking.
    order = SimulatedPostalOrder.objects.get()
    sim_order_advance(order)
    sim_order_advance(order, note="Người nhận ký")
    with desk.expect_navigation():
        desk.get_by_role("button", name=f"Refresh the tracking of {FIRST_ITEM}").click()
    main = desk.inner_text("main")
    assert f"Item {FIRST_ITEM}: Delivered." in main
    assert "Delivered by post" in main
    assert "Người nhận ký" in main
    check(desk, "postal-delivered")
    dossier.refresh_from_db()
    assert dossier.substatus == Substatus.RESULT_HANDED_OVER
