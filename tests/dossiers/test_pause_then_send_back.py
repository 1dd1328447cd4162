"""A step sent back to after a paused clock is due as it would have been without the pause (ADR 0020).

The step finished before the pause keeps the due date it was judged against; when a send-back starts it again,
it is due later by the working time the clock was paused since it finished, as the open steps were at the
resume: each agency is judged on its own time, not on the applicant's wait.

Every test has the same calendar: steps A and B (specialist, 16 working hours each) and C (leader, 8), received
on Monday 2 March 2026 at 08:00, so A is due Wednesday 4 March at 08:00. A pause from 2 March 10:00 to
16 March 10:00 is ten working days (80 working hours).
"""

import pytest

from chinhquyen.dossiers.models import StepState
from chinhquyen.dossiers.selectors import dossier_inbox
from chinhquyen.dossiers.services import (
    dossier_consult_agency,
    dossier_forward,
    dossier_payment_confirmed,
    dossier_request_payment,
    dossier_request_supplement,
    dossier_send_back,
    dossier_supplement_accept,
    dossier_supplement_provided,
)
from tests.dossiers.factories import AgencyFactory, World, officer, template_add, vn

pytestmark = pytest.mark.django_db


def _world() -> World:
    world = World()
    template_add(
        world.procedure,
        [("A", "specialist", None, "16"), ("B", "specialist", None, "16"), ("C", "leader", None, "8")],
    )
    return world


def _at_b(world: World):
    """Received on 2 March at 08:00, A done at 09:00: B is active."""
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    return dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 9, 0))


def _pay(world: World, dossier, *, asked, paid):
    dossier = dossier_request_payment(by=world.specialist, dossier=dossier, amount=1000, at=asked)
    return dossier_payment_confirmed(by=world.front_desk, dossier=dossier, at=paid)


def _supply(world: World, dossier, *, asked, supplied):
    dossier = dossier_request_supplement(by=world.specialist, dossier=dossier, items=["CCCD"], reason="x", at=asked)
    dossier = dossier_supplement_provided(by=world.front_desk, dossier=dossier, at=supplied)
    return dossier_supplement_accept(by=world.specialist, dossier=dossier, at=supplied)


@pytest.mark.parametrize("wait_for", [_pay, _supply], ids=["payment", "supplement"])
def test_a_step_sent_back_to_after_a_pause_is_due_later_by_the_time_paused(wait_for):
    world = _world()
    dossier = _at_b(world)
    if wait_for is _pay:
        dossier = _pay(world, dossier, asked=vn(2026, 3, 2, 10, 0), paid=vn(2026, 3, 16, 10, 0))
    else:
        dossier = _supply(world, dossier, asked=vn(2026, 3, 2, 10, 0), supplied=vn(2026, 3, 16, 10, 0))

    dossier = dossier_send_back(by=world.specialist, dossier=dossier, reason="Xem lại", at=vn(2026, 3, 16, 11, 0))

    step = dossier.steps.get(name="A")
    assert (step.state, step.due_at) == (StepState.ACTIVE, vn(2026, 3, 18, 8, 0))
    [row] = dossier_inbox(officer=world.specialist, now=vn(2026, 3, 16, 11, 5))
    assert (row.step.name, row.due_at, row.overdue, row.due_soon) == ("A", vn(2026, 3, 18, 8, 0), False, False)
    data = dossier.events.get(action="send_back").data
    assert {k: data[k] for k in ("to_step_paused_hours", "to_step_old_due_at", "to_step_new_due_at")} == {
        "to_step_paused_hours": 80.0,
        "to_step_old_due_at": "2026-03-04T08:00:00+07:00",
        "to_step_new_due_at": "2026-03-18T08:00:00+07:00",
    }

    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 16, 13, 0))

    assert dossier.steps.get(name="A").outcome == "early"


def test_without_a_pause_the_step_sent_back_to_keeps_its_due_date():
    world = _world()
    dossier = _at_b(world)

    dossier = dossier_send_back(by=world.specialist, dossier=dossier, reason="Xem lại", at=vn(2026, 3, 2, 11, 0))

    assert dossier.steps.get(name="A").due_at == vn(2026, 3, 4, 8, 0)
    assert dossier.events.get(action="send_back").data == {
        "from_step": dossier.steps.get(name="B").pk,
        "to_step": dossier.steps.get(name="A").pk,
        "outcome": "early",
    }


def test_a_pause_while_the_step_was_open_moves_it_once():
    # Paused while A was active: its due date moved at the resume; the send-back adds nothing more.
    world = _world()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = _pay(world, dossier, asked=vn(2026, 3, 2, 10, 0), paid=vn(2026, 3, 16, 10, 0))
    assert dossier.steps.get(name="A").due_at == vn(2026, 3, 18, 8, 0)
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 16, 11, 0))

    dossier = dossier_send_back(by=world.specialist, dossier=dossier, reason="Xem lại", at=vn(2026, 3, 16, 13, 0))

    assert dossier.steps.get(name="A").due_at == vn(2026, 3, 18, 8, 0)
    assert "to_step_paused_hours" not in dossier.events.get(action="send_back").data


def test_each_pause_is_counted_once_over_several_send_backs():
    world = _world()
    dossier = _at_b(world)
    dossier = _pay(world, dossier, asked=vn(2026, 3, 2, 10, 0), paid=vn(2026, 3, 16, 10, 0))
    dossier = dossier_send_back(by=world.specialist, dossier=dossier, reason="Xem lại", at=vn(2026, 3, 16, 11, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 16, 13, 0))
    # Five working days more, after A finished the second time.
    dossier = _pay(world, dossier, asked=vn(2026, 3, 17, 9, 0), paid=vn(2026, 3, 24, 9, 0))

    dossier = dossier_send_back(by=world.specialist, dossier=dossier, reason="Lại", at=vn(2026, 3, 24, 10, 0))

    # 4 March plus fifteen working days: both pauses, each once.
    assert dossier.steps.get(name="A").due_at == vn(2026, 3, 25, 8, 0)
    assert dossier.events.filter(action="send_back").latest("at").data["to_step_paused_hours"] == 40.0


def test_sent_back_twice_in_a_row_each_step_moves_by_the_pause_once():
    # A and B finished before the pause, at C; C sends back to B, then B to A: A moves by the pause once, not
    # once more for B's send-back.
    world = World()
    template_add(
        world.procedure,
        [
            ("A", "specialist", None, "8"),
            ("B", "specialist", None, "8"),
            ("C", "specialist", None, "16"),
            ("D", "leader", None, "8"),
        ],
    )
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    assert dossier.steps.get(name="A").due_at == vn(2026, 3, 3, 8, 0)
    for minute in (10, 20):
        dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 9, minute))
    dossier = _pay(world, dossier, asked=vn(2026, 3, 2, 10, 0), paid=vn(2026, 3, 16, 10, 0))
    dossier = dossier_send_back(by=world.specialist, dossier=dossier, reason="Xem lại", at=vn(2026, 3, 16, 11, 0))

    dossier = dossier_send_back(by=world.specialist, dossier=dossier, reason="Lại", at=vn(2026, 3, 16, 11, 30))

    assert (dossier.active_step.name, dossier.active_step.due_at) == ("A", vn(2026, 3, 17, 8, 0))
    assert dossier.steps.get(name="B").due_at == vn(2026, 3, 18, 8, 0)


def test_done_steps_keep_the_due_date_they_were_judged_against():
    world = _world()
    dossier = _at_b(world)

    dossier = _pay(world, dossier, asked=vn(2026, 3, 2, 10, 0), paid=vn(2026, 3, 16, 10, 0))

    a = dossier.steps.get(name="A")
    assert (a.state, a.due_at, a.outcome) == (StepState.DONE, vn(2026, 3, 4, 8, 0), "early")


def test_sent_back_past_a_consultation_the_stage_before_is_due_later_by_the_pause_since_it_finished():
    # S done at 08:30; T asks a partner at 09:00, whose answer comes back to T's twin at 14:00; the twin asks
    # for a payment (ten working days) and sends the dossier back to S.
    world = World()
    first = officer(world.agency, "specialist")
    template_add(
        world.procedure,
        [("S", "specialist", None, "8"), ("T", "specialist", None, "24"), ("D", "leader", None, "8")],
    )
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    assert dossier.steps.get(name="S").due_at == vn(2026, 3, 3, 8, 0)
    dossier = dossier_forward(by=first, dossier=dossier, to_user=world.specialist, at=vn(2026, 3, 2, 8, 30))
    partner = AgencyFactory()
    answerer = officer(partner, "specialist")
    dossier = dossier_consult_agency(
        by=world.specialist, dossier=dossier, agency=partner, question="Ý kiến?", at=vn(2026, 3, 2, 9, 0)
    )
    dossier = dossier_forward(by=answerer, dossier=dossier, at=vn(2026, 3, 2, 14, 0))
    dossier = _pay(world, dossier, asked=vn(2026, 3, 2, 15, 0), paid=vn(2026, 3, 16, 15, 0))

    dossier = dossier_send_back(by=world.specialist, dossier=dossier, reason="Xem lại", at=vn(2026, 3, 16, 16, 0))

    step = dossier.active_step
    assert (step.name, step.due_at) == ("S", vn(2026, 3, 17, 8, 0))
