"""The check of a supplied supplement through the API: one operation each, refused to the wrong callers."""

import pytest

from chinhquyen.dossiers import services
from tests.api.helpers import (
    api_client,
    citizen_with_account,
    csrf_token,
    place_make,
    post_json,
    session_client,
    token_for,
)
from tests.dossiers.factories import SPECIALIST_ACTIONS_ON_RECEIPT

pytestmark = pytest.mark.django_db


def _supplied(place, applicant=None):
    dossier = services.dossier_create_at_counter(
        by=place.front_desk, procedure=place.procedure, applicant=applicant or citizen_with_account()
    )
    dossier = services.dossier_receive(by=place.front_desk, dossier=dossier)
    dossier = services.dossier_request_supplement(by=place.specialist, dossier=dossier, items=["CCCD"], reason="r")
    return services.dossier_supplement_provided(by=place.front_desk, dossier=dossier)


def test_the_specialist_accepts_the_supplement():
    place = place_make()
    dossier = _supplied(place)
    base = f"/api/v1/dossiers/{dossier.pk}"

    read = api_client(token_for(place.specialist)).get(base)
    accepted = post_json(api_client(token_for(place.specialist)), f"{base}/supplement-accept", {"note": "Đủ"})
    again = post_json(api_client(token_for(place.specialist)), f"{base}/supplement-accept", {})
    after = api_client(token_for(place.specialist)).get(base)

    # Nothing moves on until what was supplied is checked: no "forward" before the acceptance.
    assert read.json()["actions"] == [
        "request_supplement",
        "supplement_accept",
        "supplement_reject",
        "claim",
        "letter_draft",
    ]
    assert after.json()["actions"] == SPECIALIST_ACTIONS_ON_RECEIPT
    assert accepted.status_code == 200
    body = accepted.json()
    assert (body["status_name"], body["substatus"], body["version"]) == ("received", "supplement_accepted", 4)
    assert (again.status_code, again.json()["code"]) == (409, "no_supplement_supplied")


def test_the_specialist_says_not_enough_and_the_clock_pauses_again():
    place = place_make()
    dossier = _supplied(place)
    client = api_client(token_for(place.specialist))
    path = f"/api/v1/dossiers/{dossier.pk}/supplement-reject"

    no_items = post_json(client, path, {"items": [], "reason": "r"})
    no_reason = post_json(client, path, {"items": ["Bản chính CCCD"]})
    done = post_json(client, path, {"items": ["Bản chính CCCD"], "reason": "Bản sao mờ", "expected_version": 3})

    assert no_items.status_code == 400
    assert no_items.json()["field"] == "items"
    assert no_reason.status_code == 400
    assert no_reason.json()["field"] == "reason"
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["status_name"], body["substatus"], body["paused"]) == (
        "supplement_requested",
        "supplement_processor",
        True,
    )


def test_the_front_desk_and_the_leader_may_not_check_a_processors_supplement():
    place = place_make()
    dossier = _supplied(place)
    base = f"/api/v1/dossiers/{dossier.pk}"

    desk = post_json(api_client(token_for(place.front_desk)), f"{base}/supplement-accept", {})
    leader = post_json(
        api_client(token_for(place.leader)), f"{base}/supplement-reject", {"items": ["x"], "reason": "r"}
    )
    stale = post_json(api_client(token_for(place.specialist)), f"{base}/supplement-accept", {"expected_version": 1})

    assert (desk.status_code, desk.json()["code"]) == (403, "role_required")
    assert (leader.status_code, leader.json()["code"]) == (403, "role_required")
    assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")


def test_the_applicant_may_not_check_their_own_supplement():
    place = place_make()
    citizen = citizen_with_account()
    dossier = _supplied(place, applicant=citizen)
    client = session_client(citizen.user)

    response = post_json(
        client, f"/api/v1/dossiers/{dossier.pk}/supplement-accept", {}, **{"X-CSRFToken": csrf_token(client)}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "caller_not_allowed"


def test_another_agencys_specialist_does_not_learn_the_dossier_exists():
    place, other = place_make("a"), place_make("b")
    dossier = _supplied(place)
    client = api_client(token_for(other.specialist))
    base = f"/api/v1/dossiers/{dossier.pk}"

    accept = post_json(client, f"{base}/supplement-accept", {})
    reject = post_json(client, f"{base}/supplement-reject", {"items": ["x"], "reason": "r"})

    assert (accept.status_code, accept.json()["code"]) == (404, "dossier_not_found")
    assert (reject.status_code, reject.json()["code"]) == (404, "dossier_not_found")
    dossier.refresh_from_db()
    assert (dossier.version, dossier.substatus) == (3, "supplement_supplied")
