"""Ratings and petitions through the API, calling the feedback app's services."""

import json

import pytest

from chinhquyen.dossiers import services
from chinhquyen.feedback.criteria import CRITERIA
from chinhquyen.feedback.models import Petition, Rating
from chinhquyen.feedback.services import petition_assign, petition_publish
from tests.api.helpers import (
    api_client,
    citizen_with_account,
    csrf_token,
    pdf_file,
    place_make,
    post_json,
    session_client,
    token_for,
)

pytestmark = pytest.mark.django_db

PETITION = {
    "subject": "Thời gian chờ tại quầy",
    "content": "Tôi đã phải chờ hơn hai giờ tại quầy tiếp nhận để nộp hồ sơ khai sinh.",
    "sender_name": "Lê Văn Cường",
    "sender_phone": "0912345678",
}


def _returned(place, citizen):
    draft = services.dossier_create_at_counter(by=place.front_desk, procedure=place.procedure, applicant=citizen)
    dossier = services.dossier_receive(by=place.front_desk, dossier=draft)
    services.dossier_forward(by=place.specialist, dossier=dossier)
    services.dossier_issue_result(by=place.leader, dossier=dossier, upload=pdf_file())
    return services.dossier_return(by=place.front_desk, dossier=dossier, method="counter")


def test_the_applicant_rates_a_returned_dossier_once():
    place = place_make()
    citizen = citizen_with_account()
    dossier = _returned(place, citizen)
    client = session_client(citizen.user)
    token = csrf_token(client)
    body = {"scores": {c.key: max(p for p, _w in c.options) for c in CRITERIA}, "overall": "satisfied"}

    first = post_json(client, f"/api/v1/dossiers/{dossier.pk}/rating", body, **{"X-CSRFToken": token})
    again = post_json(client, f"/api/v1/dossiers/{dossier.pk}/rating", body, **{"X-CSRFToken": token})

    assert first.status_code == 201
    assert first.json()["overall"] == "satisfied"
    assert (again.status_code, again.json()["code"]) == (409, "already_rated")


def test_officers_may_not_rate():
    place = place_make()
    dossier = _returned(place, citizen_with_account())

    response = post_json(api_client(token_for(place.front_desk)), f"/api/v1/dossiers/{dossier.pk}/rating", {})

    assert (response.status_code, response.json()["code"]) == (403, "caller_not_allowed")


def test_anyone_files_a_petition_and_the_agency_answers_it():
    place = place_make()

    filed = post_json(api_client(), "/api/v1/petitions", {**PETITION, "about_agency": place.agency.code})
    petition = Petition.objects.get()
    petition_assign(petition=petition, by=place.front_desk, agency=place.agency)
    answered = post_json(
        api_client(token_for(place.specialist)),
        f"/api/v1/petitions/{petition.pk}/answer",
        {"answer": "Trung tâm đã bố trí thêm một quầy tiếp nhận."},
    )
    elsewhere = post_json(
        api_client(token_for(place_make("b").specialist)), f"/api/v1/petitions/{petition.pk}/answer", {"answer": "x"}
    )

    assert filed.status_code == 201
    assert filed.json()["code"] == petition.code
    assert answered.status_code == 200
    assert answered.json()["status"] == "answered"
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (404, "petition_not_found")


def test_anonymous_callers_file_at_most_five_petitions_an_hour_from_one_address():
    from chinhquyen.feedback.limits import PETITIONS_PER_HOUR

    place = place_make()
    client = api_client()
    for _ in range(PETITIONS_PER_HOUR):
        assert post_json(client, "/api/v1/petitions", PETITION).status_code == 201

    refused = post_json(client, "/api/v1/petitions", PETITION)
    elsewhere = client.post(
        "/api/v1/petitions", json.dumps(PETITION), content_type="application/json", REMOTE_ADDR="10.0.0.9"
    )
    # An officer (or a system with a key) filing for people at the counter is not limited by address.
    officer = post_json(api_client(token_for(place.front_desk)), "/api/v1/petitions", PETITION)

    assert (refused.status_code, refused.json()["code"]) == (429, "petitions_rate_limited")
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert (elsewhere.status_code, officer.status_code) == (201, 201)
    assert Petition.objects.count() == PETITIONS_PER_HOUR + 2


def test_a_petition_without_a_way_to_reach_the_sender_is_422():
    response = post_json(api_client(), "/api/v1/petitions", {**PETITION, "sender_phone": ""})

    assert response.status_code == 422
    assert Petition.objects.count() == 0


def test_published_petitions_are_public():
    place = place_make()
    post_json(api_client(), "/api/v1/petitions", {**PETITION, "about_agency": place.agency.code})
    petition = Petition.objects.get()
    petition_assign(petition=petition, by=place.front_desk, agency=place.agency)
    from chinhquyen.feedback.services import petition_answer

    petition_answer(petition=petition, by=place.specialist, answer="Đã bố trí thêm quầy.")
    petition_publish(petition=petition, by=place.leader)

    listed = api_client().get("/api/v1/petitions?q=cho tai quay").json()
    one = api_client().get(f"/api/v1/petitions/{petition.code}").json()

    assert [p["code"] for p in listed["items"]] == [petition.code]
    assert one["answer"] == "Đã bố trí thêm quầy."
    assert "0912345678" not in str(one)


@pytest.mark.parametrize("sent", [True, "2", 1.0])
def test_a_score_that_is_not_a_whole_number_is_refused_not_read_as_points(sent):
    place = place_make()
    citizen = citizen_with_account()
    dossier = _returned(place, citizen)
    client = session_client(citizen.user)
    body = {"scores": {"contacts": sent}, "overall": "satisfied"}

    response = post_json(client, f"/api/v1/dossiers/{dossier.pk}/rating", body, **{"X-CSRFToken": csrf_token(client)})

    assert response.status_code == 400
    errors = response.json()
    assert (errors["code"], [(e["code"], e["field"]) for e in errors["errors"]]) == (
        "invalid_request",
        [("not_a_number", "scores.contacts")],
    )
    assert not Rating.objects.filter(dossier=dossier).exists()


def _assigned(place) -> Petition:
    post_json(api_client(), "/api/v1/petitions", {**PETITION, "about_agency": place.agency.code})
    return petition_assign(petition=Petition.objects.get(), by=place.front_desk, agency=place.agency)


def test_an_answer_with_a_stale_if_match_is_refused_as_the_body_version_is():
    place = place_make()
    petition = _assigned(place)
    client = api_client(token_for(place.specialist))
    url = f"/api/v1/petitions/{petition.pk}/answer"

    stale = post_json(client, url, {"answer": "Cũ."}, **{"If-Match": f'"{petition.version - 1}"'})
    garbled = post_json(client, url, {"answer": "Cũ."}, **{"If-Match": "abc"})
    current = post_json(client, url, {"answer": "Mới."}, **{"If-Match": f'"{petition.version}"'})

    assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")
    assert (garbled.status_code, garbled.json()["code"], garbled.json()["field"]) == (
        400,
        "invalid_if_match",
        "If-Match",
    )
    assert (current.status_code, current.json()["status"]) == (200, "answered")
    assert Petition.objects.get().answer == "Mới."
