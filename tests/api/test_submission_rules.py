"""The domain's rules reach API callers as on the portal: procedures offered online, storable form data,
files and supplements only when the agency asked for them."""

import json

import pytest

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier, DossierDocument, DossierEvent, DossierStatus
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


def _applicant_submit(client, place, token):
    data = {
        "procedure": place.procedure.code,
        "agency": place.agency.code,
        "form_data": json.dumps({}),
        "documents": [pdf_file()],
        "required_documents": [place.documents[0].pk],
    }
    return client.post("/api/v1/dossiers", data, headers={"X-CSRFToken": token})


def _not_online(place) -> None:
    place.procedure.online_level = "none"
    place.procedure.save(update_fields=["online_level"])


# --- Online level -------------------------------------------------------------------------------


def test_an_applicant_cannot_apply_online_for_a_procedure_not_offered_online():
    place = place_make()
    _not_online(place)
    client = session_client(citizen_with_account().user)

    response = _applicant_submit(client, place, csrf_token(client))

    assert response.status_code == 422
    assert response.json() == {
        "code": "procedure_not_online",
        "message": "This procedure cannot be done online: apply at the counter of the agency that receives it.",
        "field": "procedure",
        "errors": [],
    }
    assert (Dossier.objects.count(), DossierDocument.objects.count()) == (0, 0)


def test_the_front_desk_still_opens_a_counter_dossier_for_it():
    place = place_make()
    _not_online(place)

    response = api_client(token_for(place.front_desk)).post(
        "/api/v1/dossiers",
        {"procedure": place.procedure.code, "agency": place.agency.code, "applicant": CitizenFactory().personal_id},
    )

    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["channel"]) == (0, 1)


# --- The agency handles the procedure -----------------------------------------------------------


def test_a_counter_dossier_for_a_procedure_the_agency_does_not_handle_is_refused():
    place = place_make()
    place.procedure.agencies.clear()
    client = api_client(token_for(place.front_desk))

    response = client.post(
        "/api/v1/dossiers",
        {"procedure": place.procedure.code, "agency": place.agency.code, "applicant": CitizenFactory().personal_id},
    )

    assert response.status_code == 422
    assert response.json() == {
        "code": "agency_not_implementing",
        "message": "This agency does not handle this procedure; choose one of those listed.",
        "field": "agency",
        "errors": [],
    }
    assert Dossier.objects.count() == 0


def test_an_online_application_to_an_agency_that_does_not_handle_the_procedure_is_refused():
    place = place_make()
    place.procedure.agencies.clear()
    client = session_client(citizen_with_account().user)

    response = _applicant_submit(client, place, csrf_token(client))

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("agency_not_implementing", "agency")
    assert (Dossier.objects.count(), DossierDocument.objects.count()) == (0, 0)


# --- Counter form data --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form_data", "field"),
    [
        pytest.param('{"ghi_chu": "tại quầy", "dien_tich": NaN}', "dien_tich", id="nan"),
        pytest.param('{"so_tang": Infinity}', "so_tang", id="infinity"),
        pytest.param('{"ho_ten": "Tr\\u0000n"}', "ho_ten", id="nul-character"),
    ],
)
def test_a_counter_submission_with_form_data_no_database_stores_is_422_and_creates_nothing(form_data, field):
    place = place_make()
    data = {
        "procedure": place.procedure.code,
        "agency": place.agency.code,
        "applicant": CitizenFactory().personal_id,
        "form_data": form_data,
        "documents": [pdf_file("a.pdf")],
    }

    response = api_client(token_for(place.front_desk)).post("/api/v1/dossiers", data)

    assert response.status_code == 422, response.content
    assert (response.json()["code"], response.json()["field"]) == ("form_data_invalid", field)
    assert (Dossier.objects.count(), DossierDocument.objects.count(), DossierEvent.objects.count()) == (0, 0, 0)


# --- Files and supplements ----------------------------------------------------------------------


def _submitted_online(place, citizen):
    draft = services.online_draft_start(
        by=citizen.user, procedure=place.procedure, receiving_agency=place.agency, client_key="k"
    )
    services.dossier_document_add(
        by=citizen.user, dossier=draft, upload=pdf_file(), name="tờ khai", required_document=place.documents[0]
    )
    return services.online_draft_submit(by=citizen.user, dossier=draft)


def test_the_applicant_cannot_add_a_file_nobody_asked_for():
    place = place_make()
    citizen = citizen_with_account()
    dossier = _submitted_online(place, citizen)
    client = session_client(citizen.user)

    response = client.post(
        f"/api/v1/dossiers/{dossier.pk}/documents",
        {"file": pdf_file("them.pdf")},
        headers={"X-CSRFToken": csrf_token(client)},
    )

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["field"]) == ("no_supplement_requested", None)
    assert list(dossier.documents.values_list("name", flat=True)) == ["tờ khai"]
    assert "document_add" not in client.get(f"/api/v1/dossiers/{dossier.pk}").json()["actions"]


def test_the_applicant_cannot_answer_a_supplement_request_with_nothing_attached():
    place = place_make()
    citizen = citizen_with_account()
    dossier = services.dossier_request_supplement(
        by=place.front_desk, dossier=_submitted_online(place, citizen), items=["Giấy chứng sinh"], reason="Thiếu"
    )
    client = session_client(citizen.user)
    token = csrf_token(client)

    empty = post_json(client, f"/api/v1/dossiers/{dossier.pk}/supplement-provided", {}, **{"X-CSRFToken": token})
    offered = client.get(f"/api/v1/dossiers/{dossier.pk}").json()["actions"]

    assert empty.status_code == 409
    assert empty.json()["code"] == "supplement_empty"
    assert empty.json()["message"] == "Attach the documents the agency asked for before sending the supplement."
    assert offered == ["document_add", "withdraw"]
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.SUPPLEMENT_REQUESTED
