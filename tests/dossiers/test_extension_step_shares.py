"""After an apology letter extends a dossier, its steps share the extended span as they shared the span at
reception: each in proportion to its share of working hours.

The calendar is the demo's (07:30-11:30, 13:00-17:00, Monday to Friday). Every dossier is received on Monday
2 March 2026 at 08:00 with five working days (40 working hours): due Monday 9 March at 08:00.
"""

from decimal import Decimal

import pytest

from chinhquyen.dossiers.selectors import dossier_inbox
from chinhquyen.dossiers.services import (
    apology_letter_approve,
    apology_letter_draft,
    apology_letter_send,
    dossier_consult_agency,
    dossier_forward,
    dossier_send_back,
)
from tests.dossiers.factories import AgencyFactory, World, officer, template_add, vn

pytestmark = pytest.mark.django_db


def _extend(world: World, dossier, *, new_due, drafter=None, leader=None, at=None):
    """A letter drafted, approved and sent at ``at`` (Tuesday 3 March 09:00 by default), moving the due date."""
    at = at or vn(2026, 3, 3, 9, 0)
    letter = apology_letter_draft(
        by=drafter or world.specialist, dossier=dossier, reason="Cần xác minh", new_due_at=new_due, at=at
    )
    apology_letter_approve(by=leader or world.leader, letter=letter, at=at)
    apology_letter_send(by=leader or world.leader, letter=letter, at=at)
    dossier.refresh_from_db()
    return dossier


def _dues(dossier) -> dict[str, object]:
    return {step.name: step.due_at for step in dossier.steps.order_by("order", "pk")}


# --- The steps still to run share the remaining span -----------------------------------------------------


def test_the_steps_still_to_run_share_the_span_the_letter_gives_in_proportion_to_their_shares():
    # A (16 h) due Wed 4 08:00, B (16 h) due Fri 6 08:00, C (8 h) due Mon 9 08:00. A is done; B and C share
    # the span from B's planned start (Wed 4 08:00) to the new due date (Thu 12 08:00): 48 h instead of 24 h.
    world = World()
    template_add(
        world.procedure, [("A", "specialist", None, "16"), ("B", "specialist", None, "16"), ("C", "leader", None, "8")]
    )
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 9, 0))

    dossier = _extend(world, dossier, new_due=vn(2026, 3, 12, 8, 0))

    assert _dues(dossier) == {"A": vn(2026, 3, 4, 8, 0), "B": vn(2026, 3, 10, 8, 0), "C": vn(2026, 3, 12, 8, 0)}
    shares = dict(dossier.steps.values_list("name", "share_hours"))
    assert shares == {"A": Decimal("16.00"), "B": Decimal("32.00"), "C": Decimal("16.00")}


# --- A step finished before the extension and sent back to -----------------------------------------------


def _sent_back_after_extension(world: World, *, at):
    template_add(
        world.procedure, [("A", "specialist", None, "16"), ("B", "specialist", None, "16"), ("C", "leader", None, "8")]
    )
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 9, 0))
    dossier = _extend(world, dossier, new_due=vn(2026, 3, 12, 8, 0))
    return dossier_send_back(by=world.specialist, dossier=dossier, reason="Xem lại", at=at)


def test_a_step_finished_before_the_extension_gets_its_share_of_the_extended_span_when_sent_back_to():
    # A's share is 16 of the 40 h span; the span is now 64 h, so A gets 25.6 h: 9.6 h more, due Thu 5 09:36.
    world = World()

    dossier = _sent_back_after_extension(world, at=vn(2026, 3, 5, 8, 0))

    step = dossier.active_step
    assert (step.name, step.due_at) == ("A", vn(2026, 3, 5, 9, 36))
    [row] = dossier_inbox(officer=world.specialist, now=vn(2026, 3, 5, 8, 5))
    assert (row.due_at, row.overdue, row.due_soon) == (vn(2026, 3, 5, 9, 36), False, True)
    data = dossier.events.get(action="send_back").data
    assert {key: data[key] for key in data if key.startswith("to_step_")} == {
        "to_step_extended_hours": 9.6,
        "to_step_old_due_at": "2026-03-04T08:00:00+07:00",
        "to_step_new_due_at": "2026-03-05T09:36:00+07:00",
    }
    # The pending steps keep the due dates the letter gave them.
    assert _dues(dossier) == {"A": vn(2026, 3, 5, 9, 36), "B": vn(2026, 3, 10, 8, 0), "C": vn(2026, 3, 12, 8, 0)}


def test_the_step_sent_back_to_and_finished_again_is_judged_against_its_extended_due_date():
    world = World()
    dossier = _sent_back_after_extension(world, at=vn(2026, 3, 5, 8, 0))

    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 5, 9, 30))

    assert dossier.steps.get(name="A").outcome == "on_time"


def test_a_step_finished_after_the_extension_keeps_its_due_date_when_sent_back_to():
    # B finishes after the letter, which gave it its share already: sent back to later, it is not moved again.
    world = World()
    template_add(
        world.procedure, [("A", "specialist", None, "16"), ("B", "specialist", None, "16"), ("C", "leader", None, "8")]
    )
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 9, 0))
    dossier = _extend(world, dossier, new_due=vn(2026, 3, 12, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 5, 9, 0))

    dossier = dossier_send_back(by=world.leader, dossier=dossier, reason="Xem lại", at=vn(2026, 3, 5, 10, 0))

    assert (dossier.active_step.name, dossier.active_step.due_at) == ("B", vn(2026, 3, 10, 8, 0))
    assert not any(key.startswith("to_step_") for key in dossier.events.get(action="send_back").data)


# --- A letter sent while another agency is consulted ------------------------------------------------------


def _consulting(world: World):
    """S (24 h, due Thu 5 08:00), L (8 h), F (8 h); S asks a partner on Tue 3 08:00 for one working day: the
    answer is due Wed 4 08:00, S's twin (16 h left) Fri 6 08:00, and L and F move a day later (Mon 9, Tue 10
    08:00: the front desk's past the dossier's due date)."""
    template_add(
        world.procedure, [("S", "specialist", None, "24"), ("L", "leader", None, "8"), ("F", "front_desk", None, "8")]
    )
    partner = AgencyFactory()
    answering, heading = officer(partner, "specialist"), officer(partner, "leader")
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_consult_agency(
        by=world.specialist, dossier=dossier, agency=partner, question="Ý kiến?", at=vn(2026, 3, 3, 8, 0)
    )
    return dossier, answering, heading


def _by_order(dossier) -> list[tuple[str, bool, object]]:
    return [(s.name, s.consultation, s.due_at) for s in dossier.steps.order_by("order", "pk")]


def test_a_letter_sent_during_a_consultation_gives_the_steps_after_it_their_shares_of_the_remaining_span():
    # From the answer's due date (Wed 4 08:00) to the new one (Thu 12 08:00): 48 h for 16 + 8 + 8, so 24, 12 and
    # 12 h. The consultation keeps its own due date.
    world = World()
    dossier, answering, heading = _consulting(world)
    assert [due for _name, _c, due in _by_order(dossier)] == [
        vn(2026, 3, 5, 8, 0),
        vn(2026, 3, 4, 8, 0),
        vn(2026, 3, 6, 8, 0),
        vn(2026, 3, 9, 8, 0),
        vn(2026, 3, 10, 8, 0),
    ]

    dossier = _extend(world, dossier, new_due=vn(2026, 3, 12, 8, 0), drafter=answering, leader=heading)

    [_s, opinion, twin, lead, desk] = _by_order(dossier)
    assert (opinion[1], opinion[2]) == (True, vn(2026, 3, 4, 8, 0))
    assert [twin[2], lead[2], desk[2]] == [vn(2026, 3, 9, 8, 0), vn(2026, 3, 10, 13, 30), vn(2026, 3, 12, 8, 0)]


def test_a_late_answer_after_the_letter_is_late_and_the_steps_after_it_keep_their_spacing():
    # The partner answers on Wed 4 10:00, two working hours after its own due date: late. The twin has its 24 h
    # from the answer, and the leader and the front desk move by the two hours, as after any late answer.
    world = World()
    dossier, answering, heading = _consulting(world)
    dossier = _extend(world, dossier, new_due=vn(2026, 3, 12, 8, 0), drafter=answering, leader=heading)

    dossier = dossier_forward(by=answering, dossier=dossier, at=vn(2026, 3, 4, 10, 0))

    opinion = dossier.steps.get(consultation=True)
    assert (opinion.due_at, opinion.outcome) == (vn(2026, 3, 4, 8, 0), "late")
    [_s, _o, twin, lead, desk] = _by_order(dossier)
    assert [twin[2], lead[2], desk[2]] == [vn(2026, 3, 9, 10, 0), vn(2026, 3, 10, 15, 30), vn(2026, 3, 12, 10, 0)]


def test_an_answer_on_time_after_the_letter_leaves_each_step_its_share():
    world = World()
    dossier, answering, heading = _consulting(world)
    dossier = _extend(world, dossier, new_due=vn(2026, 3, 12, 8, 0), drafter=answering, leader=heading)

    dossier = dossier_forward(by=answering, dossier=dossier, at=vn(2026, 3, 4, 8, 0))

    assert dossier.steps.get(consultation=True).outcome == "on_time"
    [_s, _o, twin, lead, desk] = _by_order(dossier)
    assert [twin[2], lead[2], desk[2]] == [vn(2026, 3, 9, 8, 0), vn(2026, 3, 10, 13, 30), vn(2026, 3, 12, 8, 0)]
