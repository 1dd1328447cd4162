"""Writes for the working calendar: the schedule and per-date overrides, one by one or imported."""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import WEEKDAY_FIELDS, DateOverride, OverrideKind, WorkSchedule
from .signals import calendar_changes_batched

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
