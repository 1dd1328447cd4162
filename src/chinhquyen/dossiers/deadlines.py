"""Due dates (hạn giải quyết) of a dossier and of its steps, from the working calendar (spec §4)."""

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.db import connection
from django.db.models import prefetch_related_objects
from django.utils import translation
from django.utils.translation import gettext as _

from chinhquyen.catalog.models import WORKING_HOURS_PER_DAY, Procedure, ProcessStep, ProcessTemplate, TimeUnit
from chinhquyen.catalog.models import Channel as CatalogChannel
from chinhquyen.catalog.selectors import TimeLimit, procedure_time_limit
from chinhquyen.directory.models import Agency, Role
from chinhquyen.workcal.engine import LAST_YEAR, TZ, OutOfCalendarError
from chinhquyen.workcal.selectors import (
    calendar_current,
    date_previous_working_day,
    deadline_add_working_hours,
    deadline_counting_start,
    working_hours_between,
)

from .models import Channel, Outcome

# A same-day procedure (giải quyết trong ngày) has a limit within one working day (8 h) stated in hours,
# or under a working day; the 15:00 rule applies to it. A limit of "1 working day" is not same-day: a
# dossier received on Friday at 16:30 is due on Monday at 16:30.
SAME_DAY_HOURS = Decimal(8)


# Limits counted on the calendar rather than in working time.
CALENDAR_UNITS = (TimeUnit.DAYS, TimeUnit.MONTHS)


def is_same_day(*, hours: Decimal, unit: str) -> bool:
    return hours < SAME_DAY_HOURS or (
        hours == SAME_DAY_HOURS and unit in (TimeUnit.WORKING_HOURS, TimeUnit.HOURS, TimeUnit.MINUTES)
    )


# The default flow when a procedure has no process template: shares of the time limit.
DEFAULT_FLOW = (
    (Role.SPECIALIST, Decimal("0.7")),
    (Role.LEADER, Decimal("0.2")),
    (Role.FRONT_DESK, Decimal("0.1")),
)


@dataclass(frozen=True)
class Due:
    """Where counting starts and the due instant (None when the procedure's limit is not known)."""

    start: datetime
    due_at: datetime | None
    note: str = ""


# The catalog's name for each channel of a dossier (cách thức thực hiện).
CATALOG_CHANNELS = {
    Channel.COUNTER: CatalogChannel.IN_PERSON,
    Channel.ONLINE: CatalogChannel.ONLINE,
    Channel.POSTAL: CatalogChannel.POSTAL,
}


def dossier_time_limit(*, procedure: Procedure, channel: int, applied_online: bool = False) -> TimeLimit:
    """The limit of a dossier submitted through ``channel``: the catalog's for that way of submitting, if any.

    An application made online keeps the online limit when the post collects its paper documents (its channel
    then says the papers came by post): it is the limit the applicant was shown when submitting.
    """
    way = Channel.ONLINE if applied_online else Channel(channel)
    return procedure_time_limit(procedure=procedure, channel=CATALOG_CHANNELS[way])


def dossier_due(*, limit: TimeLimit, received_at: datetime) -> Due:
    """Return the counting start and the due instant of a dossier received at ``received_at``."""
    hours, value, unit = limit.hours, limit.value, limit.unit
    if unit == TimeUnit.DAYS and value is not None and 0 < value < 1:
        hours = value * WORKING_HOURS_PER_DAY  # half a day ("0,5 ngày") is counted in working time
    elif unit in CALENDAR_UNITS and value is not None and value > 0:
        # Calendar days (ngày theo lịch) and months (tháng) count from the next working instant and never
        # end on a day off.
        start = deadline_counting_start(received_at=received_at)
        return _due_or_none(start, lambda: _calendar_due(start=start, value=value, unit=unit))
    if hours is None or hours <= 0:
        start = deadline_counting_start(received_at=received_at)
        return Due(start, None, _("The procedure has no time limit in working time: no due date is set."))
    start = deadline_counting_start(received_at=received_at, same_day=is_same_day(hours=hours, unit=unit))
    return _due_or_none(start, lambda: deadline_add_working_hours(start=start, hours=float(hours)))


def _due_or_none(start: datetime, due_at: Callable[[], datetime]) -> Due:
    """The due instant, or none when it lies past the working calendar's years: a limit saved before the
    catalog refused absurd ones ("3000000 ngày làm việc") must not stop the dossier from being received."""
    try:
        return Due(start, due_at())
    except OutOfCalendarError:
        note = _("The time limit runs past the years the working calendar covers (up to %(last)s): no due date is set.")
        return Due(start, None, note % {"last": LAST_YEAR})


# A part of a month is counted in days, thirty to the month, as the Civil Code counts a month in a period.
DAYS_PER_MONTH = 30


def _calendar_due(*, start: datetime, value: Decimal, unit: str) -> datetime:
    """``value`` months or calendar days after ``start``; a part of one is never dropped, which would shorten
    the limit: it is counted as whole days of 30 to a month (rounded up), or as working time within a day.

    The part counts from where the whole units end, even on a day off: only the due instant is moved to a
    working day (spec §4), else the move would lengthen the limit. A part of a day counts from the next
    working instant, as working time.
    """
    calendar = calendar_current()
    whole = int(value)
    part = value - whole
    if unit == TimeUnit.MONTHS:
        point = calendar.add_calendar_months(start, whole, move=False)
        days = math.ceil(part * DAYS_PER_MONTH)
        return calendar.add_calendar_days(point, days) if days else calendar.moved_to_working_day(point)
    point = calendar.add_calendar_days(start, whole, move=False)
    if not part:
        return calendar.moved_to_working_day(point)
    return calendar.add_working_hours(calendar.counting_start(point), float(part * WORKING_HOURS_PER_DAY))


@cache
def _template_steps_sql(vendor: str) -> str:
    q, step, template = connection.ops.quote_name, ProcessStep._meta, ProcessTemplate._meta
    return (
        f"SELECT s.* FROM {q(step.db_table)} s INNER JOIN {q(template.db_table)} t "  # noqa: S608 - names only
        f"ON t.{q('id')} = s.{q('template_id')} WHERE t.{q('procedure_id')} = %s ORDER BY s.{q('order')}, s.{q('id')}"
    )


@dataclass(frozen=True)
class StepPlan:
    order: int
    name: str
    agency: Agency
    role: str
    share_hours: Decimal


def steps_plan(*, procedure: Procedure, receiving_agency: Agency, total_hours: Decimal | None) -> list[StepPlan]:
    """The steps of a dossier: the procedure's template (no agency: the receiving one), or the default flow.

    The template's shares are fitted to ``total_hours``, the dossier's span in working hours (see
    :func:`_shares_scaled`): the shares' own sum is what the template was drawn for.
    """
    # One query: a procedure has at most one template, and a template without steps means the default flow.
    # Raw, as it runs on every reception: the ORM would compile it anew each time. The agencies named by
    # steps (other than the receiving one) come in one more query, only when there are some.
    rows = list(ProcessStep.objects.raw(_template_steps_sql(connection.vendor), [procedure.pk]))
    prefetch_related_objects(rows, "agency")
    if rows:
        shares = _shares_scaled([row.share_hours for row in rows], total=total_hours)
        return [
            StepPlan(
                order=index * 10,
                name=row.name,
                agency=row.agency or receiving_agency,
                role=row.role,
                share_hours=share,
            )
            for index, (row, share) in enumerate(zip(rows, shares, strict=True), start=1)
        ]
    total = total_hours or Decimal(0)
    # A step's name is a record (the control slip 06 prints it): in the site's language, not the officer's.
    with translation.override(settings.LANGUAGE_CODE):
        names = {
            Role.SPECIALIST: _("Examine and draft the result"),
            Role.LEADER: _("Approve and sign"),
            Role.FRONT_DESK: _("Return the result"),
        }
    return [
        StepPlan(
            order=index * 10,
            name=str(names[role]),
            agency=receiving_agency,
            role=role,
            share_hours=(total * share).quantize(Decimal("0.01")),
        )
        for index, (role, share) in enumerate(DEFAULT_FLOW, start=1)
    ]


def _shares_scaled(shares: list[Decimal], *, total: Decimal | None) -> list[Decimal]:
    """Fit a template's shares to the dossier's span of ``total`` working hours, every step in proportion.

    A template is drawn for one limit, but a dossier's span may be another: its channel's limit (online 20
    working days, at the counter 30), a limit changed after the template was saved, or calendar days whose
    working hours vary with the dates (Tết, weekends). Steps that did not fill the span would end before the
    dossier is due, and steps that overran it would leave the last ones no time. The last step takes the
    rounding. Shares that already add up to the span are kept as drawn; shares of zero have nothing to scale.
    """
    drawn = sum(shares, Decimal(0))
    if total is None or drawn <= 0 or drawn == total:
        return shares
    factor = total / drawn
    scaled = [(share * factor).quantize(Decimal("0.01")) for share in shares[:-1]]
    last = total.quantize(Decimal("0.01")) - sum(scaled, Decimal(0))
    return [*scaled, max(last, Decimal(0))]


def step_dues(*, start: datetime, due_at: datetime | None, shares: list[Decimal]) -> list[datetime | None]:
    """Consecutive step due instants: each step ends its share of working hours after the previous one.

    No step of a dossier with a due date ends after it, and the last step is due at the dossier's due instant
    itself: a step reaching the dossier's working position is given that instant, not an earlier one with the
    same position (17:00 Monday for 07:30 Wednesday past a holiday, 11:30 for 13:00), so that a step and its
    dossier are judged alike. Shares of zero in all keep their steps at the start.
    """
    if due_at is None:
        return [None] * len(shares)
    calendar = calendar_current()
    dues: list[datetime | None] = []
    at = start
    for share in shares:
        at = deadline_add_working_hours(start=at, hours=float(share)) if share > 0 else at
        dues.append(due_at if calendar.working_seconds_between(at, due_at) <= 0 else at)
    if dues and sum(shares, Decimal(0)) > 0:
        dues[-1] = due_at
    return dues


def steps_replanned(*, start: datetime, due_at: datetime, shares: list[Decimal]) -> list[tuple[Decimal, datetime]]:
    """Steps planned again over the span from ``start`` to ``due_at``, as at reception: each step's share fitted
    to the span in proportion (:func:`_shares_scaled`), and the consecutive due instants they give, the last at
    ``due_at`` itself (:func:`step_dues`). A span of no working time leaves every step due at ``due_at`` with no
    time of its own. Shares of zero in all have nothing to fit: the caller keeps its own rule for them."""
    seconds = working_seconds_between(start, due_at)
    if seconds <= 0:
        return [(Decimal(0), due_at) for _share in shares]
    scaled = _shares_scaled(shares, total=(Decimal(seconds) / 3600).quantize(Decimal("0.01")))
    dues = step_dues(start=start, due_at=due_at, shares=scaled)
    return [(share, due or due_at) for share, due in zip(scaled, dues, strict=True)]


def outcome_of(*, finished_at: datetime, due_at: datetime | None) -> str:
    """Early before the due day, on time on the due day up to the due instant, late after it."""
    if due_at is None:
        return Outcome.NONE
    # Due instants are whole seconds: an action within the due second (17:00:00.4) is not late.
    if finished_at.replace(microsecond=0) > due_at:
        return Outcome.LATE
    if finished_at.astimezone(TZ).date() < due_at.astimezone(TZ).date():
        return Outcome.EARLY
    return Outcome.ON_TIME


def shift_by_working_seconds(due_at: datetime | None, seconds: int) -> datetime | None:
    """Move a due instant later by ``seconds`` of working time (no working time: unchanged)."""
    if due_at is None or seconds == 0:
        return due_at
    return calendar_current().add_working_time(due_at, seconds)


def working_seconds_between(start: datetime, end: datetime) -> int:
    return calendar_current().working_seconds_between(start, end)


def due_soon(*, due_at: datetime | None, now: datetime) -> bool:
    """Due within one working day from now, and not yet overdue."""
    return due_at is not None and due_at >= now and working_hours_between(start=now, end=due_at) <= 8


def letter_send_by(*, due_at: datetime) -> date:
    """The last day a letter for a dossier due at ``due_at`` can be sent: the working day before the due
    date, so that the letter reaches the applicant at least one working day before it (chậm nhất 01 ngày
    trước ngày hết hạn). The rule is on dates: sending on the due date itself is too late at any hour."""
    return date_previous_working_day(day=due_at.astimezone(TZ).date())
