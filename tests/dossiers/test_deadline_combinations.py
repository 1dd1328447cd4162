"""Deadline combinations (spec §4): a pause before a same-day clock starts, template shares that do not add up
to the dossier's span, and the last step's due instant on calendar-day limits."""

from datetime import datetime
from decimal import Decimal

import pytest

from chinhquyen.catalog.models import ProcessStep
from chinhquyen.catalog.services import procedure_save, process_template_set
from chinhquyen.dossiers.models import DossierEvent
from chinhquyen.dossiers.services import (
    dossier_payment_confirmed,
    dossier_request_payment,
    dossier_request_supplement,
    dossier_supplement_provided,
)
from chinhquyen.workcal.selectors import working_hours_between
from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db


def _steps(dossier):
    return list(dossier.steps.order_by("order"))


def _dues(dossier) -> list[datetime]:
    return [step.due_at for step in _steps(dossier)]


def _shares(dossier) -> list[Decimal]:
    return [step.share_hours for step in _steps(dossier)]


def _pause_and_resume(world: World, dossier, *, kind: str, paused: datetime, resumed: datetime):
    if kind == "supplement":
        dossier = dossier_request_supplement(by=world.specialist, dossier=dossier, items=["x"], reason="y", at=paused)
        return dossier_supplement_provided(by=world.front_desk, dossier=dossier, at=resumed)
    dossier = dossier_request_payment(by=world.specialist, dossier=dossier, amount=1000, at=paused)
    return dossier_payment_confirmed(by=world.front_desk, dossier=dossier, at=resumed)


# --- 1. A pause before a same-day dossier's clock has started ----------------------------------------------
# 2-hour procedure received Tue 3 Mar 2026 15:30 (after 15:00): counting starts Wed 4 Mar 07:30, due 09:30.
# The default flow shares its 2 h as 1.4 / 0.4 / 0.2 h.


@pytest.mark.parametrize("kind", ["supplement", "payment"])
@pytest.mark.parametrize(
    ("paused", "resumed", "paused_hours", "dues"),
    [
        pytest.param(
            vn(2026, 3, 3, 16, 0),
            vn(2026, 3, 3, 16, 30),
            0,
            [vn(2026, 3, 4, 8, 54), vn(2026, 3, 4, 9, 18), vn(2026, 3, 4, 9, 30)],
            id="both-before-the-start",
        ),
        pytest.param(
            vn(2026, 3, 3, 16, 0),
            vn(2026, 3, 4, 9, 0),
            1.5,  # 07:30-09:00 Wednesday only
            [vn(2026, 3, 4, 10, 24), vn(2026, 3, 4, 10, 48), vn(2026, 3, 4, 11, 0)],
            id="across-the-start",
        ),
        pytest.param(
            vn(2026, 3, 4, 8, 0),
            vn(2026, 3, 4, 9, 0),
            1,
            [vn(2026, 3, 4, 9, 54), vn(2026, 3, 4, 10, 18), vn(2026, 3, 4, 10, 30)],
            id="after-the-start",
        ),
    ],
)
def test_a_pause_before_the_same_day_counting_start_moves_dues_by_clock_time_only(
    kind, paused, resumed, paused_hours, dues
):
    world = World(days=2, unit="hours")
    dossier = world.received(at=vn(2026, 3, 3, 15, 30))
    assert dossier.due_at == vn(2026, 3, 4, 9, 30)

    dossier = _pause_and_resume(world, dossier, kind=kind, paused=paused, resumed=resumed)

    assert dossier.due_at == dues[-1]
    assert _dues(dossier) == dues
    event = DossierEvent.objects.filter(dossier=dossier).latest("at", "pk")
    assert event.data["paused_hours"] == paused_hours


def test_a_dossier_that_is_not_same_day_counts_its_pause_after_15_00():
    # One working day is not same-day: received Tue 15:30, it counts at once and is due Wed 15:30.
    world = World(days=1)
    dossier = world.received(at=vn(2026, 3, 3, 15, 30))
    assert dossier.due_at == vn(2026, 3, 4, 15, 30)

    dossier = _pause_and_resume(
        world, dossier, kind="supplement", paused=vn(2026, 3, 3, 16, 0), resumed=vn(2026, 3, 3, 16, 30)
    )

    assert dossier.due_at == vn(2026, 3, 4, 16, 0)


def test_a_receipt_without_its_counting_start_has_it_worked_out_again():
    world = World(days=2, unit="hours")
    dossier = world.received(at=vn(2026, 3, 3, 15, 30))
    DossierEvent.objects.filter(dossier=dossier, action="receive").update(data={"code": dossier.code})

    dossier = _pause_and_resume(
        world, dossier, kind="supplement", paused=vn(2026, 3, 3, 16, 0), resumed=vn(2026, 3, 4, 9, 0)
    )

    assert dossier.due_at == vn(2026, 3, 4, 11, 0)


# --- 2. Template shares that do not add up to the dossier's span ---------------------------------------------

STEPS_40H = [
    {"name": "Thụ lý", "role": "specialist", "share_hours": "28"},
    {"name": "Ký", "role": "leader", "share_hours": "8"},
    {"name": "Trả", "role": "front_desk", "share_hours": "4"},
]


@pytest.mark.parametrize(
    ("new_days", "shares", "dues"),
    [
        pytest.param(
            10,
            [Decimal("56.00"), Decimal("16.00"), Decimal("8.00")],
            [vn(2026, 3, 10, 17, 0), vn(2026, 3, 12, 17, 0), vn(2026, 3, 13, 17, 0)],
            id="limit-raised-5-to-10",
        ),
        pytest.param(
            3,
            [Decimal("16.80"), Decimal("4.80"), Decimal("2.40")],
            [vn(2026, 3, 4, 8, 18), vn(2026, 3, 4, 14, 36), vn(2026, 3, 4, 17, 0)],
            id="limit-lowered-5-to-3",
        ),
    ],
)
def test_steps_are_fitted_to_the_limit_when_it_changed_after_the_template(new_days, shares, dues):
    world = World(days=5)
    process_template_set(procedure=world.procedure, steps=STEPS_40H)  # 40 h = 5 working days
    world.procedure.time_limit_value = Decimal(new_days)
    procedure_save(procedure=world.procedure)

    dossier = world.received(at=vn(2026, 3, 2, 7, 30))

    assert _shares(dossier) == shares
    assert _dues(dossier) == dues
    assert dossier.due_at == dues[-1]


def test_shares_that_match_the_limit_are_kept_as_drawn():
    world = World(days=5)
    process_template_set(procedure=world.procedure, steps=STEPS_40H)

    dossier = world.received(at=vn(2026, 3, 2, 7, 30))

    assert _shares(dossier) == [Decimal(28), Decimal(8), Decimal(4)]
    assert _dues(dossier) == [vn(2026, 3, 5, 11, 30), vn(2026, 3, 6, 11, 30), vn(2026, 3, 6, 17, 0)]


CALENDAR_STEPS = [
    {"name": "Thụ lý", "role": "specialist", "share_hours": "64"},
    {"name": "Ký", "role": "leader", "share_hours": "8"},
    {"name": "Trả", "role": "front_desk", "share_hours": "8"},
]


@pytest.mark.parametrize(
    ("received", "due", "shares"),
    [
        # 15 calendar days from Wed 11 Feb 2026, Tết (16-20 Feb) not counted: due Tue 3 Mar 07:30, a span of
        # 72 working hours for shares of 80.
        pytest.param(
            vn(2026, 2, 11, 7, 30),
            vn(2026, 3, 3, 7, 30),
            [Decimal("57.60"), Decimal("7.20"), Decimal("7.20")],
            id="across-tet-span-shorter",
        ),
        # From Mon 2 Mar: due Tue 17 Mar 07:30, a span of 88 working hours.
        pytest.param(
            vn(2026, 3, 2, 7, 30),
            vn(2026, 3, 17, 7, 30),
            [Decimal("70.40"), Decimal("8.80"), Decimal("8.80")],
            id="span-longer",
        ),
    ],
)
def test_calendar_day_steps_share_the_whole_span(received, due, shares):
    world = World(days=15, unit="days")
    process_template_set(procedure=world.procedure, steps=CALENDAR_STEPS)  # any shares for calendar days

    dossier = world.received(at=received)
    specialist, leader, front_desk = _steps(dossier)

    assert dossier.due_at == due
    assert _shares(dossier) == shares
    assert working_hours_between(start=received, end=specialist.due_at) == float(shares[0])
    assert working_hours_between(start=specialist.due_at, end=leader.due_at) == float(shares[1])
    assert front_desk.due_at == due


def test_zero_shares_are_not_scaled():
    # All-zero shares are refused on save (process_all_zero); a template saved before that rule still plans.
    world = World(days=15, unit="days")
    process_template_set(procedure=world.procedure, steps=CALENDAR_STEPS)
    ProcessStep.objects.filter(template__procedure=world.procedure).update(share_hours=Decimal(0))

    dossier = world.received(at=vn(2026, 3, 2, 7, 30))

    assert _shares(dossier) == [Decimal(0), Decimal(0), Decimal(0)]
    assert dossier.due_at == vn(2026, 3, 17, 7, 30)


# --- 3. The last step is due at the dossier's due instant ----------------------------------------------------


@pytest.mark.parametrize(
    ("days", "received", "due", "dues"),
    [
        # 8 calendar days, received Sat 14 Nov 2026: from Mon 16 07:30, Culture Day (Tue 24 Nov) not counted ->
        # due Wed 25 Nov 07:30, the same working position as Mon 23 Nov 17:00.
        pytest.param(
            8,
            vn(2026, 11, 14, 9, 0),
            vn(2026, 11, 25, 7, 30),
            [vn(2026, 11, 20, 9, 6), vn(2026, 11, 23, 10, 42), vn(2026, 11, 25, 7, 30)],
            id="saturday-culture-day",
        ),
        # 5 calendar days, received at lunch Mon 2 Mar: from 13:00 -> Sat 7 -> Mon 9 Mar 13:00, the same working
        # position as 11:30.
        pytest.param(
            5,
            vn(2026, 3, 2, 12, 0),
            vn(2026, 3, 9, 13, 0),
            [vn(2026, 3, 5, 17, 0), vn(2026, 3, 6, 17, 0), vn(2026, 3, 9, 13, 0)],
            id="lunch",
        ),
    ],
)
def test_the_last_step_is_due_at_the_dossier_due_instant(days, received, due, dues):
    dossier = World(days=days, unit="days").received(at=received)

    assert dossier.due_at == due
    assert _dues(dossier) == dues


def test_a_step_ending_on_the_dossier_due_position_is_due_at_its_due_instant():
    world = World(days=8, unit="days")
    process_template_set(
        procedure=world.procedure,
        steps=[
            {"name": "Thụ lý", "role": "specialist", "share_hours": "40"},
            {"name": "Ký", "role": "leader", "share_hours": "8"},
            {"name": "Trả", "role": "front_desk", "share_hours": "0"},
        ],
    )

    dossier = world.received(at=vn(2026, 11, 14, 9, 0))

    assert _dues(dossier) == [vn(2026, 11, 20, 17, 0), vn(2026, 11, 25, 7, 30), vn(2026, 11, 25, 7, 30)]
