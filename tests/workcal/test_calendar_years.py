"""The working calendar ends with the last year whose Vietnamese holidays are known."""

from datetime import date

import holidays
import pytest
from django.core.exceptions import ValidationError

from chinhquyen.workcal.engine import LAST_YEAR, OutOfCalendarError, WorkingCalendar, day_in_calendar
from chinhquyen.workcal.holidays_vn import vn_year_days
from chinhquyen.workcal.models import OverrideKind
from chinhquyen.workcal.services import date_override_add
from tests.workcal.common import PERIODS, vn


def test_the_calendar_ends_where_the_holiday_tables_end():
    assert (LAST_YEAR, holidays.country_holidays("VN").end_year) == (2100, 2100)
    assert (day_in_calendar(date(2100, 12, 31)), day_in_calendar(date(2101, 1, 1))) == (True, False)


def test_the_last_years_national_day_is_still_a_day_off(vn_calendar):
    # Wednesday 1 September 2100, then Quốc khánh on Thursday 2 and Friday 3, then the weekend: Monday 6.
    assert vn_calendar.add_working_days(vn(2100, 9, 1, 9, 0), 1) == vn(2100, 9, 6, 9, 0)


@pytest.mark.parametrize(
    "compute",
    [
        pytest.param(lambda c: c.add_working_days(vn(2101, 9, 1, 9, 0), 1), id="working-days-in-2101"),
        pytest.param(lambda c: c.add_working_days(vn(2100, 12, 1, 9, 0), 100), id="working-days-into-2101"),
        pytest.param(lambda c: c.add_calendar_days(vn(2100, 12, 1, 9, 0), 31), id="calendar-days-into-2101"),
        pytest.param(lambda c: c.add_calendar_months(vn(2100, 12, 1, 9, 0), 1), id="months-into-2101"),
    ],
)
def test_time_past_the_holiday_tables_is_refused(vn_calendar, compute):
    with pytest.raises(OutOfCalendarError, match="1976-2100"):
        compute(vn_calendar)


@pytest.mark.django_db
def test_an_override_past_the_holiday_tables_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        date_override_add(date=date(2101, 9, 2), kind=OverrideKind.DAY_OFF, reason="Quốc khánh")

    assert excinfo.value.message_dict == {"date": ["The working calendar covers the years 1976 to 2100."]}


def test_calendar_days_reach_the_last_years_without_overshooting():
    # 25,000 days not counting public holidays (counted one by one): Wednesday 5 December 2096. Growing the
    # window by a guess of the years needed must stop at the last covered year, not refuse.
    calendar = WorkingCalendar(weekdays=range(5), periods=PERIODS, year_source=vn_year_days, years=(2025, 2027))

    assert calendar.add_calendar_days(vn(2026, 3, 2, 9, 0), 25000) == vn(2096, 12, 5, 9, 0)
