"""Calendar months, Tết 2027, the 2026 Culture Day, the turn of the year and which days off are holidays."""

from calendar import monthrange
from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chinhquyen.workcal.engine import TZ
from chinhquyen.workcal.holidays_vn import vn_public_holidays, vn_year_days
from chinhquyen.workcal.models import OverrideKind
from chinhquyen.workcal.selectors import deadline_add_calendar_months
from chinhquyen.workcal.services import date_override_add
from tests.workcal.common import vn


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        pytest.param(vn(2026, 3, 2, 9, 0), 1, vn(2026, 4, 2, 9, 0), id="plain"),
        pytest.param(vn(2028, 1, 31, 9, 0), 1, vn(2028, 2, 29, 9, 0), id="31-jan-to-29-feb-leap-year"),
        pytest.param(vn(2027, 1, 29, 10, 0), 1, vn(2027, 3, 1, 10, 0), id="29-jan-to-28-feb-sunday-moves"),
        pytest.param(vn(2026, 1, 30, 9, 0), 1, vn(2026, 3, 2, 9, 0), id="30-jan-to-28-feb-saturday-moves"),
        pytest.param(vn(2026, 3, 31, 10, 0), 1, vn(2026, 5, 4, 10, 0), id="31-mar-to-30-apr-holidays-move"),
        pytest.param(vn(2026, 7, 31, 9, 0), 1, vn(2026, 9, 3, 9, 0), id="to-swapped-day-off-and-national-day"),
        pytest.param(vn(2026, 12, 15, 9, 0), 1, vn(2027, 1, 15, 9, 0), id="over-the-year"),
        pytest.param(vn(2026, 2, 12, 9, 0), 12, vn(2027, 2, 12, 9, 0), id="twelve-months-tet-inside-counts"),
        pytest.param(vn(2026, 2, 13, 9, 0), 12, vn(2027, 2, 15, 9, 0), id="twelve-months-to-saturday"),
        pytest.param(vn(2026, 10, 24, 14, 0), 1, vn(2026, 11, 25, 14, 0), id="to-culture-day"),
        pytest.param(vn(2026, 6, 30, 12, 0), 2, vn(2026, 9, 3, 7, 30), id="moved-lunch-time-becomes-opening"),
        pytest.param(vn(2026, 3, 2, 9, 0), 0, vn(2026, 3, 2, 9, 0), id="zero-months"),
    ],
)
def test_add_calendar_months(vn_calendar, start, months, due):
    assert vn_calendar.add_calendar_months(start, months) == due


def test_negative_months_are_refused(vn_calendar):
    with pytest.raises(ValueError, match="months must not be negative"):
        vn_calendar.add_calendar_months(vn(2026, 3, 2, 9, 0), -1)


def test_months_past_the_last_covered_year_are_refused(vn_calendar):
    assert vn_calendar.add_calendar_months(vn(2100, 6, 3, 9, 0), 6) == vn(2100, 12, 3, 9, 0)
    with pytest.raises(ValueError, match="1976-2100"):
        vn_calendar.add_calendar_months(vn(2100, 6, 3, 9, 0), 7)


@settings(deadline=None, max_examples=150)
@given(
    day=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    months=st.integers(min_value=0, max_value=36),
)
def test_months_end_on_the_first_working_day_from_the_same_day_of_the_month(vn_calendar, day, months):
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    target = date(year, month, min(day.day, monthrange(year, month)[1]))

    due = vn_calendar.add_calendar_months(vn(day.year, day.month, day.day, 9, 0), months)

    assert (due.tzinfo, due.time()) == (TZ, time(9, 0))
    assert due.date() >= target
    assert vn_calendar.is_working_day(due.date())
    skipped = (date.fromordinal(o) for o in range(target.toordinal(), due.date().toordinal()))
    assert not any(vn_calendar.is_working_day(d) for d in skipped)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        pytest.param(date(2027, 2, 3), True, id="wed-3-feb"),
        pytest.param(date(2027, 2, 4), False, id="thu-4-feb-29-tet"),
        pytest.param(date(2027, 2, 5), False, id="fri-5-feb-giao-thua"),
        pytest.param(date(2027, 2, 8), False, id="mon-8-feb"),
        pytest.param(date(2027, 2, 9), False, id="tue-9-feb"),
        pytest.param(date(2027, 2, 10), False, id="wed-10-feb"),
        pytest.param(date(2027, 2, 11), True, id="thu-11-feb"),
        pytest.param(date(2026, 11, 24), False, id="culture-day-2026"),
        pytest.param(date(2027, 1, 1), False, id="new-year-2027"),
    ],
)
def test_tet_2027_and_culture_day(vn_calendar, day, working):
    assert vn_calendar.is_working_day(day) is working


def test_one_working_day_over_tet_2027(vn_calendar):
    # 1 h on Wed 3 Feb, then Tết (4, 5, 8-10 Feb) and a weekend, then 7 h on Thu 11 Feb.
    assert vn_calendar.add_working_days(vn(2027, 2, 3, 16, 0), 1) == vn(2027, 2, 11, 16, 0)


def test_one_working_day_over_the_new_year(vn_calendar):
    start = vn_calendar.counting_start(vn(2026, 12, 31, 18, 0))

    assert start == vn(2027, 1, 4, 7, 30)  # 1 Jan (Fri) is a holiday, then a weekend
    assert vn_calendar.add_working_days(start, 1) == vn(2027, 1, 4, 17, 0)


def test_same_day_after_the_cutoff_skips_culture_day(vn_calendar):
    assert vn_calendar.counting_start(vn(2026, 11, 23, 15, 30), same_day=True) == vn(2026, 11, 25, 7, 30)


@pytest.mark.django_db
def test_months_helper_follows_the_overrides():
    assert deadline_add_calendar_months(start=vn(2026, 3, 2, 9, 0), months=1) == vn(2026, 4, 2, 9, 0)

    date_override_add(date=date(2026, 4, 2), kind=OverrideKind.DAY_OFF, reason="Nghỉ theo Quyết định 12/QĐ-UBND")

    assert deadline_add_calendar_months(start=vn(2026, 3, 2, 9, 0), months=1) == vn(2026, 4, 3, 9, 0)


def test_public_holidays_exclude_compensatory_and_swapped_days_off():
    days = vn_year_days(2026, 2028)

    assert sorted(days.days_off - days.holidays) == [
        date(2026, 4, 27),  # Hùng Kings on a Sunday: nghỉ bù
        date(2026, 8, 31),  # swapped for Saturday 22 August
        date(2027, 2, 4),  # Tết days on the weekend: nghỉ bù before and after
        date(2027, 2, 10),
        date(2027, 5, 3),
        date(2028, 1, 3),
        date(2028, 1, 24),
        date(2028, 5, 2),
        date(2028, 9, 4),
    ]
    assert days.holidays <= days.days_off
    assert {date(2027, 9, 2), date(2027, 9, 3), date(2027, 11, 24)} <= days.holidays
    assert vn_public_holidays(2027) == {d for d in days.holidays if d.year == 2027}
