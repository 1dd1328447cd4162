"""Properties of working-time arithmetic over 2020-2035, in any time zone (hypothesis)."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from chinhquyen.workcal.engine import TZ

MAX_SECONDS = 2000 * 3600
ZONES = [
    TZ,
    UTC,
    ZoneInfo("Europe/Paris"),
    ZoneInfo("America/New_York"),
    timezone(timedelta(hours=5, minutes=45)),
]

instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31, 23, 59, 59), timezones=st.sampled_from(ZONES)
)
amounts = st.integers(min_value=0, max_value=MAX_SECONDS)
quick = settings(deadline=None, max_examples=150)


@quick
@given(start=instants, n=amounts)
def test_working_time_between_start_and_result_is_what_was_added(vn_calendar, start, n):
    assert vn_calendar.working_seconds_between(start, vn_calendar.add_working_time(start, n)) == n


@quick
@given(start=instants, n=st.integers(min_value=1, max_value=MAX_SECONDS))
def test_result_is_a_working_instant(vn_calendar, start, n):
    due = vn_calendar.add_working_time(start, n)
    assert due > start
    assert due.tzinfo is TZ
    assert vn_calendar.is_working_instant(due)


@quick
@given(start=instants, a=amounts, b=amounts)
def test_adding_more_never_gives_an_earlier_result(vn_calendar, start, a, b):
    a, b = sorted((a, b))
    assert vn_calendar.add_working_time(start, a) <= vn_calendar.add_working_time(start, b)


@quick
@given(first=instants, second=instants, n=amounts)
def test_a_later_start_never_gives_an_earlier_result(vn_calendar, first, second, n):
    first, second = sorted((first, second))
    assert vn_calendar.add_working_time(first, n) <= vn_calendar.add_working_time(second, n)


@quick
@given(start=instants, a=amounts, b=st.integers(min_value=1, max_value=MAX_SECONDS))
def test_adding_in_two_steps_equals_adding_the_sum(vn_calendar, start, a, b):
    # b >= 1: adding 0 is "the next working instant", which leaves the end of a period (11:30 -> 13:00).
    step = vn_calendar.add_working_time(start, a)
    assert vn_calendar.add_working_time(step, b) == vn_calendar.add_working_time(start, a + b)


@quick
@given(start=instants)
def test_next_working_instant_is_not_earlier_and_has_the_same_position(vn_calendar, start):
    nxt = vn_calendar.next_working_instant(start)
    assert nxt >= start.replace(microsecond=0)
    assert vn_calendar.working_seconds_between(start, nxt) == 0
    assert vn_calendar.is_working_instant(nxt)
