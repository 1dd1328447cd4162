"""Spec §4, table by table, on the default schedule with the Vietnamese holidays of 2026-2028; every expected value
was worked out by hand from the calendar (weekday, holiday, nghỉ bù, swapped Saturday) written next to it."""

from datetime import UTC, datetime, time

import pytest

from chinhquyen.workcal.clock import DeadlineClock
from chinhquyen.workcal.engine import WorkingCalendar
from chinhquyen.workcal.holidays_vn import vn_year_days
from tests.workcal.common import vn


@pytest.mark.parametrize(
    ("received", "start"),
    [
        pytest.param(vn(2026, 3, 4, 7, 29, 59), vn(2026, 3, 4, 7, 30), id="a-second-before-opening"),
        pytest.param(vn(2026, 3, 4, 7, 30), vn(2026, 3, 4, 7, 30), id="at-opening"),
        pytest.param(vn(2026, 3, 4, 11, 29), vn(2026, 3, 4, 11, 29), id="a-minute-before-lunch"),
        pytest.param(vn(2026, 3, 4, 11, 30), vn(2026, 3, 4, 13, 0), id="at-11-30"),
        pytest.param(vn(2026, 3, 4, 12, 59, 59), vn(2026, 3, 4, 13, 0), id="end-of-lunch"),
        pytest.param(vn(2026, 3, 4, 13, 0), vn(2026, 3, 4, 13, 0), id="at-13-00"),
        pytest.param(vn(2026, 3, 4, 16, 59, 59), vn(2026, 3, 4, 16, 59, 59), id="a-second-before-closing"),
        pytest.param(vn(2026, 3, 4, 17, 0), vn(2026, 3, 5, 7, 30), id="at-17-00"),
        pytest.param(vn(2026, 3, 6, 17, 0), vn(2026, 3, 9, 7, 30), id="friday-at-17-00"),
        # 31 December 2027 (Friday) after closing: 1 January 2028 is a Saturday, nghỉ bù on Monday 3 January.
        pytest.param(vn(2027, 12, 31, 17, 30), vn(2028, 1, 4, 7, 30), id="new-year-2028-and-its-nghi-bu"),
        # UTC instants: 2026-03-03T23:00Z is 06:00 on 4 March in Hà Nội, 2026-03-04T04:45Z is 11:45 (lunch).
        pytest.param(datetime(2026, 3, 3, 23, 0, tzinfo=UTC), vn(2026, 3, 4, 7, 30), id="utc-evening-is-morning"),
        pytest.param(datetime(2026, 3, 4, 4, 45, tzinfo=UTC), vn(2026, 3, 4, 13, 0), id="utc-at-lunch"),
        pytest.param(datetime(2026, 12, 31, 17, 0, tzinfo=UTC), vn(2027, 1, 4, 7, 30), id="utc-new-years-midnight"),
    ],
)
def test_counting_starts(vn_calendar, received, start):
    assert vn_calendar.counting_start(received) == start


@pytest.mark.parametrize(
    ("received", "start"),
    [
        pytest.param(vn(2026, 3, 4, 14, 59), vn(2026, 3, 4, 14, 59), id="14-59"),
        pytest.param(vn(2026, 3, 4, 15, 0), vn(2026, 3, 4, 15, 0), id="15-00"),
        pytest.param(vn(2026, 3, 4, 15, 0, 1), vn(2026, 3, 5, 7, 30), id="15-00-01"),
        pytest.param(vn(2026, 3, 4, 15, 1), vn(2026, 3, 5, 7, 30), id="15-01"),
        # Friday 13 February 2026, eve of the Tết week (16-20 February off): Monday 23 February.
        pytest.param(vn(2026, 2, 13, 15, 1), vn(2026, 2, 23, 7, 30), id="15-01-before-tet-2026"),
        # Wednesday 1 September 2027: 2 and 3 September off.
        pytest.param(vn(2027, 9, 1, 15, 1), vn(2027, 9, 6, 7, 30), id="15-01-before-national-day-2027"),
        # Saturday 22 August 2026 is a swapped working day: after 15:00 it is Monday 24 August.
        pytest.param(vn(2026, 8, 22, 15, 1), vn(2026, 8, 24, 7, 30), id="15-01-swapped-saturday"),
        pytest.param(datetime(2026, 3, 4, 8, 0, 1, tzinfo=UTC), vn(2026, 3, 5, 7, 30), id="utc-15-00-01"),
    ],
)
def test_same_day_procedures_after_15_00(vn_calendar, received, start):
    assert vn_calendar.counting_start(received, same_day=True) == start


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        pytest.param(vn(2026, 3, 4, 7, 30), 0.5, vn(2026, 3, 4, 11, 30), id="half-day-morning"),
        pytest.param(vn(2026, 3, 4, 13, 0), 0.5, vn(2026, 3, 4, 17, 0), id="half-day-afternoon"),
        pytest.param(vn(2026, 3, 4, 10, 0), 0.5, vn(2026, 3, 4, 15, 30), id="half-day-over-lunch"),
        pytest.param(vn(2026, 3, 4, 15, 0), 0.5, vn(2026, 3, 5, 9, 30), id="half-day-over-the-night"),
        # Tết 2027 (Đinh Mùi): Thursday 4 to Wednesday 10 February off.
        pytest.param(vn(2027, 2, 3, 10, 0), 1, vn(2027, 2, 11, 10, 0), id="tet-2027"),
        # Tết 2028 (Mậu Thân): Monday 24 to Saturday 29 January off.
        pytest.param(vn(2028, 1, 21, 10, 0), 1, vn(2028, 1, 31, 10, 0), id="tet-2028"),
        pytest.param(vn(2027, 4, 15, 10, 0), 1, vn(2027, 4, 19, 10, 0), id="hung-kings-2027-friday-16-april"),
        pytest.param(vn(2028, 4, 3, 10, 0), 1, vn(2028, 4, 5, 10, 0), id="hung-kings-2028-tuesday-4-april"),
        pytest.param(vn(2027, 9, 1, 10, 0), 1, vn(2027, 9, 6, 10, 0), id="national-day-2027-2-and-3-september"),
        # 2 September 2028 is a Saturday: 1 September (Friday) and Monday 4 September (nghỉ bù) are off.
        pytest.param(vn(2028, 8, 31, 10, 0), 1, vn(2028, 9, 5, 10, 0), id="national-day-2028-and-nghi-bu"),
        pytest.param(vn(2027, 11, 23, 10, 0), 1, vn(2027, 11, 25, 10, 0), id="culture-day-2027-wednesday"),
        pytest.param(vn(2028, 11, 23, 10, 0), 1, vn(2028, 11, 27, 10, 0), id="culture-day-2028-friday"),
        pytest.param(vn(2026, 12, 31, 16, 0), 1, vn(2027, 1, 4, 16, 0), id="over-new-year-2027"),
    ],
)
def test_working_days(vn_calendar, start, days, due):
    assert vn_calendar.add_working_days(start, days) == due


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # 14, 15 (weekend, counted), 16-20 (Tết, not counted), 21 (Saturday): moved to Monday 23 February.
        pytest.param(vn(2026, 2, 13, 9, 0), 3, vn(2026, 2, 23, 9, 0), id="over-tet-2026-onto-a-weekend"),
        pytest.param(vn(2026, 8, 14, 9, 0), 8, vn(2026, 8, 22, 9, 0), id="onto-the-swapped-working-saturday"),
        # 29, 30 (weekend), 31 (swapped day off: counted), 1-2 September (holidays), 3 September.
        pytest.param(vn(2026, 8, 28, 9, 0), 4, vn(2026, 9, 3, 9, 0), id="over-national-day-2026"),
        pytest.param(vn(2026, 11, 20, 9, 0), 4, vn(2026, 11, 25, 9, 0), id="over-culture-day-2026"),
        # 31 (1), 1 January (holiday), 2-3 (weekend): moved to Monday 4 January 2027.
        pytest.param(vn(2026, 12, 30, 9, 0), 3, vn(2027, 1, 4, 9, 0), id="over-new-year-2027"),
        # 31 (1), 1 January 2028 (holiday, Saturday), 2 (2), Monday 3 (nghỉ bù, a day off): Tuesday 4.
        pytest.param(vn(2027, 12, 30, 9, 0), 2, vn(2028, 1, 4, 9, 0), id="onto-the-nghi-bu-of-new-year-2028"),
        pytest.param(vn(2027, 4, 14, 9, 0), 2, vn(2027, 4, 19, 9, 0), id="over-hung-kings-2027"),
    ],
)
def test_calendar_days(vn_calendar, start, days, due):
    assert vn_calendar.add_calendar_days(start, days) == due


@pytest.mark.parametrize(
    ("due", "paused", "resumed", "new_due"),
    [
        # 11:00-11:30 and 13:00-14:00: 1.5 working hours.
        pytest.param(
            vn(2026, 3, 11, 17, 0), vn(2026, 3, 9, 11, 0), vn(2026, 3, 9, 14, 0), vn(2026, 3, 12, 9, 0), id="over-lunch"
        ),
        pytest.param(
            vn(2026, 3, 11, 17, 0),
            vn(2026, 3, 9, 11, 30),
            vn(2026, 3, 9, 13, 0),
            vn(2026, 3, 11, 17, 0),
            id="lunch-only",
        ),
        # Thursday 12 February 16:00 to Monday 23 February 08:30: 1 h + 8 h (Friday 13) + 1 h, Tết not counted.
        pytest.param(
            vn(2026, 2, 25, 17, 0),
            vn(2026, 2, 12, 16, 0),
            vn(2026, 2, 23, 8, 30),
            vn(2026, 2, 27, 9, 30),
            id="over-tet",
        ),
        # Due 11:30: 1.5 h more is 14:30, lunch skipped.
        pytest.param(
            vn(2026, 3, 11, 11, 30),
            vn(2026, 3, 9, 10, 0),
            vn(2026, 3, 9, 12, 0),
            vn(2026, 3, 11, 14, 30),
            id="due-at-11-30",
        ),
        # 04:00Z-07:00Z is 11:00-14:00 in Hà Nội.
        pytest.param(
            vn(2026, 3, 11, 17, 0),
            datetime(2026, 3, 9, 4, 0, tzinfo=UTC),
            datetime(2026, 3, 9, 7, 0, tzinfo=UTC),
            vn(2026, 3, 12, 9, 0),
            id="utc",
        ),
    ],
)
def test_a_pause_adds_the_working_time_paused(vn_calendar, due, paused, resumed, new_due):
    clock = DeadlineClock(due_at=due).pause(paused).resume(resumed, calendar=vn_calendar)

    assert clock.due_at == new_due


def test_a_province_with_other_hours():
    # 07:00-11:00 and 13:30-17:30 (still 8 h): opening, lunch and closing follow the schedule.
    calendar = WorkingCalendar(
        weekdays=range(5),
        periods=[(time(7, 0), time(11, 0)), (time(13, 30), time(17, 30))],
        year_source=vn_year_days,
        years=(2026, 2026),
    )

    assert calendar.counting_start(vn(2026, 3, 4, 6, 50)) == vn(2026, 3, 4, 7, 0)
    assert calendar.counting_start(vn(2026, 3, 4, 11, 0)) == vn(2026, 3, 4, 13, 30)
    assert calendar.counting_start(vn(2026, 3, 4, 17, 15)) == vn(2026, 3, 4, 17, 15)
    assert calendar.counting_start(vn(2026, 3, 4, 17, 30)) == vn(2026, 3, 5, 7, 0)
    assert calendar.add_working_hours(vn(2026, 3, 4, 10, 0), 2) == vn(2026, 3, 4, 14, 30)
    assert calendar.add_working_days(vn(2026, 3, 4, 7, 0), 1) == vn(2026, 3, 4, 17, 30)
