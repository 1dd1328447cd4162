"""Writes for the working calendar: the schedule and per-date overrides, one by one or imported, and the record of
the ``holidays`` package's days."""

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.audit import audit_record

from . import holidays_vn
from .engine import FIRST_YEAR, LAST_YEAR, TZ, YearDays, YearSource
from .holidays_vn import vn_holiday_names, vn_year_days
from .models import WEEKDAY_FIELDS, DateOverride, HolidayPackageYear, OverrideKind, WorkSchedule
from .selectors import calendar_build
from .signals import CalendarRetimed, HolidaysUpdate, calendar_change_announce, calendar_changes_batched

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def work_schedule_get() -> WorkSchedule:
    """Return the schedule, creating it with the default values the first time."""
    schedule, _created = WorkSchedule.objects.get_or_create(pk=WorkSchedule.SINGLETON_PK)
    return schedule


@transaction.atomic
def work_schedule_update(
    *,
    weekdays: Iterable[int] | None = None,
    periods: str | None = None,
    same_day_cutoff: datetime.time | None = None,
) -> WorkSchedule:
    """Change the working weekdays (0 = Monday), periods or same-day cut-off; omitted values stay."""
    schedule = work_schedule_get()
    if weekdays is not None:
        chosen = set(weekdays)
        for number, name in enumerate(WEEKDAY_FIELDS):
            setattr(schedule, name, number in chosen)
    if periods is not None:
        schedule.periods = periods
    if same_day_cutoff is not None:
        schedule.same_day_cutoff = same_day_cutoff
    schedule.full_clean()
    schedule.save()
    return schedule


@transaction.atomic
def date_override_add(*, date: datetime.date, kind: OverrideKind | str, reason: str) -> DateOverride:
    """Declare ``date`` an extra day off or a working day (e.g. a make-up Saturday, ngày làm bù)."""
    override = DateOverride(date=date, kind=kind, reason=reason.strip())
    override.full_clean()
    override.save()
    return override


@dataclass(frozen=True)
class LineError:
    line: int
    reason: str

    def __str__(self) -> str:
        return str(_("Line %(line)d: %(reason)s") % {"line": self.line, "reason": self.reason})


@dataclass
class OverrideImportResult:
    created: list[DateOverride] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)


def date_overrides_import(*, text: str) -> OverrideImportResult:
    """Add overrides from lines ``YYYY-MM-DD,day_off|holiday|working_day,reason``; refuse all if one line is bad.

    Blank lines and lines starting with ``#`` are skipped. The reason may itself contain commas.
    """
    result = OverrideImportResult()
    pending: list[DateOverride] = []
    seen: dict[datetime.date, int] = {}
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        override, reason = _parse_line(line)
        if override is not None:
            reason = _refusal(override, first_line=seen.setdefault(override.date, number), line=number)
        if override is None or reason is not None:
            result.errors.append(LineError(number, reason or ""))
        else:
            pending.append(override)
    if result.errors:
        return result
    # One announcement of the change for the whole file: each open dossier is re-timed once.
    with transaction.atomic(), calendar_changes_batched():
        for override in pending:
            override.save()
    result.created = pending
    return result


def _refusal(override: DateOverride, *, first_line: int, line: int) -> str | None:
    """Return why ``override`` cannot be saved, or None."""
    if first_line != line:
        return str(
            _("the date %(date)s is already on line %(other)d.")
            % {"date": override.date.isoformat(), "other": first_line}
        )
    try:
        override.full_clean()
    except ValidationError as exc:
        return " ".join(str(m) for messages in exc.message_dict.values() for m in messages)
    return None


def _parse_line(line: str) -> tuple[DateOverride | None, str | None]:
    """Return an unsaved override for ``line``, or None and the reason the line is refused."""
    parts = [p.strip() for p in line.split(",", 2)]
    if len(parts) < 3 or not parts[2]:
        return None, str(_("write date, kind and reason separated by commas."))
    text_date, kind, reason = parts
    try:
        if not _ISO_DATE.match(text_date):
            raise ValueError(text_date)
        day = datetime.date.fromisoformat(text_date)
    except ValueError:
        return None, str(_("“%(value)s” is not a date in the form YYYY-MM-DD.") % {"value": text_date})
    if kind not in OverrideKind.values:
        return None, str(
            _("“%(value)s” is not a kind of override; use day_off, holiday or working_day.") % {"value": kind}
        )
    return DateOverride(date=day, kind=kind, reason=reason), None


# --- The holidays package's days, as the calendar last used them -------------------------------

# The years recorded: from last year (a dossier received then may still be open, and a date corrected there moves
# what counts through it) to five years ahead (the catalog refuses limits over 5 years: work received now is due
# by then, pauses aside).
YEARS_BACK, YEARS_AHEAD = 1, 5
YEAR_DAYS_KINDS = ("days_off", "working_days", "holidays")  # the fields of YearDays


@dataclass(frozen=True)
class HolidaysCheck:
    """What :func:`library_days_reconcile` found: the years it looks at, those recorded for the first time, and the
    dates the package moved since the last run, by kind (``YEAR_DAYS_KINDS``); ``since`` is None when none moved.
    ``retimed``: what the announcement's receivers re-timed (the open dossiers and their steps)."""

    version: str
    years: tuple[int, int]
    recorded: list[int]
    version_before: str = ""
    since: datetime.datetime | None = None
    added: dict[str, list[datetime.date]] = field(default_factory=dict)
    removed: dict[str, list[datetime.date]] = field(default_factory=dict)
    retimed: CalendarRetimed = CalendarRetimed()


def library_days_reconcile(*, today: datetime.date | None = None) -> HolidaysCheck:
    """Compare the days off, swapped working days and public holidays the ``holidays`` package gives now with those
    the calendar last used; when a release moved some, announce the change (``working_calendar_changed`` with the
    recorded days as ``before``: the open dossiers are re-timed), record the new days and write an audit entry, in
    one transaction.

    The years from last year to five years ahead of ``today`` (default: today in Vietnam) are looked at; one not
    recorded yet is recorded and announces nothing (the first run records only). A second run changes nothing.
    """
    today = today or timezone.now().astimezone(TZ).date()
    first, last = max(FIRST_YEAR, today.year - YEARS_BACK), min(LAST_YEAR, today.year + YEARS_AHEAD)
    version = holidays_vn.vn_package_version()  # read where tests replace it
    days = vn_year_days(first, last)
    current = {year: _of_year(days, year) for year in range(first, last + 1)}
    with transaction.atomic():
        rows = {
            row.year: row for row in HolidayPackageYear.objects.select_for_update().filter(year__range=(first, last))
        }
        recorded = {year: row.year_days() for year, row in rows.items()}
        changed = [year for year in sorted(rows) if recorded[year] != current[year]]
        check = HolidaysCheck(version=version, years=(first, last), recorded=[y for y in current if y not in rows])
        if changed:
            check = _changes_announce(check, recorded=recorded, current=current, rows=rows, changed=changed)
        for year in check.recorded:
            row = HolidayPackageYear(year=year, version=version)
            row.year_days_set(current[year])
            row.save()
        for year, row in rows.items():
            if year not in changed and row.version == version:
                continue
            row.version = version
            row.year_days_set(current[year])
            row.save()
        if changed:
            # Last: the re-timed dossiers were locked before the audit chain's head, as in every transition.
            audit_record(
                actor=None, action="workcal.holidays_update", target="workcal:holidays", data=_audit_data(check)
            )
    return check


def _changes_announce(
    check: HolidaysCheck,
    *,
    recorded: Mapping[int, YearDays],
    current: Mapping[int, YearDays],
    rows: Mapping[int, HolidayPackageYear],
    changed: list[int],
) -> HolidaysCheck:
    added, removed = (
        {
            kind: sorted(d for year in changed for d in new[year][i] - old[year][i])
            for i, kind in enumerate(YEAR_DAYS_KINDS)
        }
        for new, old in ((current, recorded), (recorded, current))
    )
    moved = sorted({d for dates in (*added.values(), *removed.values()) for d in dates})
    since = datetime.datetime.combine(moved[0], datetime.time(0), tzinfo=TZ)
    version_before = ", ".join(sorted({rows[year].version for year in changed}))
    names = {year: vn_holiday_names(year) for year in changed}
    update = HolidaysUpdate(
        version_before=version_before,
        version_after=check.version,
        notes={d: names[d.year].get(d, "") for d in moved},
    )
    before = calendar_build(year_source=_recorded_source(recorded))
    retimed = calendar_change_announce(before=before, since=since, update=update)
    return replace(check, version_before=version_before, since=since, added=added, removed=removed, retimed=retimed)


def _of_year(days: YearDays, year: int) -> YearDays:
    days_off, working_days, holidays = (frozenset(d for d in part if d.year == year) for part in days)
    return YearDays(days_off, working_days, holidays)


def _recorded_source(recorded: Mapping[int, YearDays]) -> YearSource:
    """The package's days with those of the recorded years as they were recorded."""

    def source(first_year: int, last_year: int) -> YearDays:
        now = vn_year_days(first_year, last_year)
        years = [recorded[y] for y in range(first_year, last_year + 1) if y in recorded]
        days_off, working_days, holidays = (
            frozenset(d for d in part if d.year not in recorded).union(*(days[i] for days in years))
            for i, part in enumerate(now)
        )
        return YearDays(days_off, working_days, holidays)

    return source


def _audit_data(check: HolidaysCheck) -> dict[str, object]:
    def iso(dates: dict[str, list[datetime.date]]) -> dict[str, list[str]]:
        return {kind: [d.isoformat() for d in dates[kind]] for kind in YEAR_DAYS_KINDS}

    return {
        "version_before": check.version_before,
        "version_after": check.version,
        "since": check.since.isoformat() if check.since else None,
        "added": iso(check.added),
        "removed": iso(check.removed),
        # As the command prints them: the open dossiers the release re-timed and their steps whose due dates moved.
        "retimed": {"dossiers": check.retimed.dossiers, "steps": check.retimed.steps},
    }
