"""Input no database can take (years beyond the calendar, ids beyond bigint, NUL bytes) is a 400, never a 500."""

import base64
import json
from datetime import timedelta

import pytest

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier
from chinhquyen.integrations.models import IdempotencyRecord
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
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db

BIG = 10**23  # more than SQLite's INTEGER and PostgreSQL's bigint hold


def _invalid(field):
    return {
        "code": "invalid_request",
        "message": "Some fields are missing or not valid.",
        "field": field,
        "errors": [{"code": "invalid", "message": "This value is not valid.", "field": field}],
    }


def _received(place):
    draft = services.dossier_create_at_counter(
        by=place.front_desk, procedure=place.procedure, applicant=CitizenFactory()
    )
    return services.dossier_receive(by=place.front_desk, dossier=draft)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        pytest.param("received_to=9999-12-31", "received_to", id="day-after-9999"),
        pytest.param("received_from=0001-01-01", "received_from", id="day-of-year-1"),
        pytest.param("received_to=2101-01-01", "received_to", id="day-after-the-calendar"),
        pytest.param("updated_since=0001-01-01T00:00:00%2B07:00", "updated_since", id="instant-before-year-1-utc"),
        pytest.param("updated_since=9999-12-31T23:59:59-05:00", "updated_since", id="instant-after-9999-utc"),
        pytest.param("updated_since=2100-12-31T23:00:00-05:00", "updated_since", id="utc-year-2101"),
        pytest.param("updated_since=1976-01-01T03:00:00%2B07:00", "updated_since", id="utc-year-1975"),
        pytest.param(f"status={BIG}", "status.0", id="status-huge"),
        pytest.param(f"status=2&status=-{BIG}", "status.1", id="status-negative-huge"),
        pytest.param("status=11", "status.0", id="status-unknown"),
        pytest.param("agency=%00", "agency", id="agency-nul"),
        pytest.param("procedure=a%00b", "procedure", id="procedure-nul"),
    ],
)
def test_a_list_filter_no_database_can_take_is_400_on_the_field(query, field):
    place = place_make()
    _received(place)

    response = api_client(token_for(place.front_desk)).get(f"/api/v1/dossiers?{query}")

    assert (response.status_code, response.json()) == (400, _invalid(field))


def test_the_calendars_first_and_last_days_and_instants_still_filter():
    place = place_make()
    dossier = _received(place)
    client = api_client(token_for(place.front_desk))

    days = client.get("/api/v1/dossiers?received_from=1976-01-01&received_to=2100-12-31&status=2&status=10")
    since = client.get("/api/v1/dossiers?updated_since=1976-01-01T07:00:00%2B07:00")
    after = client.get("/api/v1/dossiers?updated_since=2100-12-31T23:59:59")  # no offset: Vietnam time

    assert [d["id"] for d in days.json()["items"]] == [dossier.pk]
    assert [d["id"] for d in since.json()["items"]] == [dossier.pk]
    assert (after.status_code, after.json()["items"]) == (200, [])


@pytest.mark.parametrize(
    ("path", "field"),
    [
        pytest.param(f"/api/v1/dossiers/{BIG}", "dossier_id", id="read"),
        pytest.param("/api/v1/dossiers/0", "dossier_id", id="read-zero"),
        pytest.param(f"/api/v1/dossiers/{BIG}/timeline", "dossier_id", id="timeline"),
        pytest.param(f"/api/v1/dossiers/1/documents/{BIG}/content", "document_id", id="document"),
    ],
)
def test_an_id_beyond_bigint_in_a_path_is_400(path, field):
    place = place_make()

    response = api_client(token_for(place.front_desk)).get(path)

    assert (response.status_code, response.json()) == (400, _invalid(field))


@pytest.mark.parametrize("field", ["agency", "online_level", "level", "field"])
def test_a_nul_in_a_catalog_filter_is_400(field):
    response = api_client().get(f"/api/v1/catalog/procedures?{field}=%00")

    assert (response.status_code, response.json()) == (400, _invalid(field))


@pytest.mark.parametrize(("who", "action"), [("specialist", "forward"), ("leader", "reassign")])
def test_a_nul_in_the_officer_named_is_400_and_changes_nothing(who, action):
    place = place_make()
    dossier = _received(place)
    client = api_client(token_for(getattr(place, who)))

    response = post_json(client, f"/api/v1/dossiers/{dossier.pk}/{action}", {"to_user": "a\x00b"})

    assert (response.status_code, response.json()) == (400, _invalid("to_user"))
    assert Dossier.objects.get(pk=dossier.pk).version == dossier.version


def test_a_required_document_beyond_bigint_is_400_at_submission():
    place = place_make()
    data = {
        "procedure": place.procedure.code,
        "agency": place.agency.code,
        "applicant": CitizenFactory().personal_id,
        "documents": [pdf_file()],
        "required_documents": [BIG],
    }

    response = api_client(token_for(place.front_desk)).post("/api/v1/dossiers", data)

    assert (response.status_code, response.json()) == (400, _invalid("required_documents.0"))
    assert Dossier.objects.count() == 0


def test_a_required_document_beyond_bigint_is_400_on_a_document_added():
    place = place_make()
    draft = services.dossier_create_at_counter(
        by=place.front_desk, procedure=place.procedure, applicant=CitizenFactory()
    )
    client = api_client(token_for(place.front_desk))

    response = client.post(f"/api/v1/dossiers/{draft.pk}/documents", {"file": pdf_file(), "required_document": BIG})

    assert (response.status_code, response.json()) == (400, _invalid("required_document"))
    assert draft.documents.count() == 0


def _cursor(*parts):
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("sort", "value", "pk"),
    [
        pytest.param("-created_at", "0001-01-01T00:00:00+05:00", 1, id="before-year-1-utc"),
        pytest.param("-created_at", "9999-12-31T23:59:59-05:00", 1, id="after-9999-utc"),
        pytest.param("-created_at", "2026-02-30T00:00:00+07:00", 1, id="no-such-day"),
        pytest.param("-created_at", "2026-01-01T00:00:00", 1, id="no-offset"),
        pytest.param("-created_at", "2026-01-01T00:00:00+07:00", BIG, id="id-beyond-bigint"),
        pytest.param("due_at", None, BIG, id="undated-id-beyond-bigint"),
        pytest.param("due_at", None, 0, id="id-zero"),
    ],
)
def test_a_crafted_cursor_beyond_what_rows_hold_is_400(sort, value, pk):
    place = place_make()
    _received(place)

    response = api_client(token_for(place.front_desk)).get(
        f"/api/v1/dossiers?sort={sort}&cursor={_cursor(sort, value, pk)}"
    )

    assert (response.status_code, response.json()) == (
        400,
        {
            "code": "invalid_cursor",
            "message": "The cursor is not valid for this list; start again without it.",
            "field": "cursor",
            "errors": [],
        },
    )


def test_a_cursor_the_list_gave_still_pages():
    place = place_make()
    first, second = _received(place), _received(place)
    client = api_client(token_for(place.front_desk))

    page = client.get("/api/v1/dossiers?limit=1").json()
    rest = client.get(f"/api/v1/dossiers?limit=1&cursor={page['next_cursor']}").json()

    assert [d["id"] for d in page["items"] + rest["items"]] == [second.pk, first.pk]


def _submit_online(client, token, place, key):
    data = {
        "procedure": place.procedure.code,
        "agency": place.agency.code,
        "documents": [pdf_file()],
        "required_documents": [place.documents[0].pk],
    }
    return client.post("/api/v1/dossiers", data, headers={"X-CSRFToken": token, "Idempotency-Key": key})


def test_idempotency_keys_sharing_their_first_64_characters_submit_two_dossiers():
    place = place_make()
    client = session_client(citizen_with_account().user)
    token = csrf_token(client)
    prefix = "com.example.mobile-app/submission/" + "0" * 40

    first = _submit_online(client, token, place, f"{prefix}-1")
    second = _submit_online(client, token, place, f"{prefix}-2")

    assert (first.status_code, second.status_code) == (201, 201)
    assert (first.json()["status"], second.json()["status"]) == (1, 1)
    assert first.json()["id"] != second.json()["id"]
    assert Dossier.objects.count() == 2


def test_an_idempotency_key_used_again_after_its_window_submits_a_new_dossier():
    place = place_make()
    client = session_client(citizen_with_account().user)
    token = csrf_token(client)
    first = _submit_online(client, token, place, "submission-1")
    replayed = _submit_online(client, token, place, "submission-1")
    IdempotencyRecord.objects.update(created_at=IdempotencyRecord.objects.get().created_at - timedelta(hours=25))

    again = _submit_online(client, token, place, "submission-1")

    assert (first.status_code, replayed.status_code, replayed["Idempotent-Replayed"]) == (201, 201, "true")
    assert replayed.json()["id"] == first.json()["id"]
    assert (again.status_code, again.json()["status"]) == (201, 1)
    assert again.json()["id"] != first.json()["id"]
    assert Dossier.objects.count() == 2


def test_an_apology_letter_dated_beyond_the_calendar_is_422():
    place = place_make()
    dossier = _received(place)
    client = api_client(token_for(place.specialist))

    response = post_json(
        client,
        f"/api/v1/dossiers/{dossier.pk}/apology-letters",
        {"reason": "Cần xác minh thêm", "new_due_at": "9999-12-31T23:59:59-05:00"},
    )

    assert (response.status_code, response.json()) == (
        422,
        {
            "code": "letter_date_out_of_range",
            "message": "The new due date, 31/12/9999, is not a date a letter can give: check the year.",
            "field": "new_due_at",
            "errors": [],
        },
    )
    assert dossier.apology_letters.count() == 0


@pytest.mark.parametrize("body", ["[]", "null", '"{}"', "1"])
def test_a_json_body_that_is_no_object_is_400(body):
    place = place_make()
    draft = services.dossier_create_at_counter(
        by=place.front_desk, procedure=place.procedure, applicant=CitizenFactory()
    )
    client = api_client(token_for(place.front_desk))

    response = client.post(f"/api/v1/dossiers/{draft.pk}/receive", body, content_type="application/json")

    assert (response.status_code, response.json()) == (
        400,
        {
            "code": "malformed_request",
            "message": "The request body could not be read; send valid JSON.",
            "field": None,
            "errors": [],
        },
    )
    assert Dossier.objects.get(pk=draft.pk).status == 0


def test_an_id_beyond_bigint_in_a_rating_or_petition_path_is_400():
    from django.test import Client

    client = Client()
    for path in ("/api/v1/dossiers/99999999999999999999999/rating", "/api/v1/petitions/99999999999999999999999/answer"):
        response = client.post(path, data="{}", content_type="application/json")
        assert response.status_code in (400, 401), path
        assert response.status_code != 500
