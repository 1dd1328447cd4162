"""Officers' actions through the API: the whole flow, stale versions, refusals, the applicant's answers."""

import pytest

from chinhquyen.dossiers import services
from chinhquyen.dossiers.deadlines import letter_send_by
from chinhquyen.dossiers.models import Dossier
from tests.api.helpers import (
    api_client,
    citizen_with_account,
    csrf_token,
    pdf_file,
    place_make,
    post_json,
    session_client,
    system_make,
    token_for,
)
from tests.factories import CitizenFactory, working_days_later

pytestmark = pytest.mark.django_db


def _draft(place, applicant=None):
    return services.dossier_create_at_counter(
        by=place.front_desk, procedure=place.procedure, applicant=applicant or CitizenFactory()
    )


def test_a_dossier_goes_from_reception_to_returned_result_through_the_api():
    place = place_make()
    dossier = _draft(place)
    front, specialist, leader = (api_client(token_for(u)) for u in (place.front_desk, place.specialist, place.leader))
    base = f"/api/v1/dossiers/{dossier.pk}"

    received = post_json(front, f"{base}/receive", {"expected_version": 0})
    claimed = post_json(specialist, f"{base}/claim", {}, **{"If-Match": f'"{received.json()["version"]}"'})
    forwarded = post_json(specialist, f"{base}/forward", {"note": "Đủ điều kiện"})
    approved = post_json(leader, f"{base}/approve", {"note": "Đồng ý"})
    issued = front.post(f"{base}/issue-result", {"file": pdf_file("ket-qua.pdf")})
    returned = post_json(front, f"{base}/return", {"method": "counter"})

    assert [r.status_code for r in (received, claimed, forwarded, approved, issued, returned)] == [200] * 6
    assert [r.json()["status_name"] for r in (received, claimed, forwarded, approved, issued, returned)] == [
        "received",
        "received",
        "processing",
        "processing",
        "resolved",
        "returned",
    ]
    result = [d for d in issued.json()["documents"] if d["kind"] == "result"]
    assert [(d["name"], d["signed"]) for d in result] == [("ket-qua.pdf", True)]
    assert returned.json()["outcome"] == "early"
    assert returned.json()["actions"] == []


def test_a_stale_version_is_409_and_changes_nothing():
    place = place_make()
    dossier = _draft(place)
    client = api_client(token_for(place.front_desk))

    by_body = post_json(client, f"/api/v1/dossiers/{dossier.pk}/receive", {"expected_version": 7})
    by_header = post_json(client, f"/api/v1/dossiers/{dossier.pk}/receive", {}, **{"If-Match": '"7"'})

    for response in (by_body, by_header):
        assert response.status_code == 409
        assert response.json() == {
            "code": "stale_version",
            "message": "Someone else changed this dossier in the meantime; reload it and try again.",
            "field": None,
            "errors": [],
        }
    assert Dossier.objects.get().status == 0


def test_a_malformed_if_match_is_400():
    place = place_make()
    dossier = _draft(place)

    response = post_json(
        api_client(token_for(place.front_desk)), f"/api/v1/dossiers/{dossier.pk}/receive", {}, **{"If-Match": "abc"}
    )

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid_if_match", "If-Match")


def test_an_officer_without_the_role_gets_403_and_a_wrong_state_409():
    place = place_make()
    dossier = _draft(place)

    no_role = post_json(api_client(token_for(place.specialist)), f"/api/v1/dossiers/{dossier.pk}/receive")
    wrong_state = post_json(
        api_client(token_for(place.front_desk)), f"/api/v1/dossiers/{dossier.pk}/return", {"method": "counter"}
    )

    assert no_role.status_code == 403
    assert no_role.json()["code"] == "role_required"
    assert wrong_state.status_code == 409
    assert wrong_state.json()["code"] == "transition_not_allowed"


def test_a_missing_reason_is_400_and_an_empty_one_422():
    place = place_make()
    dossier = _draft(place)
    client = api_client(token_for(place.front_desk))

    missing = post_json(client, f"/api/v1/dossiers/{dossier.pk}/refuse", {})
    blank = post_json(client, f"/api/v1/dossiers/{dossier.pk}/refuse", {"reasons": ["  "]})
    refused = post_json(client, f"/api/v1/dossiers/{dossier.pk}/refuse", {"reasons": ["Thiếu giấy tờ"]})

    assert missing.status_code == 400
    assert (missing.json()["field"], missing.json()["errors"][0]["code"]) == ("reasons", "missing")
    assert blank.status_code == 422
    assert (blank.json()["code"], blank.json()["field"]) == ("reason_required", "reasons")
    assert refused.json()["status_name"] == "refused"


def test_the_applicant_answers_a_supplement_request():
    place = place_make()
    citizen = citizen_with_account()
    dossier = services.dossier_receive(by=place.front_desk, dossier=_draft(place, applicant=citizen))
    post_json(
        api_client(token_for(place.specialist)),
        f"/api/v1/dossiers/{dossier.pk}/request-supplement",
        {"items": ["Bản sao giấy chứng sinh"], "reason": "Thiếu"},
    )
    client = session_client(citizen.user)
    token = csrf_token(client)

    added = client.post(
        f"/api/v1/dossiers/{dossier.pk}/documents",
        {"file": pdf_file("bo-sung.pdf"), "required_document": place.documents[1].pk},
        headers={"X-CSRFToken": token},
    )
    answered = post_json(
        client, f"/api/v1/dossiers/{dossier.pk}/supplement-provided", {"note": "Đã bổ sung"}, **{"X-CSRFToken": token}
    )

    assert added.status_code == 201
    assert (added.json()["name"], added.json()["required_document"]) == ("bo-sung.pdf", place.documents[1].pk)
    assert answered.status_code == 200
    assert answered.json()["status_name"] == "received"
    assert answered.json()["paused"] is False


def test_the_applicant_may_not_take_an_officers_action():
    place = place_make()
    citizen = citizen_with_account()
    dossier = _draft(place, applicant=citizen)
    client = session_client(citizen.user)

    response = post_json(client, f"/api/v1/dossiers/{dossier.pk}/receive", {}, **{"X-CSRFToken": csrf_token(client)})

    assert response.status_code == 403
    assert response.json()["code"] == "caller_not_allowed"


def test_a_system_acts_with_its_accounts_roles_and_its_keys_scope():
    place = place_make()
    dossier = _draft(place)
    _s1, acting = system_make(code="acting", roles=((place.agency, "front_desk"),))
    _s2, reading = system_make(code="reading", scopes=("dossiers:read",), roles=((place.agency, "front_desk"),))

    refused = post_json(api_client(reading), f"/api/v1/dossiers/{dossier.pk}/receive")
    done = post_json(api_client(acting), f"/api/v1/dossiers/{dossier.pk}/receive")

    assert refused.status_code == 403
    assert refused.json()["code"] == "insufficient_scope"
    assert done.status_code == 200
    assert done.json()["status_name"] == "received"


def test_consult_and_reassign_name_agencies_and_officers_by_code_and_username():
    place, other = place_make("a"), place_make("b")
    dossier = services.dossier_receive(by=place.front_desk, dossier=_draft(place))
    specialist, leader = api_client(token_for(place.specialist)), api_client(token_for(place.leader))
    base = f"/api/v1/dossiers/{dossier.pk}"

    unknown_agency = post_json(specialist, f"{base}/consult", {"agency": "x", "question": "?"})
    unknown_user = post_json(leader, f"{base}/reassign", {"to_user": "nobody"})
    reassigned = post_json(leader, f"{base}/reassign", {"to_user": "a.specialist"})
    blank = post_json(specialist, f"{base}/consult", {"agency": other.agency.code, "question": "   "})
    too_long = post_json(
        specialist, f"{base}/consult", {"agency": other.agency.code, "question": "?", "answer_days": 31}
    )
    # Examining on the first pass (status 2), the specialist may consult already.
    consulted = post_json(specialist, f"{base}/consult", {"agency": other.agency.code, "question": "Ý kiến?"})

    assert (unknown_agency.status_code, unknown_agency.json()["code"], unknown_agency.json()["field"]) == (
        422,
        "agency_not_found",
        "agency",
    )
    assert (unknown_user.status_code, unknown_user.json()["code"], unknown_user.json()["field"]) == (
        422,
        "user_not_found",
        "to_user",
    )
    assert reassigned.status_code == 200
    assert (blank.status_code, blank.json()["code"], blank.json()["field"]) == (422, "reason_required", "question")
    assert (too_long.status_code, too_long.json()["code"], too_long.json()["field"]) == (
        422,
        "answer_days",
        "answer_days",
    )
    assert (consulted.status_code, consulted.json()["status"]) == (200, 4)
    assert [(s["agency"]["code"], s["state"]) for s in consulted.json()["steps"]][:3] == [
        (place.agency.code, "done"),
        (other.agency.code, "active"),
        (place.agency.code, "pending"),
    ]


def test_the_agency_that_asked_takes_back_an_unanswered_consultation():
    place, other = place_make("a"), place_make("b")
    dossier = services.dossier_receive(by=place.front_desk, dossier=_draft(place))
    services.dossier_consult_agency(by=place.specialist, dossier=dossier, agency=other.agency, question="Ý kiến?")
    base = f"/api/v1/dossiers/{dossier.pk}"

    consulted = post_json(api_client(token_for(other.specialist)), f"{base}/consult-recall", {"reason": "x"})
    stranger = post_json(api_client(token_for(place_make("c").specialist)), f"{base}/consult-recall", {"reason": "x"})
    blank = post_json(api_client(token_for(place.specialist)), f"{base}/consult-recall", {"reason": "  "})
    recalled = post_json(api_client(token_for(place.specialist)), f"{base}/consult-recall", {"reason": "Quá hạn"})

    assert (consulted.status_code, consulted.json()["code"]) == (403, "role_required")
    assert (stranger.status_code, stranger.json()["code"]) == (404, "dossier_not_found")  # not told it exists
    assert (blank.status_code, blank.json()["code"], blank.json()["field"]) == (422, "reason_required", "reason")
    assert recalled.status_code == 200
    body = recalled.json()
    assert [(s["agency"]["code"], s["state"]) for s in body["steps"]][:3] == [
        (place.agency.code, "done"),
        (other.agency.code, "done"),
        (place.agency.code, "active"),
    ]
    assert "consult_recall" not in body["actions"]


def test_apology_letter_drafted_approved_and_sent():

    place = place_make()
    dossier = services.dossier_receive(by=place.front_desk, dossier=_draft(place))
    new_due = working_days_later(dossier.due_at, 3).isoformat()
    leader = api_client(token_for(place.leader))

    drafted = post_json(
        api_client(token_for(place.specialist)),
        f"/api/v1/dossiers/{dossier.pk}/apology-letters",
        {"reason": "Chờ ý kiến cơ quan khác", "new_due_at": new_due},
    )
    letter = drafted.json()["id"]
    approved = post_json(leader, f"/api/v1/dossiers/{dossier.pk}/apology-letters/{letter}/approve")
    sent = post_json(leader, f"/api/v1/dossiers/{dossier.pk}/apology-letters/{letter}/send")
    missing = post_json(leader, f"/api/v1/dossiers/{dossier.pk}/apology-letters/999/send")

    assert drafted.status_code == 201
    assert [r.json()["state"] for r in (drafted, approved, sent)] == ["draft", "approved", "sent"]
    assert sent.json()["dossier_version"] == 4
    send_by = letter_send_by(due_at=dossier.due_at).isoformat()
    assert [r.json()["send_by"] for r in (drafted, approved, sent)] == [send_by, send_by, None]
    assert (missing.status_code, missing.json()["code"]) == (404, "letter_not_found")


def test_a_result_written_through_the_api_is_rendered_and_signed_and_not_with_a_file_too():
    place = place_make()
    dossier = _draft(place)
    front, specialist, leader = (api_client(token_for(u)) for u in (place.front_desk, place.specialist, place.leader))
    base = f"/api/v1/dossiers/{dossier.pk}"
    post_json(front, f"{base}/receive", {})
    post_json(specialist, f"{base}/forward", {})
    post_json(leader, f"{base}/approve", {})

    both = front.post(f"{base}/issue-result", {"file": pdf_file("kq.pdf"), "text": "Chấp thuận."})
    written = front.post(f"{base}/issue-result", {"title": "Văn bản trả lời", "text": "Chấp thuận.\nĐồng ý."})

    assert (both.status_code, both.json()["code"], both.json()["field"]) == (422, "result_source", "text")
    assert written.status_code == 200
    result = [d for d in written.json()["documents"] if d["kind"] == "result"]
    assert [(d["name"], d["content_type"], d["signed"]) for d in result] == [
        ("Văn bản trả lời.pdf", "application/pdf", True)
    ]


def test_the_front_desk_records_an_authorised_person_through_the_api():
    place = place_make()
    dossier = _draft(place)
    front = api_client(token_for(place.front_desk))
    url = f"/api/v1/dossiers/{dossier.pk}/authorised-person"
    person = {
        "name": "Lê Văn Cường",
        "personal_id": "037090005678",
        "authorisation": "Giấy ủy quyền số 12/2026 ngày 20/11/2026",
    }

    bad = post_json(front, url, {**person, "personal_id": "123"})
    saved = post_json(front, url, person)
    specialist = post_json(api_client(token_for(place.specialist)), url, person)

    assert (bad.status_code, bad.json()["code"], bad.json()["field"]) == (422, "authorised_personal_id", "personal_id")
    assert (saved.status_code, saved.json()["version"]) == (200, 1)
    assert Dossier.objects.get(pk=dossier.pk).applicant_snapshot["authorised"] == {
        **person,
        "address": "",
        "phone": "",
        "email": "",
    }
    assert specialist.status_code == 403


def test_another_agencys_front_desk_cannot_see_the_dossier_to_record_an_authorised_person():
    place = place_make()
    dossier = _draft(place)
    other = api_client(token_for(place_make("b").front_desk))

    response = post_json(other, f"/api/v1/dossiers/{dossier.pk}/authorised-person", {"name": ""})

    assert (response.status_code, response.json()["code"]) == (404, "dossier_not_found")
    assert Dossier.objects.get(pk=dossier.pk).version == 0


def test_an_unsent_apology_letter_is_withdrawn_by_the_leader_through_the_api():
    place = place_make()
    dossier = services.dossier_receive(by=place.front_desk, dossier=_draft(place))
    due = dossier.due_at
    new_due = working_days_later(due, 3).isoformat()
    drafted = post_json(
        api_client(token_for(place.specialist)),
        f"/api/v1/dossiers/{dossier.pk}/apology-letters",
        {"reason": "Chờ ý kiến cơ quan khác", "new_due_at": new_due},
    )
    url = f"/api/v1/dossiers/{dossier.pk}/apology-letters/{drafted.json()['id']}/withdraw"
    leader = api_client(token_for(place.leader))

    specialist = post_json(api_client(token_for(place.specialist)), url, {"reason": "Đã kịp giải quyết"})
    blank = post_json(leader, url, {"reason": "  "})
    withdrawn = post_json(leader, url, {"reason": "Đã kịp giải quyết"})
    again = post_json(leader, url, {"reason": "Lần nữa"})

    assert (specialist.status_code, specialist.json()["code"]) == (403, "role_required")
    assert (blank.status_code, blank.json()["code"], blank.json()["field"]) == (422, "reason_required", "reason")
    assert (withdrawn.status_code, withdrawn.json()["state"], withdrawn.json()["send_by"]) == (200, "withdrawn", None)
    assert (again.status_code, again.json()["code"]) == (409, "letter_state")
    dossier.refresh_from_db()
    assert dossier.due_at == due
