"""Steps as the process runs them: the result issued after every processing step, one officer per claimed step
(also under concurrent claims), and steps coming back to an officer who has left."""

import threading
import time

import pytest
from django.db import connection, connections

from chinhquyen.directory.models import StaffRole
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import Dossier, DossierEvent, DossierStatus, StepState
from chinhquyen.dossiers.selectors import dossier_actions_for, dossier_inbox
from chinhquyen.dossiers.services import (
    base,
    dossier_approve,
    dossier_claim,
    dossier_consult_agency,
    dossier_forward,
    dossier_issue_result,
    dossier_reassign,
    dossier_return,
    dossier_send_back,
)
from tests.dossiers.factories import AgencyFactory, World, officer, template_add, vn

SEALED = [
    ("Thẩm định", "specialist", None, "20"),
    ("Phê duyệt", "leader", None, "10"),
    ("Vào sổ, đóng dấu", "specialist", None, "5"),
    ("Trả kết quả", "front_desk", None, "5"),
]
ASSIGNED_FIRST = [
    ("Lãnh đạo phân công", "leader", None, "5"),
    ("Thẩm định", "specialist", None, "20"),
    ("Phê duyệt", "leader", None, "10"),
]


def _steps(dossier: Dossier) -> list[tuple[str, str, str, int | None]]:
    return list(dossier.steps.order_by("order", "pk").values_list("name", "role", "state", "assignee"))


# --- Issuing the result from a leader's step ---------------------------------------------------


@pytest.mark.django_db
def test_a_leader_does_not_issue_the_result_while_the_sealing_step_remains():
    # Given a template sealing the result after the leader's approval, the dossier at the leader's step
    world = World()
    template_add(world.procedure, SEALED)
    d = dossier_forward(by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)), at=vn(2026, 3, 2, 9, 0))

    # When the leader issues the result from it, then it is refused, and not offered
    with pytest.raises(TransitionRefused) as refused:
        dossier_issue_result(by=world.leader, dossier=d, at=vn(2026, 3, 2, 10, 0))
    assert refused.value.code == "steps_remaining"
    assert "issue_result" not in dossier_actions_for(dossier=d, user=world.leader)
    assert "approve" in dossier_actions_for(dossier=d, user=world.leader)
    d.refresh_from_db()
    assert (d.status, d.approved_at, d.active_step.name) == (DossierStatus.PROCESSING, None, "Phê duyệt")


@pytest.mark.django_db
def test_the_sealing_step_runs_then_the_front_desk_issues_and_returns():
    world = World()
    template_add(world.procedure, SEALED)
    d = dossier_forward(by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)), at=vn(2026, 3, 2, 9, 0))
    d = dossier_approve(by=world.leader, dossier=d, at=vn(2026, 3, 2, 10, 0))
    assert d.active_step.name == "Vào sổ, đóng dấu"
    d = dossier_forward(by=world.specialist, dossier=d, at=vn(2026, 3, 2, 10, 30))
    d = dossier_issue_result(by=world.front_desk, dossier=d, at=vn(2026, 3, 2, 11, 0))
    d = dossier_return(by=world.front_desk, dossier=d, method="counter", at=vn(2026, 3, 2, 11, 30))

    assert d.status == DossierStatus.RETURNED
    assert _steps(d) == [
        ("Thẩm định", "specialist", StepState.DONE, world.specialist.pk),
        ("Phê duyệt", "leader", StepState.DONE, world.leader.pk),
        ("Vào sổ, đóng dấu", "specialist", StepState.DONE, world.specialist.pk),
        ("Trả kết quả", "front_desk", StepState.DONE, world.front_desk.pk),
    ]


@pytest.mark.django_db
def test_a_leader_assigning_the_dossier_first_does_not_issue_the_result_from_that_step():
    world = World()
    template_add(world.procedure, ASSIGNED_FIRST)
    d = dossier_forward(by=world.leader, dossier=world.received(at=vn(2026, 3, 2, 8, 0)), at=vn(2026, 3, 2, 9, 0))
    d = dossier_send_back(by=world.specialist, dossier=d, reason="Phân công lại", at=vn(2026, 3, 2, 10, 0))
    assert (d.status, d.active_step.name) == (DossierStatus.PROCESSING, "Lãnh đạo phân công")

    with pytest.raises(TransitionRefused) as refused:
        dossier_issue_result(by=world.leader, dossier=d, at=vn(2026, 3, 2, 11, 0))

    assert refused.value.code == "steps_remaining"


@pytest.mark.django_db
def test_a_leader_issues_from_the_leaders_step_followed_only_by_the_front_desks():
    world = World()
    template_add(world.procedure, [SEALED[0], SEALED[1], SEALED[3]])
    d = dossier_forward(by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)), at=vn(2026, 3, 2, 9, 0))

    d = dossier_issue_result(by=world.leader, dossier=d, at=vn(2026, 3, 2, 10, 0))

    assert d.status == DossierStatus.RESOLVED
    assert (d.active_step.name, d.active_step.state) == ("Trả kết quả", StepState.ACTIVE)


@pytest.mark.django_db
def test_the_hand_over_does_not_record_the_front_desk_on_a_step_of_another_role():
    # Given a dossier issued while the specialist's sealing step was active (as before the guard existed)
    world = World()
    template_add(world.procedure, SEALED)
    d = dossier_forward(by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)), at=vn(2026, 3, 2, 9, 0))
    d = dossier_approve(by=world.leader, dossier=d, at=vn(2026, 3, 2, 10, 0))
    Dossier.objects.filter(pk=d.pk).update(status=DossierStatus.RESOLVED, resolved_at=vn(2026, 3, 2, 10, 0))
    d.refresh_from_db()

    # When the front desk hands the result over
    d = dossier_return(by=world.front_desk, dossier=d, method="counter", at=vn(2026, 3, 2, 11, 0))

    # Then the sealing step ends with nobody recorded as its officer
    sealing = d.steps.get(name="Vào sổ, đóng dấu")
    assert (sealing.state, sealing.assignee_id, sealing.finished_at) == (StepState.DONE, None, vn(2026, 3, 2, 11, 0))


# --- Issuing from a front-desk step a colleague claimed ----------------------------------------


@pytest.mark.django_db
def test_a_front_desk_step_claimed_by_one_officer_is_not_issued_by_another():
    world = World()
    other_desk = officer(world.agency, "front_desk")
    d = world.received(at=vn(2026, 3, 2, 8, 0))
    d = dossier_forward(by=world.specialist, dossier=d, at=vn(2026, 3, 2, 9, 0))
    d = dossier_approve(by=world.leader, dossier=d, at=vn(2026, 3, 2, 10, 0))
    d = dossier_claim(by=world.front_desk, dossier=d, at=vn(2026, 3, 2, 10, 30))

    assert "issue_result" not in dossier_actions_for(dossier=d, user=other_desk)
    with pytest.raises(TransitionRefused) as refused:
        dossier_issue_result(by=other_desk, dossier=d, text="Đồng ý", at=vn(2026, 3, 2, 11, 0))
    assert refused.value.code == "assigned_to_other"
    # The officer holding the step issues it.
    d = dossier_issue_result(by=world.front_desk, dossier=d, text="Đồng ý", at=vn(2026, 3, 2, 11, 0))
    assert d.status == DossierStatus.RESOLVED


# --- A step coming back to an officer who has left ---------------------------------------------


def _leave(user, how: str) -> None:
    if how == "deactivated":
        user.is_active = False
        user.save(update_fields=["is_active"])
    else:
        StaffRole.objects.filter(user=user).delete()


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["deactivated", "moved"])
def test_a_step_sent_back_to_an_officer_who_left_reaches_the_colleagues(how):
    world = World()
    colleague = officer(world.agency, "specialist")
    d = world.received(at=vn(2026, 3, 2, 8, 0))
    d = dossier_claim(by=world.specialist, dossier=d, at=vn(2026, 3, 2, 8, 30))
    d = dossier_forward(by=world.specialist, dossier=d, at=vn(2026, 3, 2, 9, 0))
    _leave(world.specialist, how)

    d = dossier_send_back(by=world.leader, dossier=d, reason="Bổ sung thẩm định", at=vn(2026, 3, 2, 10, 0))

    assert d.active_step.assignee_id is None
    assert [r.dossier.pk for r in dossier_inbox(officer=colleague, now=vn(2026, 3, 2, 11, 0))] == [d.pk]
    d = dossier_claim(by=colleague, dossier=d, at=vn(2026, 3, 2, 11, 0))
    assert d.active_step.assignee_id == colleague.pk


@pytest.mark.django_db
def test_a_step_sent_back_keeps_the_officer_who_is_still_there():
    world = World()
    colleague = officer(world.agency, "specialist")
    d = world.received(at=vn(2026, 3, 2, 8, 0))
    d = dossier_claim(by=world.specialist, dossier=d, at=vn(2026, 3, 2, 8, 30))
    d = dossier_forward(by=world.specialist, dossier=d, at=vn(2026, 3, 2, 9, 0))

    d = dossier_send_back(by=world.leader, dossier=d, reason="Bổ sung thẩm định", at=vn(2026, 3, 2, 10, 0))

    assert d.active_step.assignee_id == world.specialist.pk
    assert list(dossier_inbox(officer=colleague, now=vn(2026, 3, 2, 11, 0))) == []


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["deactivated", "moved"])
def test_the_answer_comes_back_unassigned_when_the_asker_left(how):
    world = World()
    colleague = officer(world.agency, "specialist")
    partner = AgencyFactory()
    partner_specialist = officer(partner, "specialist")
    d = world.received(at=vn(2026, 3, 2, 8, 0))
    d = dossier_consult_agency(
        by=world.specialist, dossier=d, agency=partner, question="Ý kiến?", at=vn(2026, 3, 2, 9, 0)
    )
    _leave(world.specialist, how)

    d = dossier_forward(by=partner_specialist, dossier=d, note="Đồng ý", at=vn(2026, 3, 2, 10, 0))

    assert (d.active_step.agency_id, d.active_step.role, d.active_step.assignee_id) == (
        world.agency.pk,
        "specialist",
        None,
    )
    assert d.events.get(action="forward").data["to_user"] is None
    assert [r.dossier.pk for r in dossier_inbox(officer=colleague, now=vn(2026, 3, 2, 11, 0))] == [d.pk]


@pytest.mark.django_db
def test_the_answer_comes_back_to_the_asker_still_there():
    world = World()
    partner = AgencyFactory()
    partner_specialist = officer(partner, "specialist")
    d = world.received(at=vn(2026, 3, 2, 8, 0))
    d = dossier_consult_agency(
        by=world.specialist, dossier=d, agency=partner, question="Ý kiến?", at=vn(2026, 3, 2, 9, 0)
    )

    d = dossier_forward(by=partner_specialist, dossier=d, note="Đồng ý", at=vn(2026, 3, 2, 10, 0))

    assert d.active_step.assignee_id == world.specialist.pk


# --- Concurrent claims (PostgreSQL: SQLite runs one writer at a time) --------------------------


def _concurrently(monkeypatch, *calls) -> list[BaseException]:
    """Run ``calls`` in threads, each a moment after the one before; the first holds its transaction open half
    a second after its write, so the others wait for the dossier's lock."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(calls))
    real = base._logged

    def slow(**kwargs):
        event = real(**kwargs)
        time.sleep(0.5)
        return event

    monkeypatch.setattr(base, "_logged", slow)

    def run(call, delay):
        try:
            barrier.wait()
            time.sleep(delay)
            call()
        except BaseException as exc:  # reported to the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call, 0.15 * n)) for n, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    monkeypatch.setattr(base, "_logged", real)
    return errors


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first", ["claim", "reassign"])
def test_a_claim_waiting_for_another_claim_or_reassignment_is_refused(monkeypatch, first):
    world = World()
    holder, late = officer(world.agency, "specialist"), officer(world.agency, "specialist")
    d = world.received()

    def take():
        fresh = Dossier.objects.get(pk=d.pk)
        if first == "claim":
            dossier_claim(by=holder, dossier=fresh)
        else:
            dossier_reassign(by=world.leader, dossier=fresh, to_user=holder)

    errors = _concurrently(monkeypatch, take, lambda: dossier_claim(by=late, dossier=Dossier.objects.get(pk=d.pk)))

    assert [(type(e), e.code) for e in errors] == [(TransitionRefused, "assigned_to_other")]
    assert Dossier.objects.get(pk=d.pk).active_step.assignee_id == holder.pk
    assert list(
        DossierEvent.objects.filter(dossier=d, action__in=["claim", "reassign"]).values_list("action", "actor")
    ) == [(first, holder.pk if first == "claim" else world.leader.pk)]
