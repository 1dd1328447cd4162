"""The working calendar's signals: the cache is dropped on every change, and every change is announced.

:data:`working_calendar_changed` is sent, in the transaction of the change, with the calendar as it was
(``before``, read before the row changed), as it is now (``after``) and ``since``, the first instant whose
working time may differ: the start of the earliest date an override changed (Vietnam time), or now for a new
weekly schedule. Apps above this one (dossiers) re-time what they counted on the old calendar; this app never
imports them. Every save or delete through the ORM counts (the services, the import, the admin and its
"delete selected"); ``QuerySet.update()`` and ``bulk_create`` send no signal and are not seen. A release of the
``holidays`` package that moves a day sends it too (``services.library_days_reconcile``), with ``update``.

A receiver that re-times rows answers with a :class:`CalendarRetimed`; :func:`calendar_change_announce` sums the
answers, for the one who changed the calendar to be told (the holidays check, the admin through
:func:`calendar_changes_counted`). Other answers are ignored.
"""

import datetime
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import Signal, receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from .engine import TZ, WorkingCalendar
from .models import WEEKDAY_FIELDS, DateOverride, WorkSchedule
from .selectors import calendar_build, calendar_reset

# Sent with before, after (WorkingCalendar) and since (an aware datetime); update (HolidaysUpdate) for a release.
# A receiver may answer with a CalendarRetimed.
working_calendar_changed = Signal()


@dataclass(frozen=True)
class HolidaysUpdate:
    """What a release of the ``holidays`` package changed: the versions and each date it moved, with the package's
    name of that date now ("" for none: a day off removed, a swapped working day)."""

    version_before: str
    version_after: str
    notes: Mapping[datetime.date, str]


@dataclass(frozen=True)
class CalendarRetimed:
    """A receiver's answer to :data:`working_calendar_changed`, or their sum: the dossiers it re-timed and their
    steps whose due dates moved."""

    dossiers: int = 0
    steps: int = 0

    def __add__(self, other: "CalendarRetimed") -> "CalendarRetimed":
        return CalendarRetimed(dossiers=self.dossiers + other.dossiers, steps=self.steps + other.steps)

    def __str__(self) -> str:
        return _("Dossiers re-timed: %(dossiers)d; steps re-timed: %(steps)d.") % {
            "dossiers": self.dossiers,
            "steps": self.steps,
        }


@dataclass
class CalendarChangesCount:
    """The announcements made inside :func:`calendar_changes_counted` and what their receivers re-timed."""

    announced: int = 0
    retimed: CalendarRetimed = CalendarRetimed()


_counts: ContextVar[tuple[CalendarChangesCount, ...]] = ContextVar("workcal_change_counts", default=())


@contextmanager
def calendar_changes_counted() -> Iterator[CalendarChangesCount]:
    """Count the changes announced inside (a batch's on leaving it) and sum the receivers' answers."""
    count = CalendarChangesCount()
    token = _counts.set((*_counts.get(), count))
    try:
        yield count
    finally:
        _counts.reset(token)


def calendar_change_announce(
    *, before: WorkingCalendar, since: datetime.datetime, update: HolidaysUpdate | None = None
) -> CalendarRetimed:
    """Send :data:`working_calendar_changed` from ``before`` to the calendar now; return the receivers' answers
    summed."""
    responses = working_calendar_changed.send(
        sender=WorkingCalendar, before=before, after=calendar_build(), since=since, update=update
    )
    retimed = CalendarRetimed()
    for _receiver, answer in responses:
        if isinstance(answer, CalendarRetimed):
            retimed += answer
    for count in _counts.get():
        count.announced += 1
        count.retimed += retimed
    return retimed


_PENDING = "_calendar_change_pending"  # on the instance, from its pre_ signal to its post_ one
_SCHEDULE_FIELDS = (*WEEKDAY_FIELDS, "periods")  # the cut-off moves no due date already set


@receiver(post_save, sender=WorkSchedule, dispatch_uid="workcal_schedule_saved")
@receiver(post_delete, sender=WorkSchedule, dispatch_uid="workcal_schedule_deleted")
@receiver(post_save, sender=DateOverride, dispatch_uid="workcal_override_saved")
@receiver(post_delete, sender=DateOverride, dispatch_uid="workcal_override_deleted")
def calendar_changed(**kwargs: Any) -> None:
    # At once for this transaction's own reads, and again after commit: a calendar rebuilt between
    # the two would hold rows that other connections could not see yet.
    calendar_reset()
    transaction.on_commit(calendar_reset)


@dataclass
class _Batch:
    before: WorkingCalendar
    since: datetime.datetime | None = None


_batch: ContextVar[_Batch | None] = ContextVar("workcal_change_batch", default=None)


@contextmanager
def calendar_changes_batched() -> Iterator[None]:
    """Announce the overrides saved or deleted inside as one change, on leaving without an error.

    An import of a year's days off re-times each open dossier once, not once per line. Use it inside the
    transaction of the changes, so that the announcement (and what it re-times) commits with them.
    """
    if _batch.get() is not None:
        yield  # the outer batch announces
        return
    batch = _Batch(before=calendar_build())
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
    if batch.since is not None:
        calendar_change_announce(before=batch.before, since=batch.since)


def _pending_set(instance: Any, since: datetime.datetime) -> None:
    """Remember, before the row changes, what the announcement after it needs."""
    batch = _batch.get()
    setattr(instance, _PENDING, (None if batch is not None else calendar_build(), since))


def _pending_announce(instance: Any) -> None:
    pending = instance.__dict__.pop(_PENDING, None)
    if pending is None:
        return
    before, since = pending
    batch = _batch.get()
    if batch is not None:
        batch.since = since if batch.since is None else min(batch.since, since)
    elif before is not None:
        calendar_change_announce(before=before, since=since)


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=TZ)


def _override_date(instance: DateOverride) -> datetime.date:
    return DateOverride._meta.get_field("date").to_python(instance.date)


@receiver(pre_save, sender=DateOverride, dispatch_uid="workcal_override_saving")
def _override_saving(sender: type[DateOverride], instance: DateOverride, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    day = _override_date(instance)
    stored = None
    if instance.pk is not None:
        stored = sender._base_manager.filter(pk=instance.pk).values_list("date", "kind").first()
    if stored == (day, instance.kind):
        return  # a new reason only: the calendar stays as it is
    # A date moved to another one changes both: the working time from the earlier one on may differ.
    first = min(day, stored[0]) if stored is not None else day
    _pending_set(instance, _day_start(first))


@receiver(pre_delete, sender=DateOverride, dispatch_uid="workcal_override_deleting")
def _override_deleting(sender: type[DateOverride], instance: DateOverride, **kwargs: Any) -> None:
    _pending_set(instance, _day_start(_override_date(instance)))


@receiver(post_save, sender=DateOverride, dispatch_uid="workcal_override_announce_saved")
@receiver(post_delete, sender=DateOverride, dispatch_uid="workcal_override_announce_deleted")
def _override_changed(instance: DateOverride, **kwargs: Any) -> None:
    _pending_announce(instance)


def _schedule_values(schedule: WorkSchedule | None) -> tuple[Any, ...]:
    schedule = schedule if schedule is not None else WorkSchedule()  # no row: the default values apply
    return tuple(getattr(schedule, name) for name in _SCHEDULE_FIELDS)


@receiver(pre_save, sender=WorkSchedule, dispatch_uid="workcal_schedule_saving")
@receiver(pre_delete, sender=WorkSchedule, dispatch_uid="workcal_schedule_deleting")
def _schedule_changing(sender: type[WorkSchedule], instance: WorkSchedule, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    stored = sender._base_manager.filter(pk=instance.pk).first() if instance.pk is not None else None
    # Deleted, the row gives way to the default values.
    after = None if kwargs.get("signal") is pre_delete else instance
    if _schedule_values(stored) != _schedule_values(after):
        # New weekdays or hours count from now on: the working time already past is not counted again.
        _pending_set(instance, timezone.now())


@receiver(post_save, sender=WorkSchedule, dispatch_uid="workcal_schedule_announce_saved")
@receiver(post_delete, sender=WorkSchedule, dispatch_uid="workcal_schedule_announce_deleted")
def _schedule_changed(instance: WorkSchedule, **kwargs: Any) -> None:
    _pending_announce(instance)
