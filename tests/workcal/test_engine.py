"""Deadline arithmetic on the default schedule with the Vietnamese holidays (no database)."""

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from chinhquyen.workcal.engine import TZ, WorkingCalendar, YearDays
from tests.workcal.common import PERIODS, vn


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        pytest.param(vn(2026, 3, 6, 16, 30), 1, vn(2026, 3, 9, 16, 30), id="friday-afternoon-to-monday"),
        pytest.param(vn(2026, 2, 13, 16, 30), 1, vn(2026, 2, 23, 16, 30), id="eve-of-tet-to-after-tet"),
        pytest.param(vn(2026, 3, 2, 7, 30), 1, vn(2026, 3, 2, 17, 0), id="full-day-ends-at-closing"),
        pytest.param(vn(2026, 3, 2, 7, 30), 30, vn(2026, 4, 10, 17, 0), id="thirty-days-240-hours"),
        pytest.param(vn(2026, 8, 21, 9, 0), 1, vn(2026, 8, 22, 9, 0), id="swapped-saturday-counts"),
        pytest.param(vn(2026, 8, 28, 9, 0), 1, vn(2026, 9, 3, 9, 0), id="national-day-and-swapped-monday"),
        pytest.param(vn(2026, 11, 23, 9, 0), 1, vn(2026, 11, 25, 9, 0), id="culture-day-24-nov"),
        pytest.param(vn(2026, 4, 24, 10, 0), 1, vn(2026, 4, 28, 10, 0), id="gio-to-compensation-monday"),
    ],
)
def test_add_working_days(vn_calendar, received, days, due):
    assert vn_calendar.add_working_days(received, days) == due


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        pytest.param(vn(2026, 3, 2, 7, 30), 8, vn(2026, 3, 2, 17, 0), id="eight-hours-same-day"),
        pytest.param(vn(2026, 3, 2, 7, 30), 4, vn(2026, 3, 2, 11, 30), id="lands-at-end-of-morning"),
        pytest.param(vn(2026, 3, 2, 11, 0), 1, vn(2026, 3, 2, 13, 30), id="skips-lunch"),
        pytest.param(vn(2026, 3, 2, 12, 0), 1, vn(2026, 3, 2, 14, 0), id="from-lunch"),
        pytest.param(vn(2026, 3, 7, 10, 0), 1, vn(2026, 3, 9, 8, 30), id="from-saturday"),
        pytest.param(vn(2026, 3, 2, 16, 0), 2, vn(2026, 3, 3, 8, 30), id="over-the-night"),
        pytest.param(vn(2026, 3, 2, 7, 30), 0.5, vn(2026, 3, 2, 8, 0), id="half-hour"),
    ],
)
def test_add_working_hours(vn_calendar, start, hours, due):
    assert vn_calendar.add_working_hours(start, hours) == due


@pytest.mark.parametrize(
    ("received", "start"),
    [
        pytest.param(vn(2026, 3, 2, 6, 45), vn(2026, 3, 2, 7, 30), id="before-opening"),
        pytest.param(vn(2026, 3, 2, 9, 15), vn(2026, 3, 2, 9, 15), id="during-hours"),
        pytest.param(vn(2026, 3, 2, 12, 0), vn(2026, 3, 2, 13, 0), id="lunch"),
        pytest.param(vn(2026, 3, 2, 11, 30), vn(2026, 3, 2, 13, 0), id="end-of-morning"),
        pytest.param(vn(2026, 3, 2, 17, 30), vn(2026, 3, 3, 7, 30), id="after-closing"),
        pytest.param(vn(2026, 3, 8, 10, 0), vn(2026, 3, 9, 7, 30), id="sunday"),
        pytest.param(vn(2026, 2, 14, 10, 0), vn(2026, 2, 23, 7, 30), id="tet-week"),
    ],
)
def test_counting_start(vn_calendar, received, start):
    assert vn_calendar.counting_start(received) == start


@pytest.mark.parametrize(
    ("received", "start"),
    [
        pytest.param(vn(2026, 3, 6, 14, 59), vn(2026, 3, 6, 14, 59), id="before-cutoff"),
        pytest.param(vn(2026, 3, 6, 15, 0), vn(2026, 3, 6, 15, 0), id="at-cutoff"),
        pytest.param(vn(2026, 3, 6, 15, 1), vn(2026, 3, 9, 7, 30), id="after-cutoff-friday"),
        pytest.param(vn(2026, 4, 29, 16, 0), vn(2026, 5, 4, 7, 30), id="after-cutoff-before-holidays"),
        pytest.param(vn(2026, 3, 7, 16, 0), vn(2026, 3, 9, 7, 30), id="saturday"),
    ],
)
def test_counting_start_same_day_cutoff(vn_calendar, received, start):
    assert vn_calendar.counting_start(received, same_day=True) == start


def test_counting_start_cutoff_is_a_parameter(vn_calendar):
    assert vn_calendar.counting_start(vn(2026, 3, 6, 14, 30), same_day=True, cutoff=time(14, 0)) == vn(
        2026, 3, 9, 7, 30
    )


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 1, 1), False),
        *[(date(2026, 2, d), False) for d in range(16, 21)],
        (date(2026, 2, 23), True),
        (date(2026, 4, 27), False),
        (date(2026, 4, 30), False),
        (date(2026, 5, 1), False),
        (date(2026, 8, 22), True),
        (date(2026, 8, 29), False),
        (date(2026, 8, 31), False),
        (date(2026, 9, 1), False),
        (date(2026, 9, 2), False),
        (date(2026, 11, 24), False),
        (date(2026, 11, 25), True),
    ],
    ids=str,
)
def test_working_days_of_2026(vn_calendar, day, working):
    assert vn_calendar.is_working_day(day) is working


def test_weekdays_off_in_2026_are_exactly_the_holidays(vn_calendar):
    days = (date(2026, 1, 1) + timedelta(n) for n in range(365))
    off = [d.isoformat() for d in days if d.weekday() < 5 and not vn_calendar.is_working_day(d)]
    assert off == [
        "2026-01-01",
        "2026-02-16",
        "2026-02-17",
        "2026-02-18",
        "2026-02-19",
        "2026-02-20",
        "2026-04-27",
        "2026-04-30",
        "2026-05-01",
        "2026-08-31",
        "2026-09-01",
        "2026-09-02",
        "2026-11-24",
    ]


@pytest.mark.parametrize(
    ("at", "working"),
    [
        (vn(2026, 3, 2, 7, 29, 59), False),
        (vn(2026, 3, 2, 7, 30), True),
        (vn(2026, 3, 2, 11, 30), True),
        (vn(2026, 3, 2, 12, 0), False),
        (vn(2026, 3, 2, 17, 0), True),
        (vn(2026, 3, 2, 17, 0, 1), False),
        (vn(2026, 3, 7, 9, 0), False),
        (vn(2026, 8, 22, 9, 0), True),
    ],
    ids=str,
)
def test_is_working_instant(vn_calendar, at, working):
    assert vn_calendar.is_working_instant(at) is working


def test_working_seconds_between(vn_calendar):
    assert vn_calendar.working_seconds_between(vn(2026, 3, 6, 16, 0), vn(2026, 3, 9, 8, 30)) == 2 * 3600
    assert vn_calendar.working_seconds_between(vn(2026, 3, 9, 8, 30), vn(2026, 3, 6, 16, 0)) == -2 * 3600
    assert vn_calendar.working_seconds_between(vn(2026, 3, 7, 8), vn(2026, 3, 8, 20)) == 0


def test_other_time_zones_are_converted(vn_calendar):
    # 2026-03-06 09:30 UTC is 16:30 in Hà Nội.
    due = vn_calendar.add_working_days(datetime(2026, 3, 6, 9, 30, tzinfo=UTC), 1)
    assert due == vn(2026, 3, 9, 16, 30)
    assert due.tzinfo is TZ
    assert vn_calendar.add_working_days(datetime(2026, 3, 6, 10, 30, tzinfo=timezone(timedelta(hours=1))), 1) == due


def test_microseconds_are_truncated(vn_calendar):
    assert vn_calendar.add_working_hours(vn(2026, 3, 2, 9, 0, 0, 999_999), 1) == vn(2026, 3, 2, 10, 0)


def test_zero_time_gives_the_next_working_instant(vn_calendar):
    assert vn_calendar.add_working_time(vn(2026, 3, 2, 17, 0), 0) == vn(2026, 3, 3, 7, 30)
    assert vn_calendar.add_working_time(vn(2026, 3, 2, 9, 0), 0) == vn(2026, 3, 2, 9, 0)
    assert vn_calendar.next_working_instant(vn(2026, 3, 2, 11, 30)) == vn(2026, 3, 2, 13, 0)


def test_negative_time_goes_back_to_the_latest_instant(vn_calendar):
    # One working day before a Monday 17:00 due date: positions of Friday 17:00 and Monday 07:30 are equal.
    assert vn_calendar.add_working_days(vn(2026, 3, 9, 17, 0), -1) == vn(2026, 3, 9, 7, 30)
    assert vn_calendar.add_working_hours(vn(2026, 3, 9, 8, 0), -1) == vn(2026, 3, 6, 16, 30)


def test_naive_datetime_is_refused(vn_calendar):
    with pytest.raises(ValueError, match="naive datetime"):
        vn_calendar.add_working_days(datetime(2026, 3, 6, 16, 30), 1)


def test_far_instants_grow_the_window(vn_calendar):
    assert vn_calendar.add_working_days(vn(2040, 3, 2, 7, 30), 1) == vn(2040, 3, 2, 17, 0)
    assert vn_calendar.add_working_days(vn(2010, 3, 2, 7, 30), 1) == vn(2010, 3, 2, 17, 0)
    assert vn_calendar.working_seconds_between(vn(2026, 3, 2, 7, 30), vn(2026, 3, 3, 7, 30)) == 8 * 3600


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        pytest.param(vn(2026, 3, 2, 9, 0), 5, vn(2026, 3, 9, 9, 0), id="weekend-counts-due-on-saturday-moves"),
        pytest.param(vn(2026, 3, 2, 9, 0), 3, vn(2026, 3, 5, 9, 0), id="plain"),
        pytest.param(vn(2026, 2, 13, 9, 0), 3, vn(2026, 2, 23, 9, 0), id="tet-not-counted"),
        pytest.param(vn(2026, 2, 12, 9, 0), 1, vn(2026, 2, 13, 9, 0), id="before-tet"),
        pytest.param(vn(2026, 4, 29, 9, 0), 1, vn(2026, 5, 4, 9, 0), id="holidays-not-counted-then-sunday-moves"),
        pytest.param(vn(2026, 3, 6, 12, 0), 1, vn(2026, 3, 9, 7, 30), id="moved-lunch-time-becomes-opening"),
        pytest.param(vn(2026, 3, 6, 12, 0), 0, vn(2026, 3, 6, 12, 0), id="zero-days"),
        # 31 Aug 2026 is a day off swapped for Saturday 22 Aug, not a holiday: it counts; 1-2 Sep do not.
        pytest.param(vn(2026, 8, 28, 9, 0), 5, vn(2026, 9, 4, 9, 0), id="swapped-day-off-counted"),
        # 26 Apr 2026 (Hùng Kings) is a Sunday: not counted; its nghỉ bù on Monday 27 Apr is counted.
        pytest.param(vn(2026, 4, 24, 9, 0), 3, vn(2026, 4, 28, 9, 0), id="compensatory-day-counted"),
        pytest.param(vn(2026, 4, 24, 9, 0), 2, vn(2026, 4, 28, 9, 0), id="due-on-compensatory-day-moves"),
    ],
)
def test_add_calendar_days(vn_calendar, start, days, due):
    assert vn_calendar.add_calendar_days(start, days) == due


def test_only_holidays_are_skipped_by_calendar_days():
    calendar = WorkingCalendar(
        weekdays=range(5),
        periods=PERIODS,
        days_off={date(2026, 3, 10)},
        holidays={date(2026, 3, 11)},
        year_source=lambda first, last: YearDays(
            frozenset({date(2026, 3, 12), date(2026, 3, 13)}), frozenset(), frozenset({date(2026, 3, 13)})
        ),
        years=(2026, 2026),
    )

    assert [calendar.is_holiday(date(2026, 3, d)) for d in (10, 11, 12, 13)] == [False, True, False, True]
    assert [calendar.is_working_day(date(2026, 3, d)) for d in (10, 11, 12, 13)] == [False, False, False, False]
    # Counted: 10 (day off), 12 (day off), 14, 15 (weekend); due Sunday 15 moves to Monday 16.
    assert calendar.add_calendar_days(vn(2026, 3, 9, 9, 0), 4) == vn(2026, 3, 16, 9, 0)
    assert calendar.add_calendar_days(vn(2026, 3, 9, 9, 0), 5) == vn(2026, 3, 16, 9, 0)
    assert calendar.add_calendar_days(vn(2026, 3, 9, 9, 0), 6) == vn(2026, 3, 17, 9, 0)


def test_a_declared_holiday_cannot_also_be_a_working_day():
    with pytest.raises(ValueError, match="both an extra day off and an extra working day"):
        WorkingCalendar(
            weekdays=range(5), periods=PERIODS, holidays={date(2026, 3, 7)}, working_days={date(2026, 3, 7)}
        )


def test_overrides_win_over_the_holidays():
    calendar = WorkingCalendar(
        weekdays=range(5),
        periods=PERIODS,
        days_off={date(2026, 3, 9)},
        working_days={date(2026, 3, 7)},
        year_source=lambda first, last: YearDays(frozenset({date(2026, 3, 10)}), frozenset()),
        years=(2026, 2026),
    )
    assert calendar.add_working_days(vn(2026, 3, 6, 16, 30), 1) == vn(2026, 3, 7, 16, 30)
    assert calendar.add_working_days(vn(2026, 3, 7, 16, 30), 1) == vn(2026, 3, 11, 16, 30)


def test_three_periods_and_a_six_day_week():
    calendar = WorkingCalendar(
        weekdays=range(6), periods=[(time(8), time(10)), (time(10, 30), time(12)), (time(14), time(17))]
    )
    assert calendar.day_seconds == 6.5 * 3600
    assert calendar.add_working_days(vn(2026, 3, 6, 9, 0), 1) == vn(2026, 3, 7, 9, 0)
    assert calendar.add_working_hours(vn(2026, 3, 7, 9, 0), 1.5) == vn(2026, 3, 7, 11, 0)


@pytest.mark.parametrize(
    ("weekdays", "periods"),
    [
        pytest.param([], PERIODS, id="no-weekday"),
        pytest.param(range(5), [], id="no-period"),
        pytest.param(range(5), [(time(9), time(9))], id="empty-period"),
        pytest.param(range(5), [(time(13), time(17)), (time(7, 30), time(11, 30))], id="out-of-order"),
    ],
)
def test_bad_schedule_is_refused(weekdays, periods):
    with pytest.raises(ValueError, match="must"):
        WorkingCalendar(weekdays=weekdays, periods=periods)


@pytest.mark.parametrize(
    "start",
    [pytest.param(vn(1975, 12, 31, 9), id="before-1976"), pytest.param(vn(2101, 1, 1, 9), id="after-2100")],
)
def test_instants_outside_the_covered_years_are_refused(vn_calendar, start):
    with pytest.raises(ValueError, match="1976-2100"):
        vn_calendar.add_working_days(start, 1)


def test_adding_past_the_last_covered_year_is_refused(vn_calendar):
    assert vn_calendar.add_working_days(vn(2100, 12, 2, 9), 5) == vn(2100, 12, 9, 9)
    with pytest.raises(ValueError, match="1976-2100"):
        vn_calendar.add_working_days(vn(2100, 12, 1, 9), 100)
