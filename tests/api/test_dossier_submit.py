"""Submitting dossiers: an applicant online (session + CSRF), an officer or a system at the counter."""

import json

import pytest

from chinhquyen.dossiers.models import Dossier, DossierDocument
from tests.api.helpers import (
    api_client,
    citizen_with_account,
    csrf_token,
    pdf_file,
    place_make,
    session_client,
    system_make,
    token_for,
)
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db


def _applicant_submit(client, place, token, **extra):
    data = {
        "procedure": place.procedure.code,
        "agency": place.agency.code,
        "form_data": json.dumps({}),
        "documents": [pdf_file()],
        "required_documents": [place.documents[0].pk],
        **extra,
    }
    return client.post("/api/v1/dossiers", data, headers={"X-CSRFToken": token})


def test_applicant_submits_online_with_a_document():
    place = place_make()
    citizen = citizen_with_account()
    client = session_client(citizen.user)

    response = _applicant_submit(client, place, csrf_token(client))

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["status_name"], body["channel"]) == (1, "submitted", 2)
    assert body["procedure"]["code"] == place.procedure.code
    assert body["receiving_agency"]["code"] == place.agency.code
    assert [(d["name"], d["required_document"], d["content_type"]) for d in body["documents"]] == [
        ("to-khai.pdf", place.documents[0].pk, "application/pdf")
    ]
    assert body["steps"] == []
    assert body["actions"] == ["pickup_request", "withdraw"]  # no more files until a supplement is asked for
    assert Dossier.objects.get().applicant == citizen


def test_applicant_submission_without_csrf_token_is_refused():
    place = place_make()
    client = session_client(citizen_with_account().user)

    response = _applicant_submit(client, place, "wrong")

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert Dossier.objects.count() == 0


def test_applicant_submission_missing_a_mandatory_document_leaves_nothing_behind():
    place = place_make()
    client = session_client(citizen_with_account().user)

    response = _applicant_submit(client, place, csrf_token(client), documents=[], required_documents=[])

    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["field"]) == ("documents_missing", "documents")
    assert body["message"] == "Attach the required documents: Tờ khai đăng ký khai sinh."
    assert Dossier.objects.count() == 0


def test_officer_opens_a_counter_dossier_for_an_applicant():
    place = place_make()
    applicant = CitizenFactory()
    client = api_client(token_for(place.front_desk))

    response = client.post(
        "/api/v1/dossiers",
        {
            "procedure": place.procedure.code,
            "agency": place.agency.code,
            "applicant": applicant.personal_id,
            "form_data": json.dumps({"ghi_chu": "tại quầy"}),
            "documents": [pdf_file("a.pdf"), pdf_file("b.pdf")],
            "required_documents": [place.documents[1].pk],
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["channel"], body["applicant_name"]) == (0, 1, applicant.name)
    assert body["form_data"] == {"ghi_chu": "tại quầy"}
    assert [(d["name"], d["required_document"]) for d in body["documents"]] == [
        ("a.pdf", place.documents[1].pk),
        ("b.pdf", None),
    ]
    assert "receive" in body["actions"]


def test_system_with_a_front_desk_account_opens_a_counter_dossier():
    place = place_make()
    _system, secret = system_make(roles=((place.agency, "front_desk"),))
    applicant = CitizenFactory()

    response = api_client(secret).post(
        "/api/v1/dossiers",
        {"procedure": place.procedure.code, "agency": place.agency.code, "applicant": applicant.personal_id},
    )

    assert response.status_code == 201, response.content
    assert response.json()["status"] == 0


def test_system_without_a_front_desk_role_may_not_open_a_dossier():
    place = place_make()
    _system, secret = system_make(roles=((place.agency, "specialist"),))

    response = api_client(secret).post(
        "/api/v1/dossiers",
        {"procedure": place.procedure.code, "agency": place.agency.code, "applicant": CitizenFactory().personal_id},
    )

    assert response.status_code == 403
    assert response.json()["code"] == "role_required"


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"procedure": "0.000000"}, "procedure_not_found", "procedure"),
        ({"agency": "nowhere"}, "agency_not_found", "agency"),
        ({"applicant": "000000000000"}, "applicant_not_found", "applicant"),
        ({"required_documents": [999999]}, "required_document", "required_documents"),
    ],
    ids=["procedure", "agency", "applicant", "required-document"],
)
def test_submission_with_unknown_references_is_422(change, code, field):
    place = place_make()
    data = {
        "procedure": place.procedure.code,
        "agency": place.agency.code,
        "applicant": CitizenFactory().personal_id,
        "documents": [pdf_file()],
        **change,
    }

    response = api_client(token_for(place.front_desk)).post("/api/v1/dossiers", data)

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert Dossier.objects.count() == 0


def test_form_data_that_is_not_a_json_object_is_400():
    place = place_make()
    data = {"procedure": place.procedure.code, "agency": place.agency.code, "form_data": "[1, 2]"}

    response = api_client(token_for(place.front_desk)).post("/api/v1/dossiers", data)

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid_request", "form_data")


def test_a_file_that_is_not_pdf_jpeg_or_png_is_422_and_nothing_is_kept():
    from django.core.files.uploadedfile import SimpleUploadedFile

    place = place_make()
    data = {
        "procedure": place.procedure.code,
        "agency": place.agency.code,
        "applicant": CitizenFactory().personal_id,
        "documents": [SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")],
    }

    response = api_client(token_for(place.front_desk)).post("/api/v1/dossiers", data)

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("file_type", "documents")
    assert (Dossier.objects.count(), DossierDocument.objects.count()) == (0, 0)


@pytest.mark.parametrize("field", ["procedure", "agency", "applicant"])
def test_a_control_character_in_a_code_is_400_on_the_field(field):
    place = place_make()
    data = {"procedure": place.procedure.code, "agency": place.agency.code, "applicant": CitizenFactory().personal_id}
    data[field] += "\x00"

    response = api_client(token_for(place.front_desk)).post("/api/v1/dossiers", data)

    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("invalid_request", field)
    assert [(e["code"], e["field"]) for e in body["errors"]] == [("invalid", field)]
    assert Dossier.objects.count() == 0


def test_an_applicant_is_found_by_tax_code_when_no_personal_id_matches():
    place = place_make()
    business = CitizenFactory(kind="business", personal_id="", tax_code="0101234567")

    response = api_client(token_for(place.front_desk)).post(
        "/api/v1/dossiers",
        {"procedure": place.procedure.code, "agency": place.agency.code, "applicant": " 0101234567 "},
    )

    assert response.status_code == 201, response.content
    assert Dossier.objects.get().applicant == business


def test_a_systems_counter_submission_takes_twelve_statements_on_postgresql():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("the statements of PostgreSQL's write path")
    place = place_make()
    _system, secret = system_make(roles=((place.agency, "front_desk"),))
    client = api_client(secret)
    client.get("/api/v1/dossiers")  # the key's first use is recorded once
    data = {
        "procedure": place.procedure.code,
        "agency": place.agency.code,
        "applicant": CitizenFactory().personal_id,
        "documents": [pdf_file()],
    }

    with CaptureQueriesContext(connection) as captured:
        response = client.post("/api/v1/dossiers", data, headers={"Idempotency-Key": "k-1"})

    assert response.status_code == 201, response.content
    statements = [q["sql"].split()[0] for q in captured.captured_queries]
    # The test runs in a transaction, so the request's own is a savepoint here.
    assert (statements.pop(1), statements.pop()) == ("SAVEPOINT", "RELEASE")
    # the key; the idempotency claim; the procedure, agency, their link and applicant (by personal ID, by tax
    # code) in one round trip; the dossier and its event; the document and its event; the stored response
    assert statements == [
        "SELECT", "INSERT", "SELECT", "SELECT", "SELECT", "SELECT", "SELECT", "INSERT", "WITH", "INSERT", "WITH",
        "UPDATE",
    ]  # fmt: skip
    assert not any("FOR UPDATE" in q["sql"] for q in captured.captured_queries)
