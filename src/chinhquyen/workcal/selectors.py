"""Reads for the working calendar: the current calendar and the deadline helpers other apps call.

The calendar is built once per process and cached. A save or delete of the schedule or of an override
in this process drops it at once (signals); other processes notice within ``RECHECK_SECONDS``, when the
rows it was built from (two small queries) no longer match.
"""

import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as time_of_day

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from .clock import DeadlineClock
from .engine import WorkingCalendar, YearSource
from .holidays_vn import vn_holiday_names, vn_public_holidays, vn_swapped_working_days, vn_year_days
from .models import DateOverride, OverrideKind, WorkSchedule
from .validators import parse_periods

RECHECK_SECONDS = 60.0


@dataclass(frozen=True)
class _Inputs:
    """Everything the calendar is built from, to tell whether the database has changed."""

    weekdays: tuple[int, ...]
    periods: str
    same_day_cutoff: time_of_day
    overrides: tuple[tuple[date, str], ...]


@dataclass(frozen=True)
class _Cached:
    calendar: WorkingCalendar
    inputs: _Inputs
    checked_at: float


_cache: _Cached | None = None
_generation = 0  # bumped by every reset, so a build that raced a reset is not kept
_lock = threading.Lock()


def work_schedule_current() -> WorkSchedule:
    """Return the saved schedule, or an unsaved one with the default values (reads never write)."""
    return WorkSchedule.objects.filter(pk=WorkSchedule.SINGLETON_PK).first() or WorkSchedule()


def calendar_current() -> WorkingCalendar:
    """Return the working calendar built from the schedule, the holidays and the date overrides."""
    global _cache
    cached = _cache
    now = time.monotonic()
    if cached is not None and now - cached.checked_at < RECHECK_SECONDS:
        return cached.calendar
    with _lock:
        generation = _generation
        inputs = _inputs()
        cached = _cache
        calendar = cached.calendar if cached is not None and cached.inputs == inputs else _calendar_build(inputs)
        if generation == _generation:
            _cache = _Cached(calendar, inputs, now)
        return calendar


def calendar_build(*, year_source: YearSource | None = None) -> WorkingCalendar:
    """Return a calendar built from the rows as this transaction sees them now, bypassing the cache (e.g. the
    calendar as it was, read just before a change to it); ``year_source`` replaces the ``holidays`` package's
    days (e.g. those an earlier release gave)."""
    return _calendar_build(_inputs(), year_source=year_source)


def calendar_reset() -> None:
    """Drop the cached calendar so that the next call rebuilds it."""
    global _cache, _generation
    _generation += 1
    _cache = None


def _inputs() -> _Inputs:
    schedule = work_schedule_current()
    return _Inputs(
        weekdays=tuple(schedule.weekday_numbers()),
        periods=schedule.periods,
        same_day_cutoff=schedule.same_day_cutoff,
        overrides=tuple(DateOverride.objects.order_by("date").values_list("date", "kind")),
    )


def _calendar_build(inputs: _Inputs, *, year_source: YearSource | None = None) -> WorkingCalendar:
    return WorkingCalendar(
        weekdays=inputs.weekdays,
        periods=parse_periods(inputs.periods),
        days_off={d for d, kind in inputs.overrides if kind == OverrideKind.DAY_OFF},
        holidays={d for d, kind in inputs.overrides if kind == OverrideKind.HOLIDAY},
        working_days={d for d, kind in inputs.overrides if kind == OverrideKind.WORKING_DAY},
        year_source=year_source or vn_year_days,
        same_day_cutoff=inputs.same_day_cutoff,
    )


# --- Deadline helpers (typed, keyword-only) ---------------------------------------------------


def deadline_counting_start(*, received_at: datetime, same_day: bool = False) -> datetime:
    """Return the instant a time limit counts from for a dossier received at ``received_at``."""
    return calendar_current().counting_start(received_at, same_day=same_day)


def deadline_add_working_days(*, start: datetime, days: float) -> datetime:
    """Return the due instant ``days`` working days (ngày làm việc, 8 h each) after ``start``."""
    return calendar_current().add_working_days(start, days)


def deadline_add_working_hours(*, start: datetime, hours: float) -> datetime:
    """Return the due instant ``hours`` working hours (giờ làm việc) after ``start``."""
    return calendar_current().add_working_hours(start, hours)


def deadline_add_calendar_days(*, start: datetime, days: int) -> datetime:
    """Return the due instant of a limit in calendar days (ngày theo lịch), never on a day off."""
    return calendar_current().add_calendar_days(start, days)


def deadline_add_calendar_months(*, start: datetime, months: int) -> datetime:
    """Return the due instant of a limit in calendar months (tháng), never on a day off."""
    return calendar_current().add_calendar_months(start, months)


def working_hours_between(*, start: datetime, end: datetime) -> float:
    """Return the working hours from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    return calendar_current().working_seconds_between(start, end) / 3600


def deadline_resume(*, clock: DeadlineClock, at: datetime) -> DeadlineClock:
    """Resume a paused clock: the due instant moves by the working time it was paused."""
    return clock.resume(at, calendar=calendar_current())


def date_is_working_day(*, day: date) -> bool:
    return calendar_current().is_working_day(day)


def date_previous_working_day(*, day: date) -> date:
    """Return the last working day before ``day``."""
    return calendar_current().previous_working_day(day)


def instant_is_working_time(*, at: datetime) -> bool:
    """Return whether ``at`` falls within the working hours of a working day (a period's ends included)."""
    return calendar_current().is_working_instant(at)


# --- What a date would be without an override -------------------------------------------------


@dataclass(frozen=True)
class DayStatus:
    is_working: bool
    reason: str
    is_holiday: bool = False  # a public holiday, which limits in calendar days do not count


def date_default_status(*, day: date) -> DayStatus:
    """Say whether ``day`` is a working day without any date override, and why."""
    schedule = work_schedule_current()
    values = {"date": day.isoformat(), "weekday": WEEKDAYS[day.weekday()]}
    if day in vn_swapped_working_days(day.year):
        return DayStatus(True, _("%(date)s is already a working day: the government swapped it in.") % values)
    name = vn_holiday_names(day.year).get(day)
    if name is not None:
        message = _("%(date)s is already a day off: %(name)s.") % {**values, "name": name}
        return DayStatus(False, message, is_holiday=day in vn_public_holidays(day.year))
    if day.weekday() in schedule.weekday_numbers():
        return DayStatus(True, _("%(date)s is already a working day: %(weekday)s is a working weekday.") % values)
    return DayStatus(False, _("%(date)s is already a day off: %(weekday)s is not a working weekday.") % values)


@dataclass(frozen=True)
class SpecialDay:
    """A date of a year that differs from the weekly pattern, and where that comes from."""

    day: date
    is_working: bool
    source: str
    name: str


def calendar_special_days(*, year: int) -> list[SpecialDay]:
    """Return the holidays, swapped days and overrides of ``year``, in date order (overrides win)."""
    days: dict[date, SpecialDay] = {}
    holidays = vn_public_holidays(year)
    for day, name in vn_holiday_names(year).items():
        # Only public holidays are skipped by limits in calendar days: say which days off are not one.
        source = _("Public holiday") if day in holidays else _("Compensatory or swapped day off")
        days[day] = SpecialDay(day, False, str(source), name)
    for day in vn_swapped_working_days(year):
        days[day] = SpecialDay(day, True, str(_("Swapped working day")), "")
    for override in DateOverride.objects.filter(date__year=year):
        is_working = override.kind == OverrideKind.WORKING_DAY
        source = _("Date override")
        if override.kind == OverrideKind.HOLIDAY:
            source = _("Date override: public holiday")
        days[override.date] = SpecialDay(override.date, is_working, str(source), override.reason)
    return [days[d] for d in sorted(days)]
