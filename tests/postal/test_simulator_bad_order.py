"""The postal simulator's API refuses an order whose item is not an object, naming the field (no 500)."""

import json

import pytest
from django.test import Client

from chinhquyen.postal.models import SimulatedPostalOrder

pytestmark = pytest.mark.django_db

RECEIVER = {"name": "A", "phone": "0912345678", "address": "x", "province_code": "37", "commune_code": "14464"}
SENDER = {"name": "B", "phone": "02293871234", "address": "y", "province_code": "37", "commune_code": "14329"}


def _order_create(item: object) -> tuple[int, dict]:
    order = {"kind": "delivery", "reference": "X-1", "sender": SENDER, "receiver": RECEIVER, "item": item}
    response = Client(raise_request_exception=False).post(
        "/postal-sim/api/orders", json.dumps(order), content_type="application/json", headers={"X-Customer-Code": "C1"}
    )
    return response.status_code, response.json()


@pytest.mark.parametrize("item", ["not an object", ["a"], 5], ids=["text", "list", "number"])
def test_an_item_that_is_not_an_object_is_refused_on_its_field(item):
    status, body = _order_create(item)

    assert (status, body) == (
        422,
        {"error": {"code": "invalid_order", "message": "The order's item must be an object.", "field": "item"}},
    )
    assert SimulatedPostalOrder.objects.count() == 0


@pytest.mark.parametrize("item", [None, {"cod_amount": 25000}], ids=["none", "object"])
def test_an_order_without_an_item_or_with_an_object_is_accepted(item):
    status, body = _order_create(item)

    assert (status, body["state"]) == (201, "created")
