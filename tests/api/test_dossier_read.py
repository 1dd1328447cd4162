"""Reading dossiers: who sees what (two of each kind of caller), timelines, documents, lists and cursors."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier
from tests.api.helpers import (
    api_client,
    citizen_with_account,
    pdf_bytes,
    pdf_file,
    place_make,
    session_client,
    system_make,
    token_for,
)
from tests.dossiers.factories import SPECIALIST_ACTIONS_ON_RECEIPT
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db


def _online(place, citizen):
    """A dossier the citizen submitted online (status 1)."""
    draft = services.online_draft_start(
        by=citizen.user, procedure=place.procedure, receiving_agency=place.agency, client_key="k"
    )
    services.dossier_document_add(
        by=citizen.user, dossier=draft, upload=pdf_file(), name="tờ khai", required_document=place.documents[0]
    )
    return services.online_draft_submit(by=citizen.user, dossier=draft)


def _received(place, applicant=None):
    draft = services.dossier_create_at_counter(
        by=place.front_desk, procedure=place.procedure, applicant=applicant or CitizenFactory()
    )
    return services.dossier_receive(by=place.front_desk, dossier=draft)


def test_officers_see_their_agencys_dossiers_and_not_anothers():
    mine, other = place_make("a"), place_make("b")
    dossier = _received(mine)

    seen = api_client(token_for(mine.specialist)).get(f"/api/v1/dossiers/{dossier.pk}")
    hidden = api_client(token_for(other.specialist)).get(f"/api/v1/dossiers/{dossier.pk}")

    assert seen.status_code == 200
    body = seen.json()
    assert (body["id"], body["code"], body["status"], body["version"]) == (dossier.pk, dossier.code, 2, 1)
    assert seen["ETag"] == '"1"'
    assert [(s["name"], s["state"]) for s in body["steps"]] == [("Thụ lý", "active"), ("Phê duyệt", "pending")]
    assert body["actions"] == SPECIALIST_ACTIONS_ON_RECEIPT
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "dossier_not_found"


def test_a_dossier_read_gives_the_time_limit_of_its_channel():
    from chinhquyen.catalog.models import ProcedureChannel

    place = place_make("a")
    ProcedureChannel.objects.create(
        procedure=place.procedure,
        channel="online",
        time_limit_text="3 Ngày làm việc",
        time_limit_value=3,
        time_limit_unit="working_days",
    )
    citizen = citizen_with_account()
    online = services.dossier_receive(by=place.front_desk, dossier=_online(place, citizen))
    counter = _received(place)
    draft = services.dossier_create_at_counter(by=place.front_desk, procedure=place.procedure, applicant=citizen)
    client = api_client(token_for(place.specialist))

    limits = [client.get(f"/api/v1/dossiers/{d.pk}").json()["time_limit"] for d in (online, counter)]
    mine = session_client(citizen.user).get(f"/api/v1/dossiers/{online.pk}").json()

    assert limits == ["3 Ngày làm việc", "5 Ngày làm việc"]
    assert mine["time_limit"] == "3 Ngày làm việc"
    assert api_client(token_for(place.front_desk)).get(f"/api/v1/dossiers/{draft.pk}").json()["time_limit"] == ""


def test_applicants_see_their_own_dossiers_and_not_anothers():
    place = place_make()
    owner, stranger = citizen_with_account("owner"), citizen_with_account("stranger")
    dossier = _online(place, owner)

    seen = session_client(owner.user).get(f"/api/v1/dossiers/{dossier.pk}")
    hidden = session_client(stranger.user).get(f"/api/v1/dossiers/{dossier.pk}")

    assert seen.status_code == 200
    assert seen.json()["steps"] == []
    assert hidden.status_code == 404


def test_systems_see_the_dossiers_of_their_accounts_agencies_only():
    place, other = place_make("a"), place_make("b")
    dossier = _received(place)
    _s1, with_role = system_make(code="one", roles=((place.agency, "supervisor"),))
    _s2, elsewhere = system_make(code="two", roles=((other.agency, "supervisor"),))
    _s3, no_role = system_make(code="three")

    assert api_client(with_role).get(f"/api/v1/dossiers/{dossier.pk}").status_code == 200
    assert api_client(elsewhere).get(f"/api/v1/dossiers/{dossier.pk}").status_code == 404
    assert api_client(no_role).get(f"/api/v1/dossiers/{dossier.pk}").status_code == 404
    assert api_client(no_role).get("/api/v1/dossiers").json() == {"items": [], "next_cursor": None}


def test_the_applicant_timeline_hides_internal_events_and_actors():
    place = place_make()
    citizen = citizen_with_account()
    dossier = _online(place, citizen)
    services.dossier_receive(by=place.front_desk, dossier=dossier)
    services.dossier_claim(by=place.specialist, dossier=dossier)

    officer_view = api_client(token_for(place.specialist)).get(f"/api/v1/dossiers/{dossier.pk}/timeline").json()
    applicant_view = session_client(citizen.user).get(f"/api/v1/dossiers/{dossier.pk}/timeline").json()

    assert [e["action"] for e in officer_view["items"]] == ["create", "document_add", "submit", "receive", "claim"]
    assert [e["action"] for e in applicant_view["items"]] == ["create", "document_add", "submit", "receive"]
    assert {e["actor"] for e in applicant_view["items"]} == {""}
    assert officer_view["items"][-1]["actor"] != ""


def test_documents_can_be_downloaded_by_who_may_see_them():
    place = place_make()
    citizen = citizen_with_account()
    dossier = _online(place, citizen)
    document = dossier.documents.get()
    url = f"/api/v1/dossiers/{dossier.pk}/documents/{document.pk}/content"

    by_owner = session_client(citizen.user).get(url)
    by_officer = api_client(token_for(place.front_desk)).get(url)
    by_other_officer = api_client(token_for(place_make("b").front_desk)).get(url)

    assert by_owner.status_code == by_officer.status_code == 200
    assert b"".join(by_owner.streaming_content) == pdf_bytes()
    assert by_owner["Content-Type"] == "application/pdf"
    assert by_other_officer.status_code == 404


def test_list_filters_sorts_by_due_date_and_pages_with_cursors():
    place = place_make()
    dossiers = [_received(place) for _ in range(5)]
    # Different due dates, one undated (a draft), to check the order and "nulls last".
    for offset, dossier in enumerate(dossiers):
        Dossier.objects.filter(pk=dossier.pk).update(due_at=timezone.now() + timedelta(days=5 - offset))
    undated = services.dossier_create_at_counter(
        by=place.front_desk, procedure=place.procedure, applicant=CitizenFactory()
    )
    client = api_client(token_for(place.front_desk))

    first = client.get("/api/v1/dossiers?sort=due_at&limit=4").json()
    second = client.get(f"/api/v1/dossiers?sort=due_at&limit=4&cursor={first['next_cursor']}").json()

    expected = [d.pk for d in reversed(dossiers)] + [undated.pk]
    assert [d["id"] for d in first["items"]] + [d["id"] for d in second["items"]] == expected
    assert second["next_cursor"] is None
    received = client.get("/api/v1/dossiers?status=2&sort=-due_at").json()
    assert [d["id"] for d in received["items"]] == [d.pk for d in dossiers]
    assert client.get("/api/v1/dossiers?status=0&status=2").json()["items"][0]["id"] == undated.pk
    assert (
        client.get(f"/api/v1/dossiers?procedure={place.procedure.code}&agency={place.agency.code}").json()["items"][-1][
            "id"
        ]
        == dossiers[0].pk
    )
    assert client.get("/api/v1/dossiers?procedure=0.0").json()["items"] == []


def test_a_tampered_cursor_is_400():
    place = place_make()
    client = api_client(token_for(place.front_desk))

    response = client.get("/api/v1/dossiers?cursor=not-a-cursor")

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid_cursor", "cursor")


def test_list_filters_by_received_day():
    place = place_make()
    dossier = _received(place)
    day = timezone.localdate(dossier.received_at)
    client = api_client(token_for(place.front_desk))

    same_day = client.get(f"/api/v1/dossiers?received_from={day}&received_to={day}").json()["items"]
    next_day = client.get(f"/api/v1/dossiers?received_from={day + timedelta(days=1)}").json()["items"]

    assert [d["id"] for d in same_day] == [dossier.pk]
    assert next_day == []
