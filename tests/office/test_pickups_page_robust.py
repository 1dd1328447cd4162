"""The pickups page keeps the items still on their way, and survives what the postal partner writes."""

import pytest
from django.urls import reverse

from chinhquyen.postal.models import OrderState
from chinhquyen.postal.selectors import postal_pickups_query
from tests.office.helpers import draft, login, office_make
from tests.postal.helpers import pickup_shipment

pytestmark = pytest.mark.django_db


def test_an_item_still_on_its_way_is_kept_when_newer_arrived_items_fill_the_list():
    office = office_make()
    dossier = draft(office)
    stuck = pickup_shipment(dossier, state=OrderState.PICKED_UP, days_ago=10)
    arrived = [pickup_shipment(dossier, state=OrderState.DELIVERED, days_ago=days) for days in (3, 2, 1)]

    rows = list(postal_pickups_query(agency_ids=[office.agency.pk])[:3])

    assert [s.pk for s in rows] == [stuck.pk, arrived[2].pk, arrived[1].pk]


def test_items_on_their_way_come_first_each_group_newest_first():
    office = office_make()
    dossier = draft(office)
    old_open = pickup_shipment(dossier, state=OrderState.CREATED, days_ago=5)
    old_done = pickup_shipment(dossier, state=OrderState.CANCELLED, days_ago=4)
    new_open = pickup_shipment(dossier, state=OrderState.PICKED_UP, days_ago=2)
    new_done = pickup_shipment(dossier, state=OrderState.RETURNED_TO_SENDER, days_ago=1)

    rows = list(postal_pickups_query(agency_ids=[office.agency.pk]))

    assert [s.pk for s in rows] == [new_open.pk, old_open.pk, new_done.pk, old_done.pk]


@pytest.mark.parametrize(
    "at",
    ["2026-11-31T10:00:00+07:00", "2026-02-30 08:00", "not a time", "", None, 20261120],
    ids=["31-november", "30-february", "words", "empty", "null", "a-number"],
)
def test_a_tracking_time_the_partner_garbled_leaves_the_pages_readable(client, at):
    office = office_make()
    dossier = draft(office)
    events = [
        {"state": "created", "at": "2026-11-20T08:00:00+07:00", "note": ""},
        {"state": "picked_up", "at": at, "note": "Bưu tá đã nhận"},
    ]
    pickup_shipment(dossier, state=OrderState.PICKED_UP, events=events)
    login(client, office.front_desk)

    response = client.get(reverse("office:postal_pickups"), HTTP_ACCEPT_LANGUAGE="en")

    body = response.content.decode()
    assert response.status_code == 200
    # The garbled event is still listed, with its label and note, without a time; the sound one keeps its time.
    assert "Picked up by the postal service · Bưu tá đã nhận" in body
    assert '<time datetime="2026-11-20T08:00:00+07:00">20/11/2026 08:00</time> · Order created' in body


def test_a_tracking_time_without_an_offset_is_read_in_vietnam_time(client):
    office = office_make()
    pickup_shipment(draft(office), events=[{"state": "created", "at": "2026-11-20T08:00:00", "note": ""}])
    login(client, office.front_desk)

    body = client.get(reverse("office:postal_pickups"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<time datetime="2026-11-20T08:00:00+07:00">20/11/2026 08:00</time> · Order created' in body


def test_the_dossier_page_survives_a_garbled_tracking_time_too(client):
    from chinhquyen.dossiers.models import Dossier
    from tests.office.helpers import received

    office = office_make()
    dossier = received(office)
    Dossier.objects.filter(pk=dossier.pk).update(return_method="postal")
    pickup_shipment(dossier, events=[{"state": "created", "at": "2026-11-31T10:00:00+07:00", "note": "Đã tạo"}])
    login(client, office.front_desk)

    response = client.get(reverse("office:dossier", args=[dossier.pk]), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "Order created · Đã tạo" in response.content.decode()
