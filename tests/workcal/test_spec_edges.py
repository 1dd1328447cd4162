"""Spec §4 edge cases of the working calendar: Labour Code holidays by year and holidays declared by overrides."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from chinhquyen.workcal.models import OverrideKind
from chinhquyen.workcal.selectors import calendar_current, deadline_add_calendar_days, deadline_add_working_days
from chinhquyen.workcal.services import date_override_add
from tests.workcal.common import vn


@pytest.mark.parametrize(
    ("day", "working"),
    [
        pytest.param(date(2025, 11, 24), True, id="culture-day-not-yet-in-2025"),
        pytest.param(date(2026, 11, 24), False, id="culture-day-from-2026"),
        pytest.param(date(2025, 1, 27), False, id="tet-2025-first-weekday"),
        pytest.param(date(2025, 1, 31), False, id="tet-2025-last-weekday"),
        pytest.param(date(2025, 2, 3), True, id="after-tet-2025"),
        pytest.param(date(2025, 4, 7), False, id="hung-kings-2025-10-3-lunar"),
        pytest.param(date(2027, 4, 16), False, id="hung-kings-2027-10-3-lunar"),
        pytest.param(date(2025, 9, 1), False, id="national-day-2025-day-before"),
        pytest.param(date(2025, 9, 2), False, id="national-day-2025"),
        pytest.param(date(2025, 9, 3), True, id="after-national-day-2025"),
        pytest.param(date(2025, 4, 26), True, id="swapped-working-saturday-2025"),
        pytest.param(date(2025, 5, 2), False, id="swapped-day-off-2025"),
    ],
)
def test_labour_code_days_off_by_year(vn_calendar, day, working):
    assert vn_calendar.is_working_day(day) is working


def test_one_working_day_over_24_november_2025_is_not_skipped(vn_calendar):
    # Friday 21 November 2025: Monday 24 November 2025 is a working day, Culture Day counts only from 2026.
    assert vn_calendar.add_working_days(vn(2025, 11, 21, 16, 0), 1) == vn(2025, 11, 24, 16, 0)


def test_calendar_days_skip_hung_kings_on_a_weekday_and_the_lunar_date_moves(vn_calendar):
    # Friday 4 April 2025 + 3 calendar days: 5, 6 (weekend, counted), 7 (Hùng Kings, not counted), 8.
    assert vn_calendar.add_calendar_days(vn(2025, 4, 4, 9, 0), 3) == vn(2025, 4, 8, 9, 0)
    assert vn_calendar.is_holiday(date(2025, 4, 7))
    assert not vn_calendar.is_holiday(date(2026, 4, 7))


def test_tet_2030_follows_the_vietnamese_lunar_calendar(vn_calendar):
    # The new moon falls before midnight in Hà Nội (UTC+7), after it in Beijing: Tết is Saturday 2 February
    # 2030, a day before the Chinese New Year. Holidays: 1-5 February; 31 January and 6 February are nghỉ bù.
    days = [date(2030, 1, 31) + timedelta(n) for n in range(8)]

    assert [vn_calendar.is_holiday(d) for d in days] == [False, True, True, True, True, True, False, False]
    assert [vn_calendar.is_working_day(d) for d in days] == [False] * 7 + [True]


@pytest.mark.django_db
def test_a_public_holiday_on_a_weekend_can_be_declared_and_calendar_days_skip_it():
    start = vn(2026, 3, 5, 9, 0)  # Thursday; + 4 calendar days: 6, 7, 8, 9 = Monday 9 March
    assert deadline_add_calendar_days(start=start, days=4) == vn(2026, 3, 9, 9, 0)

    date_override_add(date=date(2026, 3, 7), kind=OverrideKind.HOLIDAY, reason="Ngày lễ mới rơi vào thứ Bảy")

    # Saturday 7 March is no longer counted: 6, 8, 9, 10.
    assert calendar_current().is_holiday(date(2026, 3, 7))
    assert deadline_add_calendar_days(start=start, days=4) == vn(2026, 3, 10, 9, 0)
    assert deadline_add_working_days(start=start, days=1) == vn(2026, 3, 6, 9, 0)


@pytest.mark.django_db
def test_a_compensatory_day_off_can_be_declared_a_public_holiday():
    # 27 April 2026 is the nghỉ bù of Hùng Kings (26 April, a Sunday): a day off that calendar days count.
    assert not calendar_current().is_holiday(date(2026, 4, 27))

    date_override_add(date=date(2026, 4, 27), kind=OverrideKind.HOLIDAY, reason="Quyết định của Thủ tướng")

    assert calendar_current().is_holiday(date(2026, 4, 27))
    assert not calendar_current().is_working_day(date(2026, 4, 27))


@pytest.mark.django_db
def test_a_public_holiday_on_a_weekend_is_already_one():
    # Hùng Kings 2026 falls on Sunday 26 April: declaring it again changes nothing.
    with pytest.raises(ValidationError) as excinfo:
        date_override_add(date=date(2026, 4, 26), kind=OverrideKind.HOLIDAY, reason="Trùng")

    assert excinfo.value.message_dict == {"kind": ["2026-04-26 is already a day off: Ngày Giỗ Tổ Hùng Vương."]}
