"""The check of a supplied supplement: accepted, or not enough (asked again, the clock paused again)."""

import pytest

from chinhquyen.core.errors import InvalidInput
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import Dossier, DossierEvent, DossierStatus, Substatus
from chinhquyen.dossiers.selectors import dossier_actions_for, dossier_timeline
from chinhquyen.dossiers.services import (
    dossier_claim,
    dossier_forward,
    dossier_receive,
    dossier_refuse,
    dossier_request_supplement,
    dossier_submit_online,
    dossier_supplement_accept,
    dossier_supplement_provided,
    dossier_supplement_reject,
)
from chinhquyen.notifications.events import kind_for
from chinhquyen.notifications.models import Kind
from tests.dossiers.factories import AgencyFactory, World, officer, supplement_send, vn
from tests.dossiers.test_flow_endings import _attempts, _succeeds

pytestmark = pytest.mark.django_db


def refused(call, **kwargs) -> str:
    with pytest.raises(TransitionRefused) as info:
        call(**kwargs)
    return info.value.code


def supplied_at_the_counter(world: World) -> Dossier:
    """A draft whose front-desk supplement request the applicant has answered."""
    dossier = dossier_request_supplement(by=world.front_desk, dossier=world.draft(), items=["CCCD"], reason="Thiếu")
    return supplement_send(world, dossier)


def supplied_in_processing(world: World) -> Dossier:
    """A received dossier (Monday 2 March 2026 08:00) whose specialist's supplement request (Tuesday 3 March) the
    applicant has answered (Wednesday 4 March 09:00): due Tuesday 10 March 08:00."""
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["CCCD"], reason="Thiếu", at=vn(2026, 3, 3, 9, 0)
    )
    return supplement_send(world, dossier, at=vn(2026, 3, 4, 9, 0))


# --- Who may check ------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["accept", "reject"])
def test_before_reception_only_the_front_desk_checks(action):
    world = World()
    dossier = supplied_at_the_counter(world)
    call = dossier_supplement_accept if action == "accept" else dossier_supplement_reject
    extra = {} if action == "accept" else {"items": ["Bản chính CCCD"], "reason": "Bản sao không rõ"}

    codes = [refused(call, by=user, dossier=dossier, **extra) for user in (world.specialist, world.leader)]
    codes.append(refused(call, by=world.applicant.user, dossier=dossier, **extra))
    dossier = call(by=world.front_desk, dossier=dossier, **extra)

    assert codes == ["role_required", "role_required", "role_required"]
    if action == "accept":
        assert (dossier.status, dossier.substatus) == (DossierStatus.DRAFT, Substatus.SUPPLEMENT_ACCEPTED)
    else:
        assert (dossier.status, dossier.substatus) == (
            DossierStatus.SUPPLEMENT_REQUESTED,
            Substatus.SUPPLEMENT_BY_FRONT_DESK,
        )


@pytest.mark.parametrize("action", ["accept", "reject"])
def test_during_processing_only_the_active_steps_specialist_checks(action):
    world = World()
    colleague = officer(world.agency, "specialist")
    stranger = officer(AgencyFactory(), "specialist")
    dossier = supplied_in_processing(world)
    dossier = dossier_claim(by=world.specialist, dossier=dossier)
    call = dossier_supplement_accept if action == "accept" else dossier_supplement_reject
    extra = {} if action == "accept" else {"items": ["Bản chính CCCD"], "reason": "Bản sao không rõ"}

    codes = [refused(call, by=user, dossier=dossier, **extra) for user in (world.front_desk, world.leader, stranger)]
    codes.append(refused(call, by=colleague, dossier=dossier, **extra))
    codes.append(refused(call, by=world.applicant.user, dossier=dossier, **extra))
    dossier = call(by=world.specialist, dossier=dossier, **extra)

    assert codes == ["role_required", "role_required", "role_required", "assigned_to_other", "role_required"]
    if action == "accept":
        assert (dossier.status, dossier.substatus) == (DossierStatus.RECEIVED, Substatus.SUPPLEMENT_ACCEPTED)
    else:
        assert (dossier.status, dossier.substatus) == (
            DossierStatus.SUPPLEMENT_REQUESTED,
            Substatus.SUPPLEMENT_BY_PROCESSOR,
        )


def test_nothing_to_check_before_the_supply_or_after_the_acceptance():
    world = World()
    asked = dossier_request_supplement(
        by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)), items=["CCCD"], reason="r"
    )
    untouched = world.received(at=vn(2026, 3, 2, 8, 0))
    accepted = dossier_supplement_accept(by=world.specialist, dossier=supplied_in_processing(world))

    assert refused(dossier_supplement_accept, by=world.specialist, dossier=asked) == "transition_not_allowed"
    assert refused(dossier_supplement_accept, by=world.specialist, dossier=untouched) == "no_supplement_supplied"
    assert refused(dossier_supplement_accept, by=world.specialist, dossier=accepted) == "no_supplement_supplied"
    assert refused(dossier_supplement_reject, by=world.specialist, dossier=accepted, items=["x"], reason="r") == (
        "no_supplement_supplied"
    )


def test_the_actions_offered_are_exactly_those_that_succeed_around_a_supplement():
    world = World()
    partner = AgencyFactory()
    officer(partner, "specialist")  # someone there answers
    colleagues = {role: officer(world.agency, role) for role in ("front_desk", "specialist", "leader")}
    attempts = _attempts(world, partner, colleagues)
    users = [world.front_desk, world.specialist, world.leader, world.applicant.user]
    world.procedure.agencies.add(world.agency)
    online = dossier_submit_online(
        by=world.applicant.user,
        applicant=world.applicant,
        procedure=world.procedure,
        receiving_agency=world.agency,
        form_data={},
    )
    online = dossier_request_supplement(by=world.front_desk, dossier=online, items=["CCCD"], reason="r")
    online = supplement_send(world, online)
    stages = [
        supplied_at_the_counter(world).pk,
        online.pk,
        supplied_in_processing(world).pk,
        dossier_supplement_accept(by=world.specialist, dossier=supplied_in_processing(world)).pk,
    ]

    offered_by_stage = []
    mismatches = []
    for pk in stages:
        offered = {}
        for user in users:
            offered[user.pk] = set(dossier_actions_for(dossier=Dossier.objects.get(pk=pk), user=user))
            for action, call in attempts.items():
                if _succeeds(call, user, pk) != (action in offered[user.pk]):
                    mismatches.append((pk, user.username, action, action in offered[user.pk]))
        offered_by_stage.append(offered[world.front_desk.pk] | offered[world.specialist.pk])

    assert mismatches == []
    checks = {"supplement_accept", "supplement_reject"}
    assert [sorted(stage & checks) for stage in offered_by_stage] == [sorted(checks)] * 3 + [[]]


def test_nothing_moves_on_until_what_was_supplied_is_checked():
    world = World()
    at_counter = supplied_at_the_counter(world)
    in_processing = supplied_in_processing(world)
    unchecked = "supplement_unchecked"

    codes = [
        refused(dossier_receive, by=world.front_desk, dossier=at_counter),
        refused(dossier_forward, by=world.specialist, dossier=in_processing),
    ]
    offered = sorted(dossier_actions_for(dossier=in_processing, user=world.specialist, at=vn(2026, 3, 4, 10, 0)))
    received = dossier_receive(
        by=world.front_desk, dossier=dossier_supplement_accept(by=world.front_desk, dossier=at_counter)
    )
    accepted = dossier_supplement_accept(by=world.specialist, dossier=in_processing)
    forwarded = dossier_forward(by=world.specialist, dossier=accepted)
    # Refusing outright stays open: a supply can show the application is out of scope.
    refusable = dossier_refuse(by=world.front_desk, dossier=supplied_at_the_counter(world), reasons=["Sai thẩm quyền"])

    assert codes == [unchecked, unchecked]
    assert offered == ["claim", "letter_draft", "request_supplement", "supplement_accept", "supplement_reject"]
    assert (received.status, forwarded.status) == (DossierStatus.RECEIVED, DossierStatus.PROCESSING)
    assert refusable.status == DossierStatus.REFUSED
    assert DossierEvent.objects.filter(dossier=in_processing, action="forward").count() == 1


# --- What it changes ----------------------------------------------------------------------------


def test_acceptance_is_shown_to_the_applicant_and_keeps_the_status():
    world = World()
    dossier = supplied_in_processing(world)
    version = dossier.version

    dossier = dossier_supplement_accept(by=world.specialist, dossier=dossier, note="Đủ giấy tờ")

    event = DossierEvent.objects.get(dossier=dossier, action="supplement_accept")
    assert (event.from_status, event.to_status, event.reason, event.internal) == (2, 2, "Đủ giấy tờ", False)
    assert dossier.version == version + 1
    assert [e.action for e in dossier_timeline(dossier=dossier, for_applicant=True)][-2:] == [
        "supplement_provided",
        "supplement_accept",
    ]
    assert kind_for(event) == Kind.SUPPLEMENT_ACCEPTED  # told, with the due date moved by the wait


def test_rejection_needs_what_is_missing_and_why():
    world = World()
    dossier = supplied_in_processing(world)

    with pytest.raises(InvalidInput) as no_items:
        dossier_supplement_reject(by=world.specialist, dossier=dossier, items=[" "], reason="r")
    with pytest.raises(InvalidInput) as no_reason:
        dossier_supplement_reject(by=world.specialist, dossier=dossier, items=["CCCD"], reason="  ")

    assert (no_items.value.code, no_items.value.field) == ("items_required", "items")
    assert (no_reason.value.code, no_reason.value.field) == ("reason_required", "reason")
    assert Dossier.objects.get(pk=dossier.pk).substatus == Substatus.SUPPLEMENT_SUPPLIED


def test_rejection_pauses_the_clock_again_and_the_next_supply_moves_the_due_dates_again():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["Bản sao CCCD"], reason="Thiếu", at=vn(2026, 3, 3, 10, 0)
    )
    dossier = supplement_send(world, dossier, at=vn(2026, 3, 4, 10, 0))
    assert dossier.due_at == vn(2026, 3, 10, 8, 0)  # one working day paused (Tuesday 10:00 to Wednesday 10:00)

    dossier = dossier_supplement_reject(
        by=world.specialist,
        dossier=dossier,
        items=["Bản sao CCCD có chứng thực"],
        reason="Bản sao chưa chứng thực",
        at=vn(2026, 3, 5, 10, 0),
    )

    assert (dossier.status, dossier.substatus) == (
        DossierStatus.SUPPLEMENT_REQUESTED,
        Substatus.SUPPLEMENT_BY_PROCESSOR,
    )
    assert (dossier.paused_at, dossier.paused_status) == (vn(2026, 3, 5, 10, 0), DossierStatus.RECEIVED)
    assert dossier.due_at == vn(2026, 3, 10, 8, 0)  # unchanged while paused
    event = DossierEvent.objects.get(dossier=dossier, action="supplement_reject")
    assert (event.reason, event.data, event.internal) == (
        "Bản sao chưa chứng thực",
        {"items": ["Bản sao CCCD có chứng thực"]},
        False,
    )
    assert kind_for(event) == Kind.SUPPLEMENT_REQUESTED

    # Thursday 10:00 to Monday 10:00: two working days more.
    dossier = supplement_send(world, dossier, at=vn(2026, 3, 9, 10, 0))

    assert (dossier.status, dossier.substatus, dossier.paused_at) == (
        DossierStatus.RECEIVED,
        Substatus.SUPPLEMENT_SUPPLIED,
        None,
    )
    assert dossier.due_at == vn(2026, 3, 12, 8, 0)
    assert dossier.original_due_at == vn(2026, 3, 9, 8, 0)
    assert dict(dossier.steps.values_list("role", "due_at")) == {
        "specialist": vn(2026, 3, 10, 13, 30),
        "leader": vn(2026, 3, 11, 13, 30),
        "front_desk": vn(2026, 3, 12, 8, 0),
    }
    second = DossierEvent.objects.filter(dossier=dossier, action="supplement_provided").order_by("pk").last()
    assert second.data == {
        "paused_hours": 16.0,
        "old_due_at": vn(2026, 3, 10, 8, 0).isoformat(),
        "new_due_at": vn(2026, 3, 12, 8, 0).isoformat(),
    }


def test_the_front_desk_may_say_not_enough_again_but_not_ask_a_second_time():
    world = World()
    dossier = supplied_at_the_counter(world)

    dossier = dossier_supplement_reject(by=world.front_desk, dossier=dossier, items=["Bản chính CCCD"], reason="r1")
    assert (dossier.paused_at, dossier.paused_status) == (None, DossierStatus.DRAFT)  # no clock before reception
    dossier = supplement_send(world, dossier)
    dossier = dossier_supplement_reject(by=world.front_desk, dossier=dossier, items=["Bản chính CCCD"], reason="r2")
    dossier = dossier_supplement_provided(by=world.front_desk, dossier=dossier)

    assert (dossier.status, dossier.substatus, dossier.front_desk_supplement_used) == (
        DossierStatus.DRAFT,
        Substatus.SUPPLEMENT_SUPPLIED,
        True,
    )
    code = refused(dossier_request_supplement, by=world.front_desk, dossier=dossier, items=["Khác"], reason="r")
    assert code == "front_desk_supplement_used"
    dossier = dossier_supplement_accept(by=world.front_desk, dossier=dossier)
    assert dossier.substatus == Substatus.SUPPLEMENT_ACCEPTED
    assert list(
        DossierEvent.objects.filter(dossier=dossier).order_by("pk").values_list("action", "from_status", "to_status")
    ) == [
        ("create", None, 0),
        ("request_supplement", 0, 5),
        ("document_add", 5, 5),
        ("supplement_provided", 5, 0),
        ("supplement_reject", 0, 5),
        ("document_add", 5, 5),
        ("supplement_provided", 5, 0),
        ("supplement_reject", 0, 5),
        ("supplement_provided", 5, 0),  # the front desk's, for papers handed in: no file needed
        ("supplement_accept", 0, 0),
    ]
