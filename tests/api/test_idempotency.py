"""Idempotency-Key: a retry gets the first response, another body 409, a failure may be retried."""

import json
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier
from chinhquyen.integrations.models import IdempotencyRecord
from chinhquyen.integrations.services import idempotency_purge
from tests.api.helpers import api_client, pdf_file, place_make, token_for
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db


def _submission(place, applicant):
    return {
        "procedure": place.procedure.code,
        "agency": place.agency.code,
        "applicant": applicant.personal_id,
        "documents": [pdf_file()],
    }


def test_the_same_key_and_body_replays_the_first_response():
    place = place_make()
    applicant = CitizenFactory()
    client = api_client(token_for(place.front_desk))

    first = client.post("/api/v1/dossiers", _submission(place, applicant), headers={"Idempotency-Key": "abc-1"})
    again = client.post("/api/v1/dossiers", _submission(place, applicant), headers={"Idempotency-Key": "abc-1"})

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Dossier.objects.count() == 1


def test_the_same_key_with_another_body_is_409():
    place = place_make()
    client = api_client(token_for(place.front_desk))
    first = client.post("/api/v1/dossiers", _submission(place, CitizenFactory()), headers={"Idempotency-Key": "k"})
    other = client.post("/api/v1/dossiers", _submission(place, CitizenFactory()), headers={"Idempotency-Key": "k"})

    assert first.status_code == 201
    assert other.status_code == 409
    assert other.json() == {
        "code": "idempotency_key_reused",
        "message": "This Idempotency-Key was already used with a different request; use a new key for a new request.",
        "field": "Idempotency-Key",
        "errors": [],
    }
    assert Dossier.objects.count() == 1


def test_json_bodies_equal_but_for_spacing_and_key_order_are_the_same_request():
    place = place_make()
    dossier = services.dossier_create_at_counter(
        by=place.front_desk, procedure=place.procedure, applicant=CitizenFactory()
    )
    client = api_client(token_for(place.front_desk))
    url = f"/api/v1/dossiers/{dossier.pk}/refuse"

    headers = {"Idempotency-Key": "r"}

    first = client.post(url, '{"reasons": ["Thiếu"], "expected_version": 0}', "application/json", headers=headers)
    again = client.post(url, '{"expected_version":0,"reasons":["Thiếu"]}', "application/json", headers=headers)

    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert json.loads(again.content) == json.loads(first.content)


def test_a_refused_request_is_not_stored_and_the_key_may_be_retried():
    place = place_make()
    client = api_client(token_for(place.front_desk))
    applicant = CitizenFactory()

    refused = client.post(
        "/api/v1/dossiers", {**_submission(place, applicant), "agency": "nowhere"}, headers={"Idempotency-Key": "x"}
    )
    assert refused.status_code == 422
    assert IdempotencyRecord.objects.count() == 0

    retried = client.post("/api/v1/dossiers", _submission(place, applicant), headers={"Idempotency-Key": "x"})
    assert retried.status_code == 201, retried.json()


def test_keys_are_per_caller():
    place = place_make()
    one = api_client(token_for(place.front_desk)).post(
        "/api/v1/dossiers", _submission(place, CitizenFactory()), headers={"Idempotency-Key": "same"}
    )
    two = api_client(token_for(place.front_desk)).post(
        "/api/v1/dossiers", _submission(place, CitizenFactory()), headers={"Idempotency-Key": "same"}
    )

    assert (one.status_code, two.status_code) == (201, 201)
    assert Dossier.objects.count() == 2


def test_a_malformed_key_is_400():
    place = place_make()

    response = api_client(token_for(place.front_desk)).post(
        "/api/v1/dossiers", _submission(place, CitizenFactory()), headers={"Idempotency-Key": "has space"}
    )

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid_idempotency_key", "Idempotency-Key")


def test_records_expire_after_24_hours():
    place = place_make()
    client = api_client(token_for(place.front_desk))
    client.post("/api/v1/dossiers", _submission(place, CitizenFactory()), headers={"Idempotency-Key": "old"})
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=24, seconds=1))

    reused = client.post("/api/v1/dossiers", _submission(place, CitizenFactory()), headers={"Idempotency-Key": "old"})

    assert reused.status_code == 201
    assert not reused.has_header("Idempotent-Replayed")
    assert Dossier.objects.count() == 2
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert idempotency_purge() == 1
    assert IdempotencyRecord.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_create_one_dossier_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL (SQLite serialises writers)")
    place = place_make()
    secret = token_for(place.front_desk)
    applicant = CitizenFactory()
    data = {"procedure": place.procedure.code, "agency": place.agency.code, "applicant": applicant.personal_id}
    barrier = threading.Barrier(4)
    responses = []

    def submit():
        client = api_client(secret)
        barrier.wait()
        responses.append(client.post("/api/v1/dossiers", data, headers={"Idempotency-Key": "race"}))
        connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(r.status_code for r in responses) == [201, 201, 201, 201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert sorted(r.has_header("Idempotent-Replayed") for r in responses) == [False, True, True, True]
    assert Dossier.objects.count() == 1


def test_the_same_key_and_body_with_another_if_match_is_409_not_a_replay():
    # If-Match is part of the request: the second asks for a change on another version of the dossier.
    place = place_make()
    dossier = services.dossier_create_at_counter(
        by=place.front_desk, procedure=place.procedure, applicant=CitizenFactory()
    )
    client = api_client(token_for(place.front_desk))
    url = f"/api/v1/dossiers/{dossier.pk}/receive"

    first = client.post(url, "{}", "application/json", headers={"Idempotency-Key": "m", "If-Match": '"0"'})
    again = client.post(url, "{}", "application/json", headers={"Idempotency-Key": "m", "If-Match": '"0"'})
    other = client.post(url, "{}", "application/json", headers={"Idempotency-Key": "m", "If-Match": '"1"'})

    assert (first.status_code, again.status_code, again["Idempotent-Replayed"]) == (200, 200, "true")
    assert (other.status_code, other.json()["code"], other.has_header("Idempotent-Replayed")) == (
        409,
        "idempotency_key_reused",
        False,
    )
