"""The dossier list refuses a reversed range of reception days, as the office's search does, rather than
answering an empty page."""

import pytest

from tests.api.helpers import api_client, citizen_with_account, session_client, token_for
from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db

REVERSED = {
    "code": "invalid_request",
    "message": "Some fields are missing or not valid.",
    "field": "received_to",
    "errors": [{"code": "invalid", "message": "This value is not valid.", "field": "received_to"}],
}


def test_a_reversed_range_is_400_on_received_to():
    world = World(days=None)
    world.received(at=vn(2026, 3, 2, 8, 0))
    client = api_client(token_for(world.leader))

    response = client.get("/api/v1/dossiers", {"received_from": "2026-03-05", "received_to": "2026-03-01"})

    assert (response.status_code, response.json()) == (400, REVERSED)


def test_an_applicant_gets_the_same_refusal():
    citizen = citizen_with_account()

    response = session_client(citizen.user).get(
        "/api/v1/dossiers", {"received_from": "2026-03-02", "received_to": "2026-03-01"}
    )

    assert (response.status_code, response.json()) == (400, REVERSED)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param({"received_from": "2026-03-02", "received_to": "2026-03-02"}, id="one-day"),
        pytest.param({"received_from": "2026-03-01", "received_to": "2026-03-05"}, id="in-order"),
        pytest.param({"received_from": "2026-03-02"}, id="from-only"),
        pytest.param({"received_to": "2026-03-02"}, id="to-only"),
    ],
)
def test_a_range_in_order_or_open_still_lists(query):
    world = World(days=None)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    response = api_client(token_for(world.leader)).get("/api/v1/dossiers", query)

    assert (response.status_code, [d["id"] for d in response.json()["items"]]) == (200, [dossier.pk])
