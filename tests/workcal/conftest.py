import pytest
from django.utils import translation

from chinhquyen.workcal.engine import WorkingCalendar
from chinhquyen.workcal.holidays_vn import vn_year_days
from chinhquyen.workcal.selectors import calendar_reset
from tests.workcal.common import PERIODS


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in their source language, whatever LANGUAGE_CODE says.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_calendar():
    # Test transactions roll back without signals: a cached calendar could outlive its rows.
    calendar_reset()
    yield
    calendar_reset()


@pytest.fixture(scope="session")
def vn_calendar() -> WorkingCalendar:
    """The default schedule (Mon-Fri, 07:30-11:30 and 13:00-17:00) with Vietnamese holidays, no DB."""
    return WorkingCalendar(weekdays=range(5), periods=PERIODS, year_source=vn_year_days, years=(2025, 2027))
