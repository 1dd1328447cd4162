"""Limits in parts of a day or month, in minutes, or of nothing: never shortened, never due at once."""

from decimal import Decimal

import pytest

from chinhquyen.catalog.selectors import TimeLimit
from chinhquyen.dossiers.deadlines import dossier_due, is_same_day
from tests.dossiers.factories import vn

pytestmark = pytest.mark.django_db  # the working calendar is read from the database

RECEIVED = vn(2026, 3, 3, 9, 0)  # Tuesday 3 March 2026, 09:00


@pytest.mark.parametrize(
    ("text", "value", "unit", "due"),
    [
        # Half a day is working time: 4 hours, the same-day rule's (09:00 + 2.5 h to noon + 1.5 h after lunch).
        pytest.param("0,5 ngày", "0.5", "days", vn(2026, 3, 3, 14, 30), id="half-a-calendar-day"),
        # A day and a half: one calendar day, then half a working day.
        pytest.param("1,5 ngày", "1.5", "days", vn(2026, 3, 4, 14, 30), id="a-day-and-a-half"),
        # A month and a half: one month (3 April), then 15 days (Saturday 18 April: to Monday 20 April).
        pytest.param("1,5 tháng", "1.5", "months", vn(2026, 4, 20, 9, 0), id="a-month-and-a-half"),
        pytest.param("30 phút", "30", "minutes", vn(2026, 3, 3, 9, 30), id="minutes"),
        pytest.param("2 ngày", "2", "days", vn(2026, 3, 5, 9, 0), id="whole-calendar-days"),
    ],
)
def test_parts_of_a_unit_and_minutes_count_in_full(text, value, unit, due):
    assert dossier_due(limit=TimeLimit(text, Decimal(value), unit), received_at=RECEIVED).due_at == due


@pytest.mark.parametrize("unit", ["days", "months", "working_days", "minutes"])
def test_a_limit_of_nothing_sets_no_due_date(unit):
    found = dossier_due(limit=TimeLimit("0", Decimal(0), unit), received_at=RECEIVED)

    assert found.due_at is None


def test_minutes_are_working_time_and_a_day_of_them_is_same_day():
    assert TimeLimit("", Decimal(90), "minutes").hours == Decimal("1.5")
    assert is_same_day(hours=Decimal(8), unit="minutes") is True
    assert is_same_day(hours=Decimal(8), unit="working_days") is False
    # Received at 15:30, a 30-minute limit counts from the next morning (the 15:00 rule).
    assert dossier_due(limit=TimeLimit("", Decimal(30), "minutes"), received_at=vn(2026, 3, 3, 15, 30)).due_at == vn(
        2026, 3, 4, 8, 0
    )
