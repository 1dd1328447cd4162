"""The postal tables ask whether the officer is at the front desk once per page, not once per open item."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chinhquyen.dossiers.models import Dossier
from chinhquyen.postal.models import PostalShipment
from tests.office.helpers import draft, login, office_make, received

pytestmark = pytest.mark.django_db
SEQ = itertools.count()


def _shipment(dossier, direction):
    k = next(SEQ)
    return PostalShipment.objects.create(
        dossier=dossier,
        direction=direction,
        order_number=f"ON{k}",
        item_code=f"IC{k}",
        receiver_name="A",
        receiver_phone="0912345678",
        receiver_address="1 Trần Hưng Đạo",
        receiver_division_code="00004",
        receiver_province_code="01",
        description="d",
        state="created",
        events=[{"state": "created", "at": timezone.now().isoformat(), "note": ""}],
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return len(captured)


def test_the_pickups_page_costs_the_same_with_3_or_30_pickups(client):
    office = office_make()
    login(client, office.front_desk)
    url = reverse("office:postal_pickups")
    for _ in range(3):
        _shipment(draft(office), "dossier_pickup")
    few = _queries(client, url)
    for _ in range(27):
        _shipment(draft(office), "dossier_pickup")

    assert _queries(client, url) == few
    assert client.get(url).content.count(b'name="shipment"') == 30  # each still has its refresh button


def test_the_dossier_page_costs_the_same_with_1_or_6_postal_items(client):
    office = office_make()
    login(client, office.front_desk)
    counts = []
    for items in (1, 6):
        dossier = received(office)
        Dossier.objects.filter(pk=dossier.pk).update(return_method="postal")
        for i in range(items):
            _shipment(dossier, "result_delivery" if i % 2 else "dossier_pickup")
        counts.append(_queries(client, reverse("office:dossier", args=[dossier.pk])))

    assert counts[1] == counts[0]
