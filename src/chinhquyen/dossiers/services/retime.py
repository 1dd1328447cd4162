"""Due dates re-timed when the working calendar changes (spec §4: limits skip the days off, swaps are often
announced mid-year).

A stored due instant was worked out on the calendar of its day. When a day off is declared later (or removed,
or a Saturday made a working day), every open dossier counting through that date would otherwise keep a due
date that gives it one working day less (or more) than its limit. ``dossiers.receivers`` calls
:func:`dossiers_retime` on ``workcal``'s announcement of every change, in the transaction of the change.

Each due instant keeps its working position: the working time left between an anchor and it stays the same on
the new calendar. The anchor is the later of ``since`` (where the calendars start to differ) and the row's own
start (the dossier's reception, the active step's start), so that what was received after a change made
retroactively, and so already counted on the new calendar, does not move. A paused dossier moves too: its
resume adds the paused working time to the due date it then has.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chinhquyen.catalog.models import Procedure, TimeUnit
from chinhquyen.core.audit import audit_actor_current
from chinhquyen.core.rows import update_statement
from chinhquyen.directory.models import User
from chinhquyen.workcal.engine import TZ, WorkingCalendar
from chinhquyen.workcal.models import DateOverride
from chinhquyen.workcal.signals import HolidaysUpdate

from ..deadlines import CALENDAR_UNITS, dossier_time_limit
from ..models import Dossier, DossierEvent, DossierStep, StepState
from ..selectors import STEP_WAITING
from ..transitions import TRANSITIONS, Transition
from .base import events_write_many
from .steps import iso

CALENDAR_RETIME = "calendar_retime"
# The table's row: the statuses re-timed (received and not finished; paused ones included), and whether the
# applicant sees it (only when the due date as shown to them moves, _event).
RETIME_ROW: Transition = next(row for row in TRANSITIONS if row.action == CALENDAR_RETIME)
_CHUNK = 500  # ids per IN list
_CAUSES_SHOWN = 3  # dates named per dossier; more are counted


@dataclass(frozen=True)
class Retimed:
    """What :func:`dossiers_retime` moved: the dossiers' ids, in order, and how many of their steps."""

    dossiers: list[int]
    steps: int


@dataclass
class _Moved:
    dossier: Dossier
    old_due: datetime | None
    steps: list[tuple[DossierStep, datetime]] = field(default_factory=list)  # (step, old due)


def dossiers_retime(
    *,
    before: WorkingCalendar,
    after: WorkingCalendar,
    since: datetime,
    by: User | None = None,
    at: datetime | None = None,
    update: HolidaysUpdate | None = None,
) -> Retimed:
    """Move the due dates of the open dossiers and of their unfinished steps from ``before`` to ``after``.

    Only those due at or after ``since`` may move. Each dossier moved gets its version bumped and one timeline row
    ``calendar_retime`` (old and new due dates, the steps moved, what changed in the calendar, with its audit
    entry), in the caller's transaction; the applicant sees it, and is told, when the due date as shown moves.
    ``by`` is who changed the calendar; None: the user of the current request or job, else nobody (the platform).
    ``update``: the change is a release of the ``holidays`` package, which the rows name with the days it moved.
    Returns the ids of the dossiers moved, in order, and the number of their steps moved.
    """
    at = at or timezone.now()
    by = by if by is not None else audit_actor_current()
    with transaction.atomic():
        # Locked in the order of their ids, as every caller locks them, and all before anything is written: the
        # first event's audit entry holds the chain head, which a transition holding a later dossier would wait
        # for (dossier first, audit head last, everywhere).
        dossiers = list(_candidates(since).select_for_update().order_by("pk"))
        if not dossiers:
            return Retimed(dossiers=[], steps=0)
        steps = _open_steps([d.pk for d in dossiers])
        limits = _LimitUnits({d.procedure_id for d in dossiers})
        moved = []
        for dossier in dossiers:
            change = _retime(
                dossier,
                steps.get(dossier.pk, []),
                before=before,
                after=after,
                since=since,
                calendar_unit=limits.calendar_unit(dossier),
            )
            if change is not None:
                moved.append(change)
        if moved:
            _save(moved)
            causes = _Causes(before=before, after=after, since=since, update=update)
            _log(moved, by=by, at=at, since=since, causes=causes)
        return Retimed(dossiers=[change.dossier.pk for change in moved], steps=sum(len(c.steps) for c in moved))


def _candidates(since: datetime) -> QuerySet[Dossier]:
    """The dossiers whose due date, or an unfinished step's, is at or after ``since``.

    Dossiers extended by an apology letter are left out: their due date is the one the letter promised the
    applicant in writing, chosen by the agency on the calendar of its day; only a new letter could change it,
    and the law allows one. A step of theirs keeps its date with them.
    """
    late_step = DossierStep.objects.filter(dossier=OuterRef("pk"), due_at__gte=since).exclude(state=StepState.DONE)
    return Dossier.objects.filter(
        Q(due_at__gte=since) | Exists(late_step),
        status__in=RETIME_ROW.sources,
        received_at__isnull=False,
        extended_at__isnull=True,
    ).only("pk", "status", "procedure_id", "channel", "submitted_at", "received_at", "due_at", "version")


def _open_steps(dossier_ids: list[int]) -> dict[int, list[DossierStep]]:
    found: dict[int, list[DossierStep]] = {}
    for n in range(0, len(dossier_ids), _CHUNK):
        steps = (
            DossierStep.objects.filter(dossier_id__in=dossier_ids[n : n + _CHUNK], due_at__isnull=False)
            .exclude(state=StepState.DONE)
            .only("pk", "dossier_id", "state", "started_at", "due_at")
            .order_by("dossier_id", "order", "pk")
        )
        for step in steps:
            found.setdefault(step.dossier_id, []).append(step)
    return found


class _LimitUnits:
    """Whether a dossier's limit is in calendar days or months: the procedures read in one query, each answer once."""

    def __init__(self, procedure_ids: set[int]) -> None:
        self._procedures: dict[int, Procedure] = Procedure.objects.in_bulk(procedure_ids)
        self._units: dict[tuple[int, int, bool], str | None] = {}

    def calendar_unit(self, dossier: Dossier) -> str | None:
        """The unit of the dossier's limit when it is counted on the calendar (days, months), else None."""
        key = (dossier.procedure_id, dossier.channel, dossier.submitted_at is not None)
        if key not in self._units:
            procedure = self._procedures[dossier.procedure_id]
            limit = dossier_time_limit(procedure=procedure, channel=key[1], applied_online=key[2])
            value = limit.value
            # As deadlines.dossier_due counts them: under a day is working time.
            on_calendar = (
                limit.unit in CALENDAR_UNITS
                and value is not None
                and value > 0
                and not (limit.unit == TimeUnit.DAYS and value < 1)
            )
            self._units[key] = limit.unit if on_calendar else None
        return self._units[key]


def _retime(
    dossier: Dossier,
    steps: list[DossierStep],
    *,
    before: WorkingCalendar,
    after: WorkingCalendar,
    since: datetime,
    calendar_unit: str | None,
) -> _Moved | None:
    old_due = dossier.due_at
    received = dossier.received_at
    assert received is not None  # noqa: S101 - the candidates are received
    new_due = old_due
    if old_due is not None:
        if calendar_unit == TimeUnit.DAYS:
            new_due = _calendar_days_moved(old_due, received, before=before, after=after)
        elif calendar_unit is not None:
            new_due = _off_day_skipped(old_due, after)
        else:
            new_due = _moved(old_due, max(since, received), before=before, after=after)
    change = _Moved(dossier, old_due)
    for step in steps:
        old = step.due_at
        assert old is not None  # noqa: S101 - read with one
        if old == old_due and new_due is not None:
            new = new_due  # the last step ends with the dossier (deadlines.step_dues)
        else:
            start = step.started_at if step.state == StepState.ACTIVE and step.started_at else received
            new = _moved(old, max(since, start), before=before, after=after)
            if old_due is not None and new_due is not None and old <= old_due:
                new = min(new, new_due)  # no step ends after its dossier
        if new != old:
            step.due_at = new
            change.steps.append((step, old))
    if new_due == old_due and not change.steps:
        return None
    dossier.due_at = new_due
    return change


def _moved(due: datetime, anchor: datetime, *, before: WorkingCalendar, after: WorkingCalendar) -> datetime:
    """``due`` with the working time left from ``anchor`` on ``before`` kept on ``after``.

    Left as it is when that time is the same on both (no instant of the same position is preferred to it) or
    when it is due before the anchor. New hours of another length keep the working days left, not the hours.
    """
    left = before.working_seconds_between(anchor, due)
    if left <= 0:
        return due
    if after.day_seconds != before.day_seconds:
        left = round(left * after.day_seconds / before.day_seconds)
    if after.working_seconds_between(anchor, due) == left:
        return due
    return after.add_working_time(anchor, left)


def _calendar_days_moved(
    due: datetime, received: datetime, *, before: WorkingCalendar, after: WorkingCalendar
) -> datetime:
    """``due`` with the calendar days counted to it on ``before`` counted again on ``after``: a limit in calendar
    days does not count the public holidays (spec §4), so one declared inside it adds a day, one removed takes it
    back, as a reception on ``after`` counts them. The days counted are those after the day the limit counts
    from, up to the due date; the due instant keeps its time of day and never falls on a day off.

    A due date moved off a day off (a Saturday to the Monday) counts that day off too: a holiday declared before it
    then gives the applicant the Tuesday, a day more than the limit asks, never a day less.
    """
    local = due.astimezone(TZ)
    first_before, first_after = (
        calendar.counting_start(received).astimezone(TZ).date() + timedelta(days=1) for calendar in (before, after)
    )
    counted = before.calendar_days_counted(first_before, local.date())
    if counted <= 0 or (
        first_after == first_before and after.calendar_days_counted(first_after, local.date()) == counted
    ):
        return _off_day_skipped(due, after)
    start = datetime.combine(first_after - timedelta(days=1), local.time(), tzinfo=TZ)
    return after.add_calendar_days(start, counted)


def _off_day_skipped(due: datetime, after: WorkingCalendar) -> datetime:
    """A limit in months counts every day, holidays too: only a due date now on a day off moves, to the next
    working day (at the same time within working hours, else at opening). A day off removed does not bring a
    date moved off it back: the first date is not kept."""
    return after.moved_to_working_day(due)


def _save(moved: list[_Moved]) -> None:
    """UPDATE the steps and the dossiers, one statement each sent in a batch (``bulk_update``'s CASE per row costs
    more than the round trips it saves)."""
    for change in moved:
        change.dossier.version += 1
    _rows_update([step for change in moved for step, _old in change.steps], ("due_at",))
    _rows_update([change.dossier for change in moved], ("due_at", "version", "updated_at"))


def _rows_update(objs: Sequence[Model], names: tuple[str, ...]) -> None:
    if not objs:
        return
    connection = transaction.get_connection()
    statements = [update_statement(obj, names, connection) for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(statements[0][0], [params for _sql, params in statements])


def _log(moved: list[_Moved], *, by: User | None, at: datetime, since: datetime, causes: "_Causes") -> None:
    """One timeline row per dossier and its audit entry, as ``base.event_write`` writes them, the rows in one
    statement."""
    events_write_many([_event(change, by=by, at=at, since=since, causes=causes) for change in moved], by=by)


def _event(change: _Moved, *, by: User | None, at: datetime, since: datetime, causes: "_Causes") -> DossierEvent:
    dossier = change.dossier
    values = {"date": since.astimezone(TZ).strftime("%d/%m/%Y"), "old": _shown(change.old_due)}
    update = causes.update
    # The applicant was given the due date to the minute (receipt 01, the portal): a move within it, or of the
    # steps only, is not theirs to hear of.
    shown_moved = _shown(dossier.due_at) != _shown(change.old_due)
    with translation.override(settings.LANGUAGE_CODE):  # a record, as the steps' names are
        if update is not None:
            values["version"] = update.version_after
            reason = (
                _(
                    "The public-holiday calendar was updated (holidays %(version)s) from %(date)s: the due date "
                    "moves from %(old)s to %(new)s."
                )
                if dossier.due_at != change.old_due
                else _(
                    "The public-holiday calendar was updated (holidays %(version)s) from %(date)s: the due dates "
                    "of the open steps move."
                )
            ) % {**values, "new": _shown(dossier.due_at)}
        elif dossier.due_at != change.old_due:
            reason = _("A change to the working calendar from %(date)s moves the due date from %(old)s to %(new)s.") % {
                **values,
                "new": _shown(dossier.due_at),
            }
        else:
            reason = _("A change to the working calendar from %(date)s moves the due dates of the open steps.") % values
    data = {
        "since": iso(since),
        "old_due_at": iso(change.old_due),
        "new_due_at": iso(dossier.due_at),
        "steps": _steps_data(change.steps),
        "causes": causes.until(max(d for d in (change.old_due, dossier.due_at, since) if d is not None)),
    }
    if update is not None:
        data["holidays_version"] = update.version_after
    return DossierEvent(
        dossier=dossier,
        at=at,
        actor=by,
        action=CALENDAR_RETIME,
        from_status=dossier.status,
        to_status=dossier.status,
        reason=reason,
        data=data,
        # While the clock waits on the applicant their page shows no due date (the wait moves it): a row saying
        # "moves the due date from X to Y" would contradict it. The resume tells the date, this change included.
        internal=RETIME_ROW.internal or not shown_moved or dossier.status in STEP_WAITING,
    )


def _steps_data(steps: Iterable[tuple[DossierStep, datetime]]) -> list[dict[str, Any]]:
    return [{"step": step.pk, "old_due_at": iso(old), "new_due_at": iso(step.due_at)} for step, old in steps]


def _shown(at: datetime | None) -> str:
    return due_shown_text(at) or "—"


def due_shown_text(at: datetime | str | None) -> str:
    """A due date as the applicant is shown it (receipt 01, the portal): dd/mm/yyyy HH:MM in Vietnam time; "" for
    none. An ISO string from an event's data is accepted."""
    if isinstance(at, str):
        at = datetime.fromisoformat(at) if at else None
    return at.astimezone(TZ).strftime("%d/%m/%Y %H:%M") if at is not None else ""


class _Causes:
    """What the change did to the calendar from ``since``, stored on each row (``data["causes"]``) so that the
    applicant can be told why: the dates that became a day off or a working day, with the override's note (the
    day's name, the decision) or the name a release of the ``holidays`` package gives the day, and new working
    weekdays or hours. The notes are read in one query, once."""

    def __init__(
        self, *, before: WorkingCalendar, after: WorkingCalendar, since: datetime, update: HolidaysUpdate | None = None
    ) -> None:
        first = since.astimezone(TZ).date()
        changed = (
            (before.days_off ^ after.days_off)
            | (before.holidays ^ after.holidays)
            | (before.working_days ^ after.working_days)
        )
        package = update.notes if update is not None else {}
        # A day the package moved counts only where the calendar changed: an override may have decided it already.
        changed |= {
            d
            for d in package
            if (before.is_working_day(d), before.is_holiday(d)) != (after.is_working_day(d), after.is_holiday(d))
        }
        self._dates = sorted(d for d in changed if d >= first)
        self._after = after
        self.update = update
        self._notes: dict[date, str] = {
            **package,
            **dict(DateOverride.objects.filter(date__in=self._dates).values_list("date", "reason")),
        }
        self._schedule: list[dict[str, Any]] = []
        if before.weekdays != after.weekdays:
            self._schedule.append({"what": "weekdays"})
        if before.periods != after.periods:
            self._schedule.append({"what": "hours"})

    def until(self, last: datetime) -> list[dict[str, Any]]:
        """The causes up to ``last`` (the later of a dossier's old and new due dates): those that can move it."""
        end = last.astimezone(TZ).date()
        dates = [d for d in self._dates if d <= end] or self._dates
        causes: list[dict[str, Any]] = [
            {
                "what": "working_day" if self._after.is_working_day(d) else "day_off",
                "date": d.isoformat(),
                "note": self._notes.get(d, ""),
            }
            for d in dates[:_CAUSES_SHOWN]
        ]
        if len(dates) > _CAUSES_SHOWN:
            causes.append({"what": "more", "count": len(dates) - _CAUSES_SHOWN})
        return causes + self._schedule


def retime_causes_text(causes: Iterable[Mapping[str, Any]]) -> str:
    """The causes of a re-timing (``data["causes"]``) in words, in the active language."""
    parts = []
    for cause in causes:
        what = cause.get("what")
        values: dict[str, Any] = {"note": cause.get("note") or ""}
        if cause.get("date"):
            values["date"] = date.fromisoformat(cause["date"]).strftime("%d/%m/%Y")
        if what == "day_off":
            part = _("%(date)s is a day off (%(note)s)") if values["note"] else _("%(date)s is a day off")
        elif what == "working_day":
            part = _("%(date)s is a working day (%(note)s)") if values["note"] else _("%(date)s is a working day")
        elif what == "more":
            count = int(cause.get("count") or 0)
            part = ngettext("%(count)d more date changed", "%(count)d more dates changed", count)
            values = {"count": count}
        elif what == "weekdays":
            part = _("the working weekdays changed")
        elif what == "hours":
            part = _("the working hours changed")
        else:
            continue
        parts.append(part % values)
    return "; ".join(parts)


def retime_line(data: Mapping[str, Any]) -> tuple[str, str]:
    """A re-timing row of the applicant's timeline in the active language: "Due date moved from X to Y", and why."""
    words = _("Due date moved from %(old)s to %(new)s") % {
        "old": due_shown_text(data.get("old_due_at")) or "—",
        "new": due_shown_text(data.get("new_due_at")) or "—",
    }
    return words, retime_causes_text(data.get("causes") or [])
