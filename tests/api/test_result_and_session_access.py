"""API access: the applicant's result only once handed over; an official's session is no applicant's."""

import pytest

from chinhquyen.directory.services import staff_role_grant
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import DossierDocument, DossierEvent, DossierStatus
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


def _resolved(place, citizen, *, online: bool):
    """A dossier of ``citizen`` whose result is issued (status 9), lodged online or at the counter."""
    if online:
        draft = services.online_draft_start(
            by=citizen.user, procedure=place.procedure, receiving_agency=place.agency, client_key="k"
        )
        services.dossier_document_add(
            by=citizen.user, dossier=draft, upload=pdf_file(), name="tờ khai", required_document=place.documents[0]
        )
        draft = services.online_draft_submit(by=citizen.user, dossier=draft)
    else:
        draft = services.dossier_create_at_counter(by=place.front_desk, procedure=place.procedure, applicant=citizen)
    dossier = services.dossier_receive(by=place.front_desk, dossier=draft)
    services.dossier_claim(by=place.specialist, dossier=dossier)
    services.dossier_forward(by=place.specialist, dossier=dossier)
    services.dossier_approve(by=place.leader, dossier=dossier)
    return services.dossier_issue_result(by=place.front_desk, dossier=dossier, upload=pdf_file("ket-qua.pdf"))


@pytest.mark.parametrize("online", [False, True], ids=["counter", "online"])
def test_the_applicant_downloads_the_result_only_once_it_is_handed_over(online):
    place = place_make()
    citizen = citizen_with_account()
    dossier = _resolved(place, citizen, online=online)
    result = dossier.documents.get(kind="result")
    url = f"/api/v1/dossiers/{dossier.pk}/documents/{result.pk}/content"
    client = session_client(citizen.user)
    events = DossierEvent.objects.filter(dossier=dossier).count()

    early = client.get(url)

    assert early.status_code == 404
    assert early.json()["code"] == "document_not_found"
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED
    assert DossierEvent.objects.filter(dossier=dossier).count() == events
    # Handed over: online by the applicant's own "return", else at the counter.
    if online:
        returned = post_json(
            client, f"/api/v1/dossiers/{dossier.pk}/return", {"method": "online"}, **{"X-CSRFToken": csrf_token(client)}
        )
        assert returned.status_code == 200
    else:
        services.dossier_return(by=place.front_desk, dossier=dossier, method="counter")
    later = client.get(url)
    assert later.status_code == 200
    assert b"".join(later.streaming_content).startswith(b"%PDF")


def test_the_officer_downloads_the_result_before_it_is_handed_over():
    place = place_make()
    dossier = _resolved(place, citizen_with_account(), online=False)
    result = dossier.documents.get(kind="result")

    response = api_client(token_for(place.front_desk)).get(
        f"/api/v1/dossiers/{dossier.pk}/documents/{result.pk}/content"
    )

    assert response.status_code == 200


def test_an_officials_session_is_not_an_applicants():
    # Given an official who also has an applicant record, and a dossier lodged in that record's name
    place = place_make()
    official = citizen_with_account("official")
    staff_role_grant(user=official.user, agency=place.agency, role="front_desk")
    dossier = services.dossier_receive(
        by=place.front_desk,
        dossier=services.dossier_create_at_counter(by=place.front_desk, procedure=place.procedure, applicant=official),
    )
    client = session_client(official.user)
    documents = DossierDocument.objects.count()

    # When the official's session calls the applicant operations
    listed = client.get("/api/v1/dossiers")
    read = client.get(f"/api/v1/dossiers/{dossier.pk}")
    added = client.post(
        f"/api/v1/dossiers/{dossier.pk}/documents",
        {"file": pdf_file("them.pdf"), "name": "thêm"},
        headers={"X-CSRFToken": csrf_token(client)},
    )
    me = client.get("/api/v1/meta/me")

    # Then they are refused as a kind of caller these operations do not accept, and nothing is written
    assert [r.status_code for r in (listed, read, added)] == [403, 403, 403]
    assert {r.json()["code"] for r in (listed, read, added)} == {"caller_not_allowed"}
    assert DossierDocument.objects.count() == documents
    assert me.json()["kind"] == "anonymous"
