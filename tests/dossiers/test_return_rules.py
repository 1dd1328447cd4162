"""Who records the hand-over of the result, by which method, and how its step is judged.

A result goes by post only through the postal partner's order; the applicant records only the download;
a result the post office brought back is handed over anew (a download records it as a status 9 one does)
and waits in the front desk's inbox; the front desk's step is judged when the result was ready, not when
the applicant came for it, and an applicant's download never makes the applicant that step's officer.
"""

from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.core.errors import InvalidInput
from chinhquyen.dossiers.documents import slip_data_for
from chinhquyen.dossiers.models import Dossier, DossierStatus, ReturnMethod, Substatus
from chinhquyen.dossiers.selectors import (
    document_open_to_applicant,
    dossier_actions_for,
    dossier_inbox,
)
from chinhquyen.dossiers.services import (
    dossier_approve,
    dossier_forward,
    dossier_issue_result,
    dossier_receive,
    dossier_result_awaiting_delivery,
    dossier_result_delivery_record,
    dossier_return,
    dossier_submit_online,
    online_result_downloaded,
)
from chinhquyen.dossiers.services.processing import dossier_return_by_post
from tests.api.helpers import (
    Place,
    api_client,
    citizen_with_account,
    csrf_token,
    place_make,
    post_json,
    session_client,
    token_for,
)
from tests.dossiers.factories import CitizenFactory, World, pdf_bytes, vn

pytestmark = pytest.mark.django_db

POSTAL_ORDER_REQUIRED = (
    "A result is sent by post through an order to the postal partner, with the receiver's address: "
    "choose “By post” on the dossier's page, which places the order."
)
ONLINE_ONLY = (
    "You receive the result online, by downloading it; a hand-over at the counter or by post is recorded by the agency."
)


def _result_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("ket-qua.pdf", pdf_bytes(), content_type="application/pdf")


def _issued(world: World, dossier: Dossier, *, issued_at: datetime | None = None) -> Dossier:
    """Received 2 March 08:00, forwarded 09:00, approved 10:00, the result issued by the front desk at ``issued_at``."""
    dossier = dossier_receive(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 9, 0))
    dossier = dossier_approve(by=world.leader, dossier=dossier, at=vn(2026, 3, 2, 10, 0))
    return dossier_issue_result(
        by=world.front_desk, dossier=dossier, upload=_result_pdf(), at=issued_at or vn(2026, 3, 2, 11, 0)
    )


def _online(world: World) -> Dossier:
    """An application the applicant submitted online."""
    return dossier_submit_online(
        by=world.applicant.user,
        applicant=world.applicant,
        procedure=world.procedure,
        receiving_agency=world.agency,
        form_data={},
    )


def _brought_back(world: World, dossier: Dossier) -> Dossier:
    """Sent by post on 3 March and brought back by the post office on 5 March (no one to receive it)."""
    dossier = dossier_return_by_post(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 3, 8, 0))
    dossier_result_awaiting_delivery(dossier=dossier)
    back = dossier_result_delivery_record(dossier=dossier.pk, delivered=False, at=vn(2026, 3, 5, 8, 0))
    assert back is not None
    assert (back.status, back.substatus) == (DossierStatus.RETURNED, Substatus.RESULT_READY)
    return back


# --- By post: only through the postal partner's order ----------------------------------------------


def test_the_front_desk_cannot_record_a_result_sent_by_post_without_a_postal_order():
    world = World()
    dossier = _issued(world, world.draft())
    version = dossier.version

    with pytest.raises(InvalidInput) as refused:
        dossier_return(by=world.front_desk, dossier=dossier, method="postal")

    assert (refused.value.code, refused.value.field, refused.value.message) == (
        "postal_order_required",
        "method",
        POSTAL_ORDER_REQUIRED,
    )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.substatus, dossier.return_method, dossier.returned_at) == (
        DossierStatus.RESOLVED,
        Substatus.RESULT_READY,
        "",
        None,
    )
    assert (dossier.version, dossier.events.filter(action="return").count()) == (version, 0)


def test_a_result_brought_back_is_not_recorded_as_sent_by_post_again_without_an_order():
    world = World()
    dossier = _brought_back(world, _issued(world, world.draft()))

    with pytest.raises(InvalidInput) as refused:
        dossier_return(by=world.front_desk, dossier=dossier, method="postal")

    assert refused.value.code == "postal_order_required"
    dossier.refresh_from_db()
    assert (dossier.substatus, dossier.events.filter(action="return").count()) == (Substatus.RESULT_READY, 1)


def test_the_api_refuses_a_return_by_post_and_names_the_postal_order():
    place = place_make()
    dossier = _place_issued(place)
    front = api_client(token_for(place.front_desk))

    response = post_json(front, f"/api/v1/dossiers/{dossier.pk}/return", {"method": "postal"})

    assert response.status_code == 422
    assert response.json() == {
        "code": "postal_order_required",
        "message": POSTAL_ORDER_REQUIRED,
        "field": "method",
        "errors": [],
    }
    dossier.refresh_from_db()
    assert (dossier.status, dossier.return_method) == (DossierStatus.RESOLVED, "")


# --- The applicant records only the download -------------------------------------------------------


@pytest.mark.parametrize("method", ["counter", "postal"])
def test_an_online_applicant_cannot_record_a_hand_over_at_the_counter_or_by_post(method):
    world = World()
    dossier = _issued(world, _online(world))
    user = world.applicant.user

    with pytest.raises(InvalidInput) as refused:
        dossier_return(by=user, dossier=dossier, method=method)

    assert (refused.value.code, refused.value.field, refused.value.message) == ("online_only", "method", ONLINE_ONLY)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.return_method) == (DossierStatus.RESOLVED, "")
    assert dossier_actions_for(dossier=dossier, user=user) == ["return"]  # the download stays open
    assert dossier_return(by=user, dossier=dossier, method="online").return_method == ReturnMethod.ONLINE


@pytest.mark.parametrize("method", ["counter", "postal"])
def test_the_api_takes_only_the_download_from_an_applicant(method):
    place = place_make()
    citizen = citizen_with_account()
    dossier = _place_issued(place, online_by=citizen)
    client = session_client(citizen.user)
    token = csrf_token(client)
    path = f"/api/v1/dossiers/{dossier.pk}/return"

    refused = post_json(client, path, {"method": method}, **{"X-CSRFToken": token})
    taken = post_json(client, path, {"method": "online"}, **{"X-CSRFToken": token})

    assert (refused.status_code, refused.json()["code"], refused.json()["field"]) == (422, "online_only", "method")
    assert (taken.status_code, taken.json()["status"]) == (200, 10)
    dossier.refresh_from_db()
    assert dossier.return_method == ReturnMethod.ONLINE


# --- A result brought back: handed over anew, downloaded as a status 9 one ---------------------------


def test_an_online_applicants_download_of_a_result_brought_back_is_the_new_hand_over():
    world = World()
    dossier = _brought_back(world, _issued(world, _online(world)))
    result = dossier.documents.get(kind="result")
    user = world.applicant.user

    closed_before = document_open_to_applicant(dossier=dossier, document=result)
    returned = online_result_downloaded(by=user, dossier=dossier)

    assert closed_before is False
    assert (returned.status, returned.substatus, returned.return_method) == (
        DossierStatus.RETURNED,
        Substatus.RESULT_HANDED_OVER,
        ReturnMethod.ONLINE,
    )
    assert document_open_to_applicant(dossier=returned, document=result) is True
    methods = list(returned.events.filter(action="return").order_by("pk").values_list("data__method", "actor"))
    assert methods == [("postal", world.front_desk.pk), ("online", user.pk)]
    # Downloading again changes nothing: the result is handed over.
    again = online_result_downloaded(by=user, dossier=returned)
    assert (again.version, again.events.filter(action="return").count()) == (returned.version, 2)


@pytest.mark.parametrize(
    ("substatus", "open_"),
    [
        pytest.param(Substatus.RESULT_AWAITING_CONFIRMATION, True, id="on-its-way"),
        pytest.param(Substatus.RESULT_HANDED_OVER, True, id="delivered"),
        pytest.param(Substatus.RESULT_READY, False, id="brought-back"),
    ],
)
def test_the_result_sent_by_post_is_open_to_the_applicant_unless_brought_back(substatus, open_):
    world = World()
    dossier = dossier_return_by_post(by=world.front_desk, dossier=_issued(world, _online(world)))
    Dossier.objects.filter(pk=dossier.pk).update(substatus=substatus)
    dossier.refresh_from_db()

    assert document_open_to_applicant(dossier=dossier, document=dossier.documents.get(kind="result")) is open_


def test_a_result_brought_back_waits_in_the_front_desks_inbox_only():
    world = World()
    dossier = _brought_back(world, _issued(world, world.draft()))
    now = vn(2026, 3, 30, 9, 0)  # long past the due date: the result was ready in time

    rows = {user.username: dossier_inbox(officer=user, now=now) for user in (world.specialist, world.leader)}
    [row] = [r for r in dossier_inbox(officer=world.front_desk, now=now) if r.dossier.pk == dossier.pk]

    assert rows == {world.specialist.username: [], world.leader.username: []}
    assert (row.step, row.due_at, row.due_soon, row.overdue) == (None, dossier.due_at, False, False)
    dossier_return(by=world.front_desk, dossier=dossier, method="counter", at=now)
    assert [r.dossier.pk for r in dossier_inbox(officer=world.front_desk, now=now)] == []


def test_a_result_on_its_way_by_post_is_in_no_inbox():
    world = World()
    dossier = dossier_return_by_post(by=world.front_desk, dossier=_issued(world, world.draft()))
    dossier_result_awaiting_delivery(dossier=dossier)

    assert [r.dossier.pk for r in dossier_inbox(officer=world.front_desk)] == []


# --- The front desk's step: judged when the result was ready; never the applicant's ------------------


@pytest.mark.parametrize(
    ("issued_at", "outcome"),
    [
        pytest.param(vn(2026, 3, 4, 10, 0), "early", id="issued-early"),
        pytest.param(vn(2026, 3, 9, 8, 0), "on_time", id="issued-on-the-due-instant"),
        pytest.param(vn(2026, 3, 10, 8, 0), "late", id="issued-late"),
    ],
)
def test_the_return_step_is_judged_when_the_result_was_ready_not_when_it_was_collected(issued_at, outcome):
    world = World(days=5)  # due 9 March 08:00, the front desk's step too
    dossier = _issued(world, world.draft(), issued_at=issued_at)
    collected = vn(2026, 3, 30, 9, 0)

    dossier = dossier_return(by=world.front_desk, dossier=dossier, method="counter", at=collected)

    step = dossier.steps.get(role="front_desk")
    assert (step.due_at, step.finished_at, step.outcome) == (vn(2026, 3, 9, 8, 0), collected, outcome)
    assert (dossier.outcome, dossier.events.get(action="return").data["outcome"]) == (outcome, outcome)


def test_the_return_step_of_a_result_issued_by_the_leader_is_judged_from_the_issue():
    world = World(days=5)
    dossier = dossier_receive(by=world.front_desk, dossier=world.draft(), at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 9, 0))
    dossier = dossier_issue_result(by=world.leader, dossier=dossier, upload=_result_pdf(), at=vn(2026, 3, 2, 10, 0))

    dossier = dossier_return(by=world.front_desk, dossier=dossier, method="counter", at=vn(2026, 3, 30, 9, 0))

    step = dossier.steps.get(role="front_desk")
    assert (step.started_at, step.finished_at, step.outcome) == (
        vn(2026, 3, 2, 10, 0),
        vn(2026, 3, 30, 9, 0),
        "early",
    )


def test_an_applicants_download_leaves_the_front_desks_step_without_an_officer():
    world = World()
    dossier = _issued(world, _online(world))

    dossier = online_result_downloaded(by=world.applicant.user, dossier=dossier)

    step = dossier.steps.get(role="front_desk")
    assert (step.state, step.assignee_id) == ("done", None)
    assert dossier.events.get(action="return").actor == world.applicant.user
    # Form 06 names no officer receiving the approved file nor handing the result over: the applicant took it.
    rows = slip_data_for(dossier=dossier, kind="06")["handoffs"]
    leader = world.leader.get_full_name() or world.leader.get_username()
    assert [(r["from_person"], r["to_person"]) for r in rows[-2:]] == [(leader, ""), ("", world.applicant.name)]


def test_the_front_desk_handing_over_an_unclaimed_step_is_recorded_as_its_officer():
    world = World()
    dossier = _issued(world, world.draft())

    dossier = dossier_return(by=world.front_desk, dossier=dossier, method="counter")

    assert dossier.steps.get(role="front_desk").assignee == world.front_desk


# --- Helpers of the API tests ----------------------------------------------------------------------


def _place_issued(place: Place, *, online_by=None) -> Dossier:
    """A dossier of ``place`` with its result issued as a file: lodged at the counter, or online by ``online_by``."""
    from chinhquyen.dossiers.services import dossier_create_at_counter

    if online_by is None:
        dossier = dossier_create_at_counter(by=place.front_desk, procedure=place.procedure, applicant=CitizenFactory())
    else:
        dossier = dossier_submit_online(
            by=online_by.user,
            applicant=online_by,
            procedure=place.procedure,
            receiving_agency=place.agency,
            form_data={},
        )
    dossier = dossier_receive(by=place.front_desk, dossier=dossier)
    dossier = dossier_forward(by=place.specialist, dossier=dossier)
    return dossier_issue_result(by=place.leader, dossier=dossier, upload=_result_pdf())
