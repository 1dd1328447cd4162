"""The office pages: "Return the result" by post asks for the receiver, hands over, then shows the shipment."""

import pytest
from django.urls import reverse

from chinhquyen.dossiers.models import DossierStatus, Substatus
from chinhquyen.postal.models import PostalShipment, SimulatedPostalOrder
from chinhquyen.postal.simulator.orders import sim_order_advance

from .helpers import COMMUNE, FIRST_ITEM, RECEIVER, resolved

pytestmark = pytest.mark.django_db


def _postal_url(dossier) -> str:
    return reverse("office:postal_send", args=[dossier.pk])


def _send(client, dossier, **overrides):
    dossier.refresh_from_db()
    data = {**RECEIVER, "cod_amount": "0", "expected_version": dossier.version, **overrides}
    return client.post(_postal_url(dossier), data)


def test_choosing_by_post_leads_to_the_receiver_page(as_user, office):
    dossier = resolved(office)
    client = as_user(office.front_desk)

    response = client.post(
        reverse("office:dossier_action", args=[dossier.pk, "return"]),
        {"method": "postal", "expected_version": dossier.version},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{_postal_url(dossier)}?version={dossier.version}"
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED  # nothing happens until the receiver is confirmed


def test_the_receiver_is_pre_filled_from_the_applicant_as_submitted(as_user, office):
    dossier = resolved(office)

    page = as_user(office.front_desk).get(f"{_postal_url(dossier)}?version={dossier.version}")

    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial == {
        "receiver_name": "Trần Thị Bình",
        "receiver_phone": "0912345678",
        "receiver_address": "Số 5, thôn Đông",
        "receiver_division_code": COMMUNE,
        "cod_amount": 0,
        "expected_version": dossier.version,
    }
    assert "Confirm: Send by post" in page.content.decode()


def test_sending_returns_the_dossier_and_the_page_shows_the_item(as_user, office):
    dossier = resolved(office)
    client = as_user(office.front_desk)

    response = _send(client, dossier, cod_amount="15000")
    page = client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert response["Location"] == reverse("office:dossier", args=[dossier.pk])
    dossier.refresh_from_db()
    assert (dossier.status, dossier.return_method) == (DossierStatus.RETURNED, "postal")
    assert f"The result was handed to the postal partner: item {FIRST_ITEM}." in page
    assert f"<strong>{FIRST_ITEM}</strong>" in page
    assert "Order created" in page
    assert "Result sent, awaiting confirmation of delivery" in page
    assert "15,000 VND" in page
    assert "Xã Gia Viễn, Ninh Bình" in page


def test_a_refused_phone_is_shown_at_its_field_and_nothing_changes(as_user, office):
    dossier = resolved(office)
    version = dossier.version

    response = _send(as_user(office.front_desk), dossier, receiver_phone="0912340000")

    assert response.status_code == 400
    body = response.content.decode()
    assert "The postal partner does not accept deliveries to this phone number; check it with the applicant." in body
    assert 'aria-invalid="true"' in body
    dossier.refresh_from_db()
    assert (dossier.status, dossier.version) == (DossierStatus.RESOLVED, version)
    assert PostalShipment.objects.count() == 0


def test_an_unreachable_partner_keeps_what_was_typed(as_user, office, settings):
    settings.POSTAL_BACKEND = ""
    dossier = resolved(office)

    response = _send(as_user(office.front_desk), dossier, receiver_address="Số 9, thôn Tây")

    assert response.status_code == 409
    body = response.content.decode()
    assert "The result was not sent; nothing was changed." in body
    assert "Sending results by post is not set up on this platform." in body
    assert 'value="Số 9, thôn Tây"' in body


def test_refreshing_the_tracking_shows_the_delivery(as_user, office):
    dossier = resolved(office)
    client = as_user(office.front_desk)
    _send(client, dossier)
    shipment = PostalShipment.objects.get()
    order = SimulatedPostalOrder.objects.get()
    sim_order_advance(order)
    sim_order_advance(order)

    response = client.post(reverse("office:postal_refresh", args=[dossier.pk]), {"shipment": shipment.pk})
    page = client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.substatus == Substatus.RESULT_HANDED_OVER
    assert f"Item {FIRST_ITEM}: Delivered." in page
    assert "Delivered by post" in page  # the timeline
    assert "Refresh the tracking of" not in page  # a delivered item moves no more


def test_refreshing_a_shipment_of_another_dossier_is_not_found(as_user, office):
    first, second = resolved(office), resolved(office)
    client = as_user(office.front_desk)
    _send(client, first)

    response = client.post(
        reverse("office:postal_refresh", args=[second.pk]), {"shipment": PostalShipment.objects.get().pk}
    )

    assert response.status_code == 404


def test_a_specialist_cannot_open_the_postal_page(as_user, office):
    dossier = resolved(office)

    assert as_user(office.specialist).get(_postal_url(dossier)).status_code == 403


def test_the_postal_page_of_a_dossier_not_ready_says_so(as_user, office):
    from tests.office.helpers import received

    dossier = received(office)

    page = as_user(office.front_desk).get(_postal_url(dossier))

    assert page.status_code == 200
    assert "This action is not open to you on this dossier now." in page.content.decode()


def test_returning_at_the_counter_is_unchanged(as_user, office):
    dossier = resolved(office)

    response = as_user(office.front_desk).post(
        reverse("office:dossier_action", args=[dossier.pk, "return"]),
        {"method": "counter", "expected_version": dossier.version},
    )

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.return_method, dossier.substatus) == (
        DossierStatus.RETURNED,
        "counter",
        Substatus.RESULT_HANDED_OVER,
    )


def test_the_dossier_page_shows_the_digitisation(as_user, office):
    dossier = resolved(office)

    page = as_user(office.front_desk).get(reverse("office:dossier", args=[dossier.pk])).content.decode()

    assert "<dt>Digitisation</dt><dd>Not digitised</dd>" in page


def test_the_admin_plays_the_partner_and_reads_the_tracking(admin_client, office):
    from chinhquyen.postal.services import postal_result_send

    shipment = postal_result_send(by=office.front_desk, dossier=resolved(office), **RECEIVER)
    order = SimulatedPostalOrder.objects.get()

    advanced = admin_client.post(
        reverse("admin:postal_simulatedpostalorder_changelist"),
        {"action": "advance", "_selected_action": [order.pk]},
    )
    read = admin_client.post(
        reverse("admin:postal_postalshipment_changelist"),
        {"action": "refresh_tracking", "_selected_action": [shipment.pk]},
    )

    assert (advanced.status_code, read.status_code) == (302, 302)
    shipment.refresh_from_db()
    assert shipment.state == "picked_up"
