"""Parsing and checking of working periods written as ``07:30-11:30, 13:00-17:00``."""

import re
from datetime import time

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[,;\n]")
_PERIOD = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})$")  # a hyphen or an en dash


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def _show(period: tuple[time, time]) -> str:
    return f"{_hhmm(period[0])}–{_hhmm(period[1])}"


def parse_periods(text: str) -> list[tuple[time, time]]:
    """Return the periods of ``text`` or raise ValidationError saying what is wrong with each.

    Refuse a period that is malformed, empty, reversed, overlapping another or out of time order.
    """
    parts = [p.strip() for p in _SEPARATORS.split(text or "") if p.strip()]
    if not parts:
        raise ValidationError(_("Give at least one working period, e.g. 07:30-11:30, 13:00-17:00."), code="none")
    errors: list[ValidationError] = []
    periods: list[tuple[time, time]] = []
    for part in parts:
        match = _PERIOD.match(part)
        h1, m1, h2, m2 = (int(g) for g in match.groups()) if match else (99, 0, 0, 0)
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            errors.append(
                ValidationError(
                    _("Write each period as HH:MM-HH:MM between 00:00 and 23:59; “%(part)s” is not one.")
                    % {"part": part},
                    code="format",
                )
            )
            continue
        periods.append((time(h1, m1), time(h2, m2)))
    if errors:
        raise ValidationError(errors)
    for n, period in enumerate(periods, start=1):
        start, end = period
        if start == end:
            errors.append(
                ValidationError(
                    _("Period %(n)d (%(period)s) is empty: it starts and ends at the same time.")
                    % {"n": n, "period": _show(period)},
                    code="empty",
                )
            )
        elif end < start:
            errors.append(
                ValidationError(
                    _("Period %(n)d (%(period)s) ends before it starts.") % {"n": n, "period": _show(period)},
                    code="reversed",
                )
            )
    if errors:
        raise ValidationError(errors)
    for n, (previous, period) in enumerate(zip(periods, periods[1:], strict=False), start=2):
        values = {"n": n, "period": _show(period), "m": n - 1, "previous": _show(previous)}
        if period[1] <= previous[0]:
            errors.append(
                ValidationError(
                    _("Period %(n)d (%(period)s) comes before period %(m)d (%(previous)s): list periods in time order.")
                    % values,
                    code="order",
                )
            )
        elif period[0] < previous[1]:
            errors.append(
                ValidationError(
                    _("Period %(n)d (%(period)s) overlaps period %(m)d (%(previous)s).") % values, code="overlap"
                )
            )
    if errors:
        raise ValidationError(errors)
    return periods


def validate_periods(text: str) -> None:
    """Model-field validator for :func:`parse_periods`."""
    parse_periods(text)


def format_periods(periods: list[tuple[time, time]]) -> str:
    """Write periods back in the form :func:`parse_periods` reads."""
    return ", ".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in periods)
