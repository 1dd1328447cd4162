"""Due dates on the spec's edge cases (§4)."""

from decimal import Decimal

import pytest

from chinhquyen.dossiers.models import DossierEvent, DossierStatus
from chinhquyen.dossiers.services import (
    dossier_request_supplement,
    dossier_supplement_provided,
)
from tests.dossiers.factories import World, supplement_send, vn

pytestmark = pytest.mark.django_db


def test_friday_afternoon_one_working_day_is_due_monday_same_time():
    world = World(days=1)

    dossier = world.received(at=vn(2026, 3, 6, 16, 30))  # Friday

    assert dossier.due_at == vn(2026, 3, 9, 16, 30)


def test_same_day_procedure_received_after_15_counts_from_next_morning():
    world = World(days=4, unit="working_hours")

    dossier = world.received(at=vn(2026, 3, 3, 15, 30))

    assert dossier.due_at == vn(2026, 3, 4, 11, 30)
    assert DossierEvent.objects.get(dossier=dossier, action="receive").data["counting_from"] == (
        "2026-03-04T07:30:00+07:00"
    )


def test_eight_hour_procedure_received_after_15_counts_from_next_morning():
    world = World(days=8, unit="working_hours")

    dossier = world.received(at=vn(2026, 3, 3, 15, 30))

    assert dossier.due_at == vn(2026, 3, 4, 17, 0)


def test_same_day_procedure_received_before_15_counts_from_now():
    world = World(days=2, unit="working_hours")

    dossier = world.received(at=vn(2026, 3, 3, 14, 0))

    assert dossier.due_at == vn(2026, 3, 3, 16, 0)


def test_received_after_closing_counts_from_next_working_morning():
    world = World(days=1)

    dossier = world.received(at=vn(2026, 3, 6, 18, 0))  # Friday evening

    assert dossier.due_at == vn(2026, 3, 9, 17, 0)  # Monday 07:30 + 8 h


def test_calendar_days_never_fall_due_on_a_day_off():
    world = World(days=5, unit="days")

    dossier = world.received(at=vn(2026, 3, 2, 9, 0))  # Monday + 5 calendar days = Saturday

    assert dossier.due_at == vn(2026, 3, 9, 9, 0)


def test_calendar_days_skip_the_holidays_but_count_a_swapped_day_off():
    world = World(days=5, unit="days")

    # Friday 28 August 2026: 29, 30, 31 (off, swapped for 22 August) count; 1-2 September are holidays.
    dossier = world.received(at=vn(2026, 8, 28, 9, 0))

    assert dossier.due_at == vn(2026, 9, 4, 9, 0)


def test_procedure_without_limit_gets_no_due_date_and_says_so():
    world = World(days=None)

    dossier = world.received(at=vn(2026, 3, 2, 9, 0))

    assert dossier.due_at is None
    assert list(dossier.steps.values_list("due_at", flat=True)) == [None, None, None]
    event = DossierEvent.objects.get(dossier=dossier, action="receive")
    assert event.data["note"] == "The procedure has no time limit in working time: no due date is set."


def test_supplement_pause_extends_due_and_remaining_steps_by_paused_working_time():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    steps_before = dict(dossier.steps.values_list("role", "due_at"))

    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["Bản sao CCCD"], reason="Thiếu", at=vn(2026, 3, 3, 10, 0)
    )
    assert (dossier.status, dossier.paused_at) == (DossierStatus.SUPPLEMENT_REQUESTED, vn(2026, 3, 3, 10, 0))
    dossier = supplement_send(world, dossier, at=vn(2026, 3, 4, 10, 0))

    # Tuesday 10:00 to Wednesday 10:00 is 8 working hours: everything moves one working day.
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.paused_at is None
    assert dossier.due_at == vn(2026, 3, 10, 8, 0)
    assert dossier.original_due_at == vn(2026, 3, 9, 8, 0)
    assert dict(dossier.steps.values_list("role", "due_at")) == {
        "specialist": vn(2026, 3, 6, 13, 30),
        "leader": vn(2026, 3, 9, 13, 30),
        "front_desk": vn(2026, 3, 10, 8, 0),
    }
    assert steps_before["specialist"] == vn(2026, 3, 5, 13, 30)
    event = DossierEvent.objects.get(dossier=dossier, action="supplement_provided")
    assert event.data["paused_hours"] == 8.0


def test_pause_outside_working_hours_keeps_the_due_date():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["x"], reason="r", at=vn(2026, 3, 6, 17, 30)
    )
    dossier = dossier_supplement_provided(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 9, 7, 0))

    assert dossier.due_at == vn(2026, 3, 9, 8, 0)
    assert Decimal(DossierEvent.objects.get(dossier=dossier, action="supplement_provided").data["paused_hours"]) == 0


def test_three_hour_procedure_counts_working_hours_over_lunch():
    world = World(days=3, unit="hours")  # "3 Giờ"

    dossier = world.received(at=vn(2026, 11, 23, 9, 0))  # Monday

    # 09:00-11:30 is 2.5 h, the last 0.5 h runs from 13:00.
    assert world.procedure.time_limit_hours == Decimal(3)
    assert dossier.due_at == vn(2026, 11, 23, 13, 30)
    assert dict(dossier.steps.values_list("role", "due_at")) == {
        "specialist": vn(2026, 11, 23, 11, 6),  # 2.1 h
        "leader": vn(2026, 11, 23, 13, 12),  # 0.6 h
        "front_desk": vn(2026, 11, 23, 13, 30),  # 0.3 h
    }


def test_eight_hour_procedure_received_after_15_skips_culture_day():
    world = World(days=8, unit="hours")  # "8 Giờ": same-day

    dossier = world.received(at=vn(2026, 11, 23, 15, 30))

    # Tuesday 24 Nov 2026 is the national Culture Day.
    assert DossierEvent.objects.get(dossier=dossier, action="receive").data["counting_from"] == (
        "2026-11-25T07:30:00+07:00"
    )
    assert dossier.due_at == vn(2026, 11, 25, 17, 0)


def test_twenty_four_hours_are_three_working_days_and_not_same_day():
    hours = World(days=24, unit="hours")  # "24 Giờ"
    days = World(days=3)

    by_hours = hours.received(at=vn(2026, 11, 23, 15, 30))
    by_days = days.received(at=vn(2026, 11, 23, 15, 30))

    # 1.5 h on Monday, Culture Day, 8 h on 25 and 26 Nov, then 6.5 h on Friday.
    assert by_hours.due_at == by_days.due_at == vn(2026, 11, 27, 15, 30)
    assert DossierEvent.objects.get(dossier=by_hours, action="receive").data["counting_from"] == (
        "2026-11-23T15:30:00+07:00"
    )


def test_one_month_received_on_a_saturday_counts_from_monday():
    world = World(days=1, unit="months")  # "1 Tháng"

    dossier = world.received(at=vn(2027, 1, 30, 10, 0))  # Saturday

    assert world.procedure.time_limit_hours is None
    assert DossierEvent.objects.get(dossier=dossier, action="receive").data["counting_from"] == (
        "2027-02-01T07:30:00+07:00"
    )
    assert dossier.due_at == vn(2027, 3, 1, 7, 30)
    # 15 working days (120 h) lie between: 1-3, 11-12, 15-19 and 22-26 Feb, Tết 2027 in between.
    assert dict(dossier.steps.values_list("role", "share_hours")) == {
        "specialist": Decimal(84),
        "leader": Decimal(24),
        "front_desk": Decimal(12),
    }
    assert dict(dossier.steps.values_list("role", "due_at")) == {
        "specialist": vn(2027, 2, 22, 11, 30),
        "leader": vn(2027, 2, 25, 11, 30),
        "front_desk": vn(2027, 3, 1, 7, 30),
    }


def test_one_month_ending_on_a_holiday_moves_to_the_next_working_day():
    world = World(days=1, unit="months")

    dossier = world.received(at=vn(2026, 3, 31, 10, 0))  # + 1 month = 30 Apr, then 1 May and a weekend

    assert dossier.due_at == vn(2026, 5, 4, 10, 0)


def test_one_working_day_over_tet_2027():
    world = World(days=1)

    dossier = world.received(at=vn(2027, 2, 3, 16, 0))  # Wednesday; Tết: 4, 5 and 8-10 Feb

    assert dossier.due_at == vn(2027, 2, 11, 16, 0)


def test_one_working_day_over_the_new_year_2027():
    world = World(days=1)

    dossier = world.received(at=vn(2026, 12, 31, 18, 0))  # after closing; 1 Jan 2027 is a Friday

    assert DossierEvent.objects.get(dossier=dossier, action="receive").data["counting_from"] == (
        "2027-01-04T07:30:00+07:00"
    )
    assert dossier.due_at == vn(2027, 1, 4, 17, 0)
