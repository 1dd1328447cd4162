"""Fixes from the API audit: deeply nested JSON is bad input (400), and every time answered is Vietnam time."""

import re
from datetime import UTC
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.utils import timezone

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier
from chinhquyen.feedback.criteria import CRITERIA
from chinhquyen.feedback.models import Petition
from chinhquyen.feedback.services import petition_assign, petition_publish
from chinhquyen.workcal.engine import TZ
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
from tests.dossiers.factories import vn
from tests.factories import CitizenFactory, working_days_later

pytestmark = pytest.mark.django_db

NESTED_LISTS = "[" * 5000 + "]" * 5000
NESTED_OBJECTS = '{"a":' * 5000 + "1" + "}" * 5000
# Parsed without trouble, but deeper than any e-form's data.
DEEP_OBJECT = '{"a":' * 40 + "1" + "}" * 40
TOO_DEEP = "form_data may nest objects and lists at most 32 levels deep."


# --- Deeply nested JSON ----------------------------------------------------------------------


def _submit(place, form_data: str) -> Any:
    client = api_client(token_for(place.front_desk))
    body = {
        "procedure": place.procedure.code,
        "agency": place.agency.code,
        "applicant": CitizenFactory().personal_id,
        "form_data": form_data,
    }
    return client.post("/api/v1/dossiers", body)


@pytest.mark.parametrize(
    ("form_data", "message"),
    [
        pytest.param(NESTED_LISTS, TOO_DEEP, id="5000-nested-lists"),
        pytest.param(NESTED_OBJECTS, TOO_DEEP, id="5000-nested-objects"),
        pytest.param(DEEP_OBJECT, TOO_DEEP, id="40-nested-objects"),
        pytest.param("[]", "form_data must be a JSON object.", id="a-list"),
    ],
)
def test_form_data_too_deep_or_not_an_object_is_400_on_form_data(form_data, message):
    place = place_make()

    response = _submit(place, form_data)

    assert response.status_code == 400
    assert response.json() == {"code": "invalid_request", "message": message, "field": "form_data", "errors": []}
    assert Dossier.objects.count() == 0


def test_form_data_32_levels_deep_is_accepted():
    place = place_make()
    form_data = '{"a":' * 31 + "[1]" + "}" * 31

    response = _submit(place, form_data)

    assert response.status_code == 201
    assert Dossier.objects.get().form_data["a"]["a"]["a"] is not None


def test_a_deeply_nested_body_to_an_operation_without_a_body_is_not_a_server_error():
    # The Idempotency-Key's digest reads any JSON body, even one the operation takes no field from.
    _system, key = system_make(scopes=("webhooks:manage",))
    client = api_client(key)
    created = post_json(client, "/api/v1/webhooks", {"url": "https://hooks.example.vn/in", "events": []}).json()
    url = f"/api/v1/webhooks/{created['id']}/unsubscribe"

    first = client.post(url, NESTED_LISTS, content_type="application/json", headers={"Idempotency-Key": "k-1"})
    again = client.post(url, NESTED_LISTS, content_type="application/json", headers={"Idempotency-Key": "k-1"})

    assert (first.status_code, first.json()["is_active"]) == (200, False)
    assert (again.status_code, again["Idempotent-Replayed"]) == (200, "true")


def test_a_deeply_nested_json_body_is_400_malformed_request():
    place = place_make()
    dossier = Dossier.objects.get(pk=_submit(place, "{}").json()["id"])
    client = api_client(token_for(place.front_desk))

    response = client.post(f"/api/v1/dossiers/{dossier.pk}/receive", NESTED_OBJECTS, content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (400, "malformed_request")


# --- Times in Vietnam time -------------------------------------------------------------------

ISO_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _instants(value: Any) -> list[str]:
    """Every ISO 8601 date and time among the values of a JSON document, at any depth."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in _instants(v)]
    if isinstance(value, list):
        return [s for v in value for s in _instants(v)]
    return [value] if isinstance(value, str) and ISO_INSTANT.match(value) else []


def _keyed(client: Client, path: str, body: Any, key: str) -> tuple[Any, Any]:
    """The response to a JSON POST with an Idempotency-Key, and its replay from the store."""
    first = post_json(client, path, body, **{"Idempotency-Key": key})
    again = post_json(client, path, body, **{"Idempotency-Key": key})
    assert again["Idempotent-Replayed"] == "true"
    return first, again


def _dossier_flow() -> dict[str, Any]:
    place = place_make()
    citizen = citizen_with_account()
    front, specialist, leader = (api_client(token_for(u)) for u in (place.front_desk, place.specialist, place.leader))

    def submission() -> dict[str, Any]:
        return {
            "procedure": place.procedure.code,
            "agency": place.agency.code,
            "applicant": citizen.personal_id,
            "documents": [pdf_file()],
        }

    out: dict[str, Any] = {}
    out["submit"] = front.post("/api/v1/dossiers", submission(), headers={"Idempotency-Key": "submit-1"})
    out["submit replayed"] = front.post("/api/v1/dossiers", submission(), headers={"Idempotency-Key": "submit-1"})
    base = f"/api/v1/dossiers/{out['submit'].json()['id']}"
    out["receive"], out["receive replayed"] = _keyed(front, f"{base}/receive", {}, "receive-1")
    out["read"] = front.get(base)
    out["list"] = front.get("/api/v1/dossiers")
    out["document add"] = front.post(f"{base}/documents", {"file": pdf_file("bo-sung.pdf")})
    claimed = post_json(specialist, f"{base}/claim")
    out["forward"] = post_json(specialist, f"{base}/forward", {"note": "Đủ điều kiện"})
    out["approve"] = post_json(leader, f"{base}/approve", {})
    out["issue result"] = front.post(f"{base}/issue-result", {"file": pdf_file("ket-qua.pdf")})
    out["return"] = post_json(front, f"{base}/return", {"method": "counter"})
    out["timeline"] = front.get(f"{base}/timeline")
    applicant = session_client(citizen.user)
    out["applicant read"] = applicant.get(base)
    out["applicant timeline"] = applicant.get(f"{base}/timeline")
    scores = {c.key: max(p for p, _w in c.options) for c in CRITERIA}
    out["rating"] = post_json(
        applicant,
        f"{base}/rating",
        {"scores": scores, "overall": "satisfied"},
        **{"X-CSRFToken": csrf_token(applicant)},
    )
    assert claimed.status_code == 200
    return out


def _letters_flow() -> dict[str, Any]:
    place = place_make()
    front, specialist, leader = (api_client(token_for(u)) for u in (place.front_desk, place.specialist, place.leader))
    submitted = front.post(
        "/api/v1/dossiers",
        {"procedure": place.procedure.code, "agency": place.agency.code, "applicant": CitizenFactory().personal_id},
    )
    base = f"/api/v1/dossiers/{submitted.json()['id']}"
    post_json(front, f"{base}/receive")
    due_at = Dossier.objects.get().due_at
    body = {"reason": "Chờ ý kiến cơ quan khác", "new_due_at": working_days_later(due_at, 3).isoformat()}
    out: dict[str, Any] = {}
    out["draft"], out["draft replayed"] = _keyed(specialist, f"{base}/apology-letters", body, "letter-1")
    letter = f"{base}/apology-letters/{out['draft'].json()['id']}"
    out["approve"], out["approve replayed"] = _keyed(leader, f"{letter}/approve", {}, "letter-2")
    out["send"], out["send replayed"] = _keyed(leader, f"{letter}/send", {}, "letter-3")
    out["read"] = front.get(base)
    return out


def _petitions_flow() -> dict[str, Any]:
    place = place_make()
    petition = {
        "subject": "Thời gian chờ tại quầy",
        "content": "Tôi đã phải chờ hơn hai giờ tại quầy tiếp nhận.",
        "sender_name": "Lê Văn Cường",
        "sender_phone": "0912345678",
        "about_agency": place.agency.code,
    }
    out: dict[str, Any] = {}
    out["file"], out["file replayed"] = _keyed(api_client(), "/api/v1/petitions", petition, "petition-1")
    filed = Petition.objects.get()
    petition_assign(petition=filed, by=place.front_desk, agency=place.agency)
    out["answer"], out["answer replayed"] = _keyed(
        api_client(token_for(place.specialist)),
        f"/api/v1/petitions/{filed.pk}/answer",
        {"answer": "Trung tâm đã bố trí thêm một quầy tiếp nhận."},
        "answer-1",
    )
    filed.refresh_from_db()
    petition_publish(petition=filed, by=place.leader)
    out["list"] = api_client().get("/api/v1/petitions")
    out["read"] = api_client().get(f"/api/v1/petitions/{filed.code}")
    return out


def _systems_flow() -> dict[str, Any]:
    place = place_make()
    _system, key = system_make(scopes=("webhooks:manage", "catalog:read"))
    client = api_client(key)
    out: dict[str, Any] = {}
    out["subscribe"] = post_json(client, "/api/v1/webhooks", {"url": "https://hooks.example.vn/in", "events": []})
    out["subscriptions"] = client.get("/api/v1/webhooks")
    stop = f"/api/v1/webhooks/{out['subscribe'].json()['id']}/unsubscribe"
    out["unsubscribe"], out["unsubscribe replayed"] = _keyed(client, stop, {}, "stop-1")
    out["procedure"] = client.get(f"/api/v1/catalog/procedures/{place.procedure.code}")
    return out


@pytest.mark.parametrize(
    "flow",
    [
        pytest.param(_dossier_flow, id="dossier"),
        pytest.param(_letters_flow, id="apology-letters"),
        pytest.param(_petitions_flow, id="petitions"),
        pytest.param(_systems_flow, id="webhooks-and-catalog"),
    ],
)
def test_every_time_in_every_response_is_vietnam_time(flow):
    responses = flow()

    statuses = {name: r.status_code for name, r in responses.items() if r.status_code >= 300}
    instants = {name: _instants(r.json()) for name, r in responses.items()}
    not_vietnam = {name: [s for s in found if not s.endswith("+07:00")] for name, found in instants.items()}
    assert statuses == {}
    assert {name for name, found in instants.items() if not found} == set()
    assert {name: found for name, found in not_vietnam.items() if found} == {}


def test_the_receive_response_and_the_next_read_give_the_same_times():
    responses = _dossier_flow()

    received, read = responses["receive"].json(), responses["read"].json()

    assert (received["received_at"], received["due_at"]) == (read["received_at"], read["due_at"])
    assert responses["receive replayed"].json() == received


def test_a_letter_answers_its_old_and_new_due_dates_alike(monkeypatch):
    # Drafted on Tuesday 3 March 2026, in time for a dossier due Monday 9 March.
    monkeypatch.setattr(timezone, "now", lambda: vn(2026, 3, 3, 9, 0))
    place = place_make()
    dossier = services.dossier_receive(
        by=place.front_desk,
        dossier=services.dossier_create_at_counter(
            by=place.front_desk, procedure=place.procedure, applicant=CitizenFactory()
        ),
        at=vn(2026, 3, 2, 8, 0),
    )
    new_due_at = working_days_later(dossier.due_at, 3)

    drafted = post_json(
        api_client(token_for(place.specialist)),
        f"/api/v1/dossiers/{dossier.pk}/apology-letters",
        {"reason": "Chờ ý kiến cơ quan khác", "new_due_at": new_due_at.astimezone(UTC).isoformat()},
    )

    assert (drafted.json()["old_due_at"], drafted.json()["new_due_at"]) == (
        "2026-03-09T08:00:00+07:00",
        "2026-03-12T08:00:00+07:00",
    )


def test_the_times_answered_are_the_stored_instants_in_vietnam_time():
    responses = _dossier_flow()
    dossier = Dossier.objects.get()

    read = responses["read"].json()

    # To the millisecond, as Django writes times in JSON.
    assert (read["created_at"], read["due_at"]) == (
        DjangoJSONEncoder().default(dossier.created_at.astimezone(TZ)),
        dossier.due_at.astimezone(TZ).isoformat(),
    )
