"""A result sent by post: sent, with its item code, and delivered only once the post office confirms it."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chinhquyen.dossiers.models import DossierStatus, Substatus
from chinhquyen.dossiers.services import dossier_approve, dossier_forward, dossier_issue_result, dossier_return
from chinhquyen.postal.models import OrderState, SimulatedPostalOrder
from chinhquyen.postal.services import postal_result_send, postal_tracking_refresh
from chinhquyen.postal.simulator.orders import sim_order_advance
from chinhquyen.workcal.engine import TZ
from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db

ITEM = "EB000000014VN"  # the simulator's first item
SENT = (
    '<dt>Result sent by post on</dt> <dd><time datetime="2026-03-05T09:00:00+07:00">05/03/2026 09:00</time></dd> '
    f'<dt>Postal item code</dt><dd class="postal-item">{ITEM}</dd>'
)
AWAITING = "The result has been sent to you by post; delivery is not confirmed yet."
HANDED_OVER = "Completed: the result has been handed over to you."


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def sent_by_post(cod_amount: str = "30000"):
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 3, 9, 0))
    dossier = dossier_approve(by=world.leader, dossier=dossier, at=vn(2026, 3, 4, 9, 0))
    dossier = dossier_issue_result(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 4, 10, 0))
    shipment = postal_result_send(
        by=world.front_desk,
        dossier=dossier,
        receiver_name="Trần Thị Bình",
        receiver_phone="0912345678",
        receiver_address="Số 5, thôn Đông",
        receiver_division_code="14464",
        cod_amount=cod_amount,
        at=vn(2026, 3, 5, 9, 0),
    )
    dossier.refresh_from_db()
    return world, dossier, shipment


def pages(world: World, dossier) -> dict[str, str]:
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.applicant.user)
    public = Client(headers={"accept-language": "en"}, REMOTE_ADDR="198.51.100.7")
    return {
        "detail": text(client.get(reverse("portal:my_dossier", args=[dossier.pk]))),
        "lookup": text(public.get(reverse("portal:dossier_lookup"), {"ma": dossier.code, "k": dossier.lookup_secret})),
    }


def advance(to: str = "") -> None:
    sim_order_advance(SimulatedPostalOrder.objects.get(item_code=ITEM), to=to)


def test_a_result_on_its_way_is_sent_by_post_with_its_item_code_not_handed_over():
    world, dossier, _shipment = sent_by_post()
    assert (dossier.status, dossier.substatus) == (DossierStatus.RETURNED, Substatus.RESULT_AWAITING_CONFIRMATION)

    shown = pages(world, dossier)

    for name, html in shown.items():
        assert AWAITING in html, name
        assert HANDED_OVER not in html, name
        assert SENT in html, name
        assert (
            '<dt>Delivery</dt> <dd class="postal-delivery">Not confirmed yet: the result is on its way. '
            "Pay the postman 30,000 VND on delivery.</dd>"
        ) in html, name
        assert "Result handed over on" not in html, name
    assert "The result was sent to you by post" in shown["detail"]  # the timeline


def test_a_delivery_confirmed_by_the_post_office_completes_the_dossier():
    world, dossier, shipment = sent_by_post(cod_amount="0")
    advance()
    advance()  # picked up, then delivered
    shipment = postal_tracking_refresh(shipment=shipment)
    dossier.refresh_from_db()
    assert dossier.substatus == Substatus.RESULT_HANDED_OVER
    on = timezone.localtime(shipment.delivered_at, TZ).strftime("%d/%m/%Y %H:%M")

    shown = pages(world, dossier)

    for name, html in shown.items():
        assert "Completed: the result has been delivered to you by post." in html, name
        assert AWAITING not in html, name
        assert SENT in html, name
        assert (
            f'<dt>Delivery</dt> <dd class="postal-delivery">Delivery confirmed by the post office on {on}.</dd>'
        ) in html, name
        assert "Pay the postman" not in html, name
    assert "The post office delivered the result to you" in shown["detail"]


def test_a_result_brought_back_by_the_post_office_says_so():
    world, dossier, shipment = sent_by_post()
    advance()
    advance(OrderState.RETURNED_TO_SENDER)
    postal_tracking_refresh(shipment=shipment)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.substatus) == (DossierStatus.RETURNED, Substatus.RESULT_READY)

    shown = pages(world, dossier)

    for name, html in shown.items():
        assert (
            "The post office could not deliver the result and brought it back. Please contact the receiving agency."
        ) in html, name
        assert (
            '<dt>Delivery</dt> <dd class="postal-delivery">'
            "Not delivered: the post office brought the result back to the agency.</dd>"
        ) in html, name
        assert HANDED_OVER not in html, name
        assert SENT in html, name  # when it left: the order's, the dossier's return date cleared
    assert dossier.returned_at is None
    assert "The post office could not deliver the result and brought it back to the agency" in shown["detail"]


def test_a_result_whose_order_was_cancelled_shows_no_postal_delivery():
    world, dossier, shipment = sent_by_post()
    advance(OrderState.CANCELLED)
    postal_tracking_refresh(shipment=shipment)
    dossier.refresh_from_db()
    assert (dossier.substatus, dossier.returned_at) == (Substatus.RESULT_READY, None)

    shown = pages(world, dossier)

    for name, html in shown.items():
        assert "Result sent by post on" not in html, name
        assert "postal-delivery" not in html, name
        assert HANDED_OVER not in html, name


def test_a_result_handed_over_at_the_counter_still_says_so():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 3, 9, 0))
    dossier = dossier_approve(by=world.leader, dossier=dossier, at=vn(2026, 3, 4, 9, 0))
    dossier = dossier_issue_result(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 4, 10, 0))
    dossier = dossier_return(by=world.front_desk, dossier=dossier, method="counter", at=vn(2026, 3, 5, 8, 30))

    shown = pages(world, dossier)

    assert HANDED_OVER in shown["detail"]
    assert "The result was handed over" in shown["detail"]  # the timeline
    assert "Postal item code" not in shown["detail"]
    assert (
        '<dt>Result handed over on</dt> <dd><time datetime="2026-03-05T08:30:00+07:00">05/03/2026 08:30</time></dd>'
    ) in shown["lookup"]
