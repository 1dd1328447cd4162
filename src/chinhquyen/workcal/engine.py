"""Working-time arithmetic (tính thời hạn theo ngày làm việc): a pure-Python engine without Django.

Every instant maps to a *working position*: the working seconds elapsed since a fixed anchor day. The
engine keeps, for a window of years, the position at the start of each day (``cum``); adding working
time is "position + n" followed by a binary search back to an instant, so one computation costs a few
integer operations whatever the length of the time limit. The window grows when an instant or a
position falls outside it; positions never change when it grows, because the anchor stays put.

Arithmetic is on local wall-clock seconds in Asia/Ho_Chi_Minh at a fixed UTC+7 (the zone's only
offset since 1975, without daylight saving); microseconds are truncated. Instants outside the years
FIRST_YEAR-LAST_YEAR raise OutOfCalendarError.
"""

import threading
from bisect import bisect_left, bisect_right
from calendar import monthrange
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

import holidays

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
UTC_OFFSET = 7 * 3600
DAY = 86400
SAME_DAY_CUTOFF = time(15, 0)
_SECOND = timedelta(seconds=1)
# Years the engine covers: Vietnam has kept UTC+7 since 1975, and its holidays are known only up to the
# package's last year (2100 in holidays 0.109): past it every Tết and Quốc khánh would count as working. The
# bound also keeps a mistyped year (9026 for 2026) from building arrays for thousands of years.
FIRST_YEAR = 1976
LAST_YEAR: int = holidays.country_holidays("VN").end_year


class OutOfCalendarError(ValueError):
    """An instant, or a time limit's end, outside the years FIRST_YEAR-LAST_YEAR."""

    def __init__(self) -> None:
        super().__init__(f"working time beyond the years {FIRST_YEAR}-{LAST_YEAR}")


def day_in_calendar(day: date) -> bool:
    """Whether ``day`` (or a datetime's own date) falls within the years the engine covers."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


def instant_in_calendar(value: datetime) -> bool:
    """Whether the aware ``value`` falls within the years the engine covers both in UTC (as stored) and in
    Vietnam time (as counted): beyond them (0001-01-01T00:00+05:00, 9999-12-31T23:59-05:00) it may not even
    convert to UTC, and no dossier is ever dated there."""
    try:
        return all(day_in_calendar(value.astimezone(tz)) for tz in (UTC, TZ))
    except OverflowError:
        return False


class YearDays(NamedTuple):
    """The dates of a range of years that break the weekly pattern."""

    days_off: frozenset[date]  # public holidays (ngày lễ, Tết), nghỉ bù, swapped days off
    working_days: frozenset[date]  # swapped working days (ngày làm bù), usually Saturdays
    # The public holidays themselves among ``days_off`` (Labour Code 2019 art. 112): the only days a
    # limit in calendar days does not count. Compensatory (nghỉ bù) and swapped days off are counted.
    holidays: frozenset[date] = frozenset()


# Called with (first_year, last_year), both included.
YearSource = Callable[[int, int], YearDays]


def no_holidays(first_year: int, last_year: int) -> YearDays:
    """A year source with no holidays at all (the weekly pattern only)."""
    return YearDays(frozenset(), frozenset(), frozenset())


class _Window(NamedTuple):
    base: int  # date ordinal of index 0
    first_year: int
    last_year: int
    cum: list[int]  # working position at the start of day i; len = days + 1
    counted: list[int]  # calendar days counted (not holidays) before day i; len = days + 1


class WorkingCalendar:
    """Working days and hours (ngày, giờ làm việc) with deadline arithmetic on them.

    ``weekdays`` are numbers 0 (Monday) to 6 (Sunday); ``periods`` are (start, end) times in order and
    not overlapping. ``days_off``, ``holidays`` and ``working_days`` are explicit per-date overrides that
    win over both the weekly pattern and ``year_source`` (public holidays and swapped days for a range of
    years). ``holidays`` are days off that limits in calendar days do not count either.
    """

    def __init__(
        self,
        *,
        weekdays: Iterable[int],
        periods: Sequence[tuple[time, time]],
        days_off: Collection[date] = (),
        working_days: Collection[date] = (),
        holidays: Collection[date] = (),
        year_source: YearSource = no_holidays,
        years: tuple[int, int] | None = None,
        same_day_cutoff: time = SAME_DAY_CUTOFF,
    ) -> None:
        self.weekdays = frozenset(weekdays)
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise ValueError("weekdays must be a non-empty set of numbers from 0 (Monday) to 6 (Sunday)")
        self.periods = tuple(periods)
        self._starts, self._bounds, self._done = _period_tables(self.periods)
        self.day_seconds = self._done[-1]
        self.opening = self._starts[0]
        self.days_off = frozenset(days_off)
        self.working_days = frozenset(working_days)
        self.holidays = frozenset(holidays)
        if (self.days_off | self.holidays) & self.working_days:
            raise ValueError("a date cannot be both an extra day off and an extra working day")
        self.same_day_cutoff = same_day_cutoff
        self._cutoff = same_day_cutoff.hour * 3600 + same_day_cutoff.minute * 60 + same_day_cutoff.second
        self._year_source = year_source
        this_year = datetime.now(TZ).year
        first, last = years or (this_year - 1, this_year + 2)
        self._anchor = date(first, 1, 1).toordinal()
        self._lock = threading.Lock()
        self._w = self._build(first, last, anchor_cum=0, anchor_counted=0)

    # --- Days -------------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        """True if ``day`` is a working day (ngày làm việc)."""
        w, i = self._index(day.toordinal())
        return w.cum[i + 1] != w.cum[i]

    def previous_working_day(self, day: date) -> date:
        """Return the last working day before ``day`` (ngày làm việc liền trước)."""
        w, i = self._index(day.toordinal())
        return date.fromordinal(self._latest(w.cum[i] - 1) // DAY)

    def is_holiday(self, day: date) -> bool:
        """True if ``day`` is a public holiday (ngày lễ), the only kind of day calendar-day limits skip."""
        w, i = self._index(day.toordinal())
        return w.counted[i + 1] == w.counted[i]

    def calendar_days_counted(self, first: date, last: date) -> int:
        """Return how many days from ``first`` to ``last``, both included, limits in calendar days count: all but
        the public holidays (0 when ``last`` is before ``first``)."""
        if last < first:
            return 0
        self._index(last.toordinal())
        w, i = self._index(first.toordinal())  # the window only grows: it still holds ``last``
        return w.counted[last.toordinal() - w.base + 1] - w.counted[i]

    # --- Instants ---------------------------------------------------------------------------

    def is_working_instant(self, at: datetime) -> bool:
        """True if ``at`` falls inside a working period of a working day, both ends included."""
        o, s = divmod(_local(at), DAY)
        w, i = self._index(o)
        return w.cum[i + 1] != w.cum[i] and self._within_hours(s)

    def next_working_instant(self, at: datetime) -> datetime:
        """Return the first instant at or after ``at`` from which working time runs.

        The end of a period is not one: at 11:30 the clock has stopped until 13:00.
        """
        return _aware(self._latest(self._position(_local(at))))

    def counting_start(self, received_at: datetime, *, same_day: bool = False, cutoff: time | None = None) -> datetime:
        """Return the instant a time limit counts from for a dossier received at ``received_at``.

        Before opening: the opening; during lunch: the afternoon start; after closing or on a day off:
        the next working morning. For same-day procedures (giải quyết trong ngày), a dossier received
        after ``cutoff`` (default: the calendar's, 15:00) counts from the next working day's opening.
        """
        local = _local(received_at)
        if same_day:
            limit = self._cutoff if cutoff is None else cutoff.hour * 3600 + cutoff.minute * 60 + cutoff.second
            o, s = divmod(local, DAY)
            w, i = self._index(o)
            if s > limit and w.cum[i + 1] != w.cum[i]:
                local = (o + 1) * DAY  # next midnight: the latest instant of that position is the next opening
        return _aware(self._latest(self._position(local)))

    # --- Deadline arithmetic ----------------------------------------------------------------

    def add_working_time(self, start: datetime, seconds: int) -> datetime:
        """Return ``start`` plus ``seconds`` of working time.

        A result on a boundary is the END of a working interval (07:30 + 4 h = 11:30, not 13:00);
        ``seconds == 0`` gives the next working instant; a negative value goes back in time and
        gives the latest instant with that working position.
        """
        target = self._position(_local(start)) + int(seconds)
        if seconds > 0:
            return _aware(self._earliest(target))
        return _aware(self._latest(target))

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """Return ``start`` plus ``hours`` working hours (giờ làm việc)."""
        return self.add_working_time(start, round(hours * 3600))

    def add_working_days(self, start: datetime, days: float) -> datetime:
        """Return ``start`` plus ``days`` working days, one day being the daily working length (8 h)."""
        return self.add_working_time(start, round(days * self.day_seconds))

    def working_seconds_between(self, start: datetime, end: datetime) -> int:
        """Return the working seconds from ``start`` to ``end`` (negative when ``end`` is earlier)."""
        return self._position(_local(end)) - self._position(_local(start))

    def add_calendar_days(self, start: datetime, days: int, *, move: bool = True) -> datetime:
        """Return ``start`` plus ``days`` calendar days (ngày theo lịch) for procedures counted that way.

        Only public holidays are not counted; weekends, compensatory (nghỉ bù) and swapped days off are.
        A result on a day off moves as :meth:`moved_to_working_day` says, unless ``move`` is false: a point
        midway through a limit ("1,5 tháng") stays where it falls, and the rest of the limit counts from it.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        o, s = divmod(_local(start), DAY)
        w, i = self._index(o)
        if days:
            target = w.counted[i + 1] + days
            while target > w.counted[-1]:
                # About 300 counted days a year at the least; the clamp lets the last covered year be reached.
                years = days // 300
                w = self._grow(w.last_year + 1 if w.last_year >= LAST_YEAR else min(LAST_YEAR, w.last_year + 1 + years))
            o = w.base + bisect_left(w.counted, target) - 1
        return _aware(self._on_working_day(o, s) if move else o * DAY + s)

    def add_calendar_months(self, start: datetime, months: int, *, move: bool = True) -> datetime:
        """Return ``start`` plus ``months`` calendar months (tháng) for procedures counted that way.

        The due date is the same day of the month, or the month's last day when it is shorter
        (31 January + 1 month = 28 or 29 February), at the same time of day; days off inside the months
        are counted. A result on a day off moves, or not, as in :meth:`add_calendar_days`.
        """
        if months < 0:
            raise ValueError("months must not be negative")
        o, s = divmod(_local(start), DAY)
        if months:
            day = date.fromordinal(o)
            year, month = divmod(day.month - 1 + months, 12)
            year, month = day.year + year, month + 1
            if year > LAST_YEAR:
                raise OutOfCalendarError
            o = date(year, month, min(day.day, monthrange(year, month)[1])).toordinal()
        return _aware(self._on_working_day(o, s) if move else o * DAY + s)

    def moved_to_working_day(self, at: datetime) -> datetime:
        """Return ``at``, or when it falls on a day off the next working day: at the same time of day when it
        lies within working hours, else at the opening time (a limit in calendar units never ends on a day off).
        """
        return _aware(self._on_working_day(*divmod(_local(at), DAY)))

    # --- Internals --------------------------------------------------------------------------

    def _on_working_day(self, o: int, s: int) -> int:
        """Local seconds of day ``o`` at ``s``, or of the next working day when ``o`` is a day off.

        On the next working day the time stays ``s`` when it lies within working hours, else it is the opening.
        """
        w, i = self._index(o)
        if w.cum[i + 1] == w.cum[i]:
            position = w.cum[i]
            while position >= w.cum[-1]:
                w = self._grow(w.last_year + 1)
            o = w.base + bisect_right(w.cum, position) - 1
            if not self._within_hours(s):
                s = self.opening
        return o * DAY + s

    def _within_hours(self, s: int) -> bool:
        j = bisect_right(self._bounds, s)
        return bool(j & 1) or (j > 0 and s == self._bounds[j - 1])

    def _position(self, local: int) -> int:
        o, s = divmod(local, DAY)
        w = self._w
        i = o - w.base
        if not 0 <= i < len(w.cum) - 1:
            w, i = self._index(o)
        c = w.cum[i]
        if w.cum[i + 1] == c:
            return c
        j = bisect_right(self._bounds, s)
        if j & 1:
            return c + self._done[j >> 1] + s - self._bounds[j - 1]
        return c + self._done[j >> 1]

    def _earliest(self, target: int) -> int:
        """Local seconds of the earliest instant at working position ``target`` (an interval's end)."""
        w = self._w
        while target > w.cum[-1]:
            w = self._grow_forward(target, w)
        while target <= w.cum[0]:
            w = self._grow_backward(target, w)
        i = bisect_left(w.cum, target) - 1
        r = target - w.cum[i]
        k = bisect_left(self._done, r) - 1
        return (w.base + i) * DAY + self._starts[k] + r - self._done[k]

    def _latest(self, target: int) -> int:
        """Local seconds of the latest instant at working position ``target`` (an interval's start)."""
        w = self._w
        while target >= w.cum[-1]:
            w = self._grow_forward(target, w)
        while target < w.cum[0]:
            w = self._grow_backward(target, w)
        i = bisect_right(w.cum, target) - 1
        r = target - w.cum[i]
        k = bisect_right(self._done, r) - 1
        return (w.base + i) * DAY + self._starts[k] + r - self._done[k]

    def _index(self, ordinal: int) -> tuple[_Window, int]:
        w = self._w
        if not 0 <= ordinal - w.base < len(w.cum) - 1:
            year = date.fromordinal(min(max(ordinal, 1), date.max.toordinal())).year
            w = self._grow(year)
        return w, ordinal - w.base

    # About 40 working weeks a year is a safe under-estimate, so growing loops end in a step or two;
    # the clamp lets a target just inside the last covered year be reached before giving up.
    def _grow_forward(self, target: int, w: _Window) -> _Window:
        years = (target - w.cum[-1]) // (self.day_seconds * len(self.weekdays) * 40)
        return self._grow(w.last_year + 1 if w.last_year >= LAST_YEAR else min(LAST_YEAR, w.last_year + 1 + years))

    def _grow_backward(self, target: int, w: _Window) -> _Window:
        years = (w.cum[0] - target) // (self.day_seconds * len(self.weekdays) * 40)
        return self._grow(w.first_year - 1 if w.first_year <= FIRST_YEAR else max(FIRST_YEAR, w.first_year - 1 - years))

    def _grow(self, year: int) -> _Window:
        """Extend the window to include ``year`` and return it (thread-safe)."""
        with self._lock:
            w = self._w
            first, last = min(w.first_year, year), max(w.last_year, year)
            if (first, last) != (w.first_year, w.last_year):
                if first < FIRST_YEAR or last > LAST_YEAR:
                    raise OutOfCalendarError
                a = self._anchor - w.base
                self._w = self._build(first, last, anchor_cum=w.cum[a], anchor_counted=w.counted[a])
            return self._w

    def _build(self, first: int, last: int, *, anchor_cum: int, anchor_counted: int) -> _Window:
        if not FIRST_YEAR <= first <= last <= LAST_YEAR:
            raise ValueError(f"years must lie within {FIRST_YEAR}-{LAST_YEAR}")
        source = self._year_source(first, last)
        declared_off = self.days_off | self.holidays
        off = {d.toordinal() for d in (source.days_off - self.working_days) | declared_off}
        extra = {d.toordinal() for d in (source.working_days - declared_off) | self.working_days}
        holidays = {d.toordinal() for d in (source.holidays - self.working_days) | self.holidays}
        base = date(first, 1, 1).toordinal()
        end = date(last + 1, 1, 1).toordinal()
        cum, counted = [0], [0]
        for o in range(base, end):
            # Ordinal 1 (0001-01-01) is a Monday, weekday 0.
            working = o in extra or ((o - 1) % 7 in self.weekdays and o not in off)
            cum.append(cum[-1] + (self.day_seconds if working else 0))
            counted.append(counted[-1] + (0 if o in holidays else 1))
        a = self._anchor - base
        shift_cum, shift_counted = anchor_cum - cum[a], anchor_counted - counted[a]
        return _Window(base, first, last, [c + shift_cum for c in cum], [c + shift_counted for c in counted])


def _period_tables(periods: Sequence[tuple[time, time]]) -> tuple[list[int], list[int], list[int]]:
    """Return period starts, the flat list of boundaries and the working seconds done before each period."""
    if not periods:
        raise ValueError("a schedule must have at least one working period")
    starts: list[int] = []
    bounds: list[int] = []
    done = [0]
    for start, end in periods:
        a = start.hour * 3600 + start.minute * 60 + start.second
        b = end.hour * 3600 + end.minute * 60 + end.second
        if a >= b or (bounds and a < bounds[-1]):
            raise ValueError(f"working periods must be non-empty, in order and not overlapping: {periods!r}")
        starts.append(a)
        bounds += [a, b]
        done.append(done[-1] + b - a)
    return starts, bounds, done


def _local(at: datetime) -> int:
    """Return local wall-clock seconds since the proleptic ordinal epoch (fast: no astimezone)."""
    if at.tzinfo is TZ:
        return at.toordinal() * DAY + at.hour * 3600 + at.minute * 60 + at.second
    offset = at.utcoffset()
    if offset is None:
        raise ValueError(f"a naive datetime has no time zone; pass an aware datetime, not {at!r}")
    return at.toordinal() * DAY + at.hour * 3600 + at.minute * 60 + at.second - offset // _SECOND + UTC_OFFSET


def _aware(local: int) -> datetime:
    o, s = divmod(local, DAY)
    d = date.fromordinal(o)
    return datetime(d.year, d.month, d.day, s // 3600, s // 60 % 60, s % 60, tzinfo=TZ)
