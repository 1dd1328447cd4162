"""The API does what the office does: scans digitise, the documents handed in are recorded, errors name the
API's own fields and the codes the docs give."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.directory.models import Agency
from chinhquyen.directory.services import staff_role_grant
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier, DossierDocument, DossierEvent
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
from tests.factories import CitizenFactory, UserFactory

pytestmark = pytest.mark.django_db

DOCS = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")


def _draft(place):
    return services.dossier_create_at_counter(
        by=place.front_desk, procedure=place.procedure, applicant=CitizenFactory()
    )


def _received(place):
    return services.dossier_receive(by=place.front_desk, dossier=_draft(place))


def _not_a_pdf():
    return SimpleUploadedFile("x.pdf", b"hello, not a pdf", content_type="application/pdf")


# --- 1. An officer's or system's file is a scan, as at the office's reception ---------------------


def test_a_file_the_front_desk_adds_is_a_scan_and_digitises_the_dossier():
    place = place_make()
    dossier = _draft(place)

    response = api_client(token_for(place.front_desk)).post(
        f"/api/v1/dossiers/{dossier.pk}/documents", {"file": pdf_file("cccd.pdf")}
    )

    assert response.status_code == 201, response.content
    assert (response.json()["kind"], response.json()["name"]) == ("scan", "cccd.pdf")
    dossier.refresh_from_db()
    assert dossier.digitisation == "digitised"
    event = DossierEvent.objects.get(dossier=dossier, action="document_add")
    assert (event.data["kind"], event.data["digitisation"]) == ("scan", "digitised")


def test_an_applicants_supplement_file_stays_a_component():
    place = place_make()
    citizen = citizen_with_account()
    draft = services.online_draft_start(
        by=citizen.user, procedure=place.procedure, receiving_agency=place.agency, client_key="k"
    )
    services.dossier_document_add(
        by=citizen.user, dossier=draft, upload=pdf_file(), name="tờ khai", required_document=place.documents[0]
    )
    dossier = services.online_draft_submit(by=citizen.user, dossier=draft)
    dossier = services.dossier_request_supplement(
        by=place.front_desk, dossier=dossier, items=["Giấy chứng sinh"], reason="Thiếu"
    )
    client = session_client(citizen.user)

    response = client.post(
        f"/api/v1/dossiers/{dossier.pk}/documents",
        {"file": pdf_file("giay-chung-sinh.pdf")},
        headers={"X-CSRFToken": csrf_token(client)},
    )

    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "component"
    dossier.refresh_from_db()
    assert dossier.digitisation == ""  # not digitised


def test_files_of_a_counter_submission_are_scans():
    place = place_make()

    response = api_client(token_for(place.front_desk)).post(
        "/api/v1/dossiers",
        {
            "procedure": place.procedure.code,
            "agency": place.agency.code,
            "applicant": CitizenFactory().personal_id,
            "documents": [pdf_file("to-khai.pdf")],
        },
    )

    assert response.status_code == 201, response.content
    assert [d["kind"] for d in response.json()["documents"]] == ["scan"]
    assert Dossier.objects.get(pk=response.json()["id"]).digitisation == "digitised"


# --- 2. The documents handed in at the counter ----------------------------------------------------


def test_every_action_the_api_lists_has_an_operation():
    place = place_make()
    dossier = _draft(place)
    client = api_client(token_for(place.front_desk))

    listed = client.get(f"/api/v1/dossiers/{dossier.pk}").json()["actions"]
    operations = {
        operation["operationId"]
        for path in client.get("/api/v1/openapi.json").json()["paths"].values()
        for operation in path.values()
    }

    # document_remove (a scan off a counter draft) and draft_discard are the office reception page's only
    # (docs/api.md says so)
    assert "documents_mark_received" in listed
    assert [a for a in listed if f"dossier_{a}" not in operations] == ["document_remove", "draft_discard"]


def test_documents_received_ticks_those_handed_in_and_unticks_the_others():
    place = place_make()
    dossier = _draft(place)
    mandatory, optional = place.documents
    services.dossier_documents_mark_received(by=place.front_desk, dossier=dossier, required_document_ids=[optional.pk])
    client = api_client(token_for(place.front_desk))

    response = post_json(
        client,
        f"/api/v1/dossiers/{dossier.pk}/documents-received",
        {"required_documents": [mandatory.pk], "expected_version": 1},
    )

    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    received = DossierDocument.objects.filter(dossier=dossier, received=True)
    assert list(received.values_list("required_document_id", flat=True)) == [mandatory.pk]
    event = DossierEvent.objects.filter(dossier=dossier, action="documents_mark_received").latest("pk")
    assert (event.actor, event.data) == (place.front_desk, {"required_documents": [mandatory.pk]})


def test_documents_received_refuses_a_document_the_procedure_does_not_require():
    place, other = place_make("a"), place_make("b")
    dossier = _draft(place)

    response = post_json(
        api_client(token_for(place.front_desk)),
        f"/api/v1/dossiers/{dossier.pk}/documents-received",
        {"required_documents": [place.documents[0].pk, other.documents[0].pk]},
    )

    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["field"]) == ("required_document", "required_documents")
    assert body["message"] == "Some documents are not required by this procedure."
    assert not DossierEvent.objects.filter(dossier=dossier, action="documents_mark_received").exists()


def test_documents_received_with_a_stale_version_is_409():
    place = place_make()
    dossier = _draft(place)

    response = post_json(
        api_client(token_for(place.front_desk)),
        f"/api/v1/dossiers/{dossier.pk}/documents-received",
        {"required_documents": [], "expected_version": 7},
    )

    assert (response.status_code, response.json()["code"]) == (409, "stale_version")


def test_documents_received_needs_the_list():
    place = place_make()
    dossier = _draft(place)

    response = post_json(api_client(token_for(place.front_desk)), f"/api/v1/dossiers/{dossier.pk}/documents-received")

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid_request", "required_documents")


def test_documents_received_is_the_front_desks():
    place = place_make()
    dossier = _draft(place)

    response = post_json(
        api_client(token_for(place.specialist)),
        f"/api/v1/dossiers/{dossier.pk}/documents-received",
        {"required_documents": [place.documents[0].pk]},
    )

    assert (response.status_code, response.json()["code"]) == (403, "role_required")


def test_documents_received_of_another_agencys_dossier_is_not_found():
    place, other = place_make("a"), place_make("b")
    dossier = _draft(place)

    response = post_json(
        api_client(token_for(other.front_desk)),
        f"/api/v1/dossiers/{dossier.pk}/documents-received",
        {"required_documents": [place.documents[0].pk]},
    )

    assert (response.status_code, response.json()["code"]) == (404, "dossier_not_found")
    assert not DossierEvent.objects.filter(dossier=dossier, action="documents_mark_received").exists()


# --- 3. Upload errors name the multipart field ------------------------------------------------------


def test_a_bad_file_added_to_a_dossier_names_the_field_file():
    place = place_make()
    dossier = _draft(place)

    response = api_client(token_for(place.front_desk)).post(
        f"/api/v1/dossiers/{dossier.pk}/documents", {"file": _not_a_pdf()}
    )

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("file_type", "file")


def test_a_bad_file_in_a_submission_names_the_field_documents():
    place = place_make()

    response = api_client(token_for(place.front_desk)).post(
        "/api/v1/dossiers",
        {
            "procedure": place.procedure.code,
            "agency": place.agency.code,
            "applicant": CitizenFactory().personal_id,
            "form_data": json.dumps({}),
            "documents": [_not_a_pdf()],
        },
    )

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("file_type", "documents")


def test_a_bad_result_file_names_the_field_file():
    place = place_make()
    dossier = services.dossier_forward(by=place.specialist, dossier=_received(place))
    dossier = services.dossier_approve(by=place.leader, dossier=dossier)

    response = api_client(token_for(place.front_desk)).post(
        f"/api/v1/dossiers/{dossier.pk}/issue-result", {"file": _not_a_pdf()}
    )

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("file_type", "file")


# --- 4. Consulting an inactive agency ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        pytest.param("inactive", "agency_inactive", id="inactive"),
        pytest.param("XX.99", "agency_not_found", id="unknown"),
    ],
)
def test_consulting_an_agency_that_cannot_answer_says_why(code, expected):
    place, other = place_make("a"), place_make("b")
    dossier = _received(place)
    Agency.objects.filter(pk=other.agency.pk).update(is_active=False)

    response = post_json(
        api_client(token_for(place.specialist)),
        f"/api/v1/dossiers/{dossier.pk}/consult",
        {"agency": other.agency.code if code == "inactive" else code, "question": "Ý kiến về địa chỉ?"},
    )

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == (expected, "agency")
    assert f"`{expected}`" in DOCS


# --- 5. Bodies: the service decides the amount; answer_days is a number ----------------------------


@pytest.mark.parametrize("amount", ["0", "0.5", "-1000"])
def test_a_payment_not_in_whole_dong_above_zero_is_422_amount(amount):
    place = place_make()
    dossier = _received(place)

    response = post_json(
        api_client(token_for(place.specialist)), f"/api/v1/dossiers/{dossier.pk}/request-payment", {"amount": amount}
    )

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("amount", "amount")


def test_a_payment_of_whole_dong_is_asked_for():
    place = place_make()
    dossier = _received(place)

    response = post_json(
        api_client(token_for(place.specialist)), f"/api/v1/dossiers/{dossier.pk}/request-payment", {"amount": "50000"}
    )

    assert response.status_code == 200, response.content
    event = DossierEvent.objects.get(dossier=dossier, action="request_payment")
    assert event.data == {"amount": "50000", "currency": "VND"}


def test_answer_days_true_is_not_one_day():
    place, other = place_make("a"), place_make("b")
    dossier = _received(place)

    response = post_json(
        api_client(token_for(place.specialist)),
        f"/api/v1/dossiers/{dossier.pk}/consult",
        {"agency": other.agency.code, "question": "?", "answer_days": True},
    )

    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("invalid_request", "answer_days")
    assert [(e["code"], e["field"]) for e in body["errors"]] == [("not_a_number", "answer_days")]
    assert not DossierEvent.objects.filter(dossier=dossier, action="consult_agency").exists()


# --- 6. The codes the API returns are documented -----------------------------------------------------


def _returned_code(case, place, dossier):
    base = f"/api/v1/dossiers/{dossier.pk}"
    if case == "user_not_found":
        return post_json(api_client(token_for(place.leader)), f"{base}/reassign", {"to_user": "nobody"})
    if case == "letter_not_found":
        return post_json(api_client(token_for(place.leader)), f"{base}/apology-letters/999/approve", {})
    if case == "assigned_to_other":
        other = UserFactory(username="a.specialist2")
        staff_role_grant(user=other, agency=place.agency, role="specialist")
        services.dossier_claim(by=other, dossier=dossier)
        return post_json(api_client(token_for(place.specialist)), f"{base}/forward", {})
    if case == "file_too_large":
        big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 10), content_type="application/pdf")
        return api_client(token_for(place.front_desk)).post(f"{base}/documents", {"file": big})
    # no_electronic_result: issued on paper, with neither file nor text
    dossier = services.dossier_forward(by=place.specialist, dossier=dossier)
    dossier = services.dossier_approve(by=place.leader, dossier=dossier)
    services.dossier_issue_result(by=place.front_desk, dossier=dossier)
    return post_json(api_client(token_for(place.front_desk)), f"{base}/return", {"method": "online"})


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("user_not_found", 422),
        ("letter_not_found", 404),
        ("assigned_to_other", 403),
        ("file_too_large", 422),
        ("no_electronic_result", 422),
    ],
)
def test_a_code_returned_is_in_the_docs_with_its_status(case, status):
    place = place_make()

    response = _returned_code(case, place, _received(place))

    assert (response.status_code, response.json()["code"]) == (status, case)
    assert f"| `{case}` | {status} |" in DOCS
