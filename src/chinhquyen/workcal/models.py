"""The province's working week and hours (lịch làm việc) and per-date overrides (ngày nghỉ, ngày làm bù)."""

from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .engine import FIRST_YEAR, LAST_YEAR, YearDays
from .validators import parse_periods, validate_periods

DEFAULT_PERIODS = "07:30-11:30, 13:00-17:00"
WEEKDAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class WorkSchedule(models.Model):
    """The province's working weekdays and daily working periods: a single row (``pk`` = 1)."""

    SINGLETON_PK = 1

    monday = models.BooleanField(_("Monday"), default=True)
    tuesday = models.BooleanField(_("Tuesday"), default=True)
    wednesday = models.BooleanField(_("Wednesday"), default=True)
    thursday = models.BooleanField(_("Thursday"), default=True)
    friday = models.BooleanField(_("Friday"), default=True)
    saturday = models.BooleanField(_("Saturday"), default=False)
    sunday = models.BooleanField(_("Sunday"), default=False)
    periods = models.CharField(
        _("working periods"),
        max_length=200,
        default=DEFAULT_PERIODS,
        validators=[validate_periods],
        help_text=_("Periods of a working day in time order, as HH:MM-HH:MM separated by commas."),
    )
    same_day_cutoff = models.TimeField(
        _("same-day cut-off"),
        default=time(15, 0),
        help_text=_("Dossiers of same-day procedures received later than this count from the next working day."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("work schedule")
        verbose_name_plural = _("work schedule")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="workcal_workschedule_singleton")]

    def __str__(self) -> str:
        return str(_("Work schedule"))

    def clean(self) -> None:
        if not self.weekday_numbers():
            raise ValidationError(_("Choose at least one working weekday."), code="no_weekday")

    def weekday_numbers(self) -> list[int]:
        """Return the working weekdays as numbers, 0 being Monday."""
        return [n for n, name in enumerate(WEEKDAY_FIELDS) if getattr(self, name)]

    def period_list(self) -> list[tuple[time, time]]:
        return parse_periods(self.periods)


class OverrideKind(models.TextChoices):
    """What an override makes of a date: a public holiday is also skipped by limits in calendar days."""

    DAY_OFF = "day_off", _("Day off")
    HOLIDAY = "holiday", _("Public holiday")
    WORKING_DAY = "working_day", _("Working day")


class DateOverride(models.Model):
    """A date the province declares a day off or a working day, against the usual calendar."""

    date = models.DateField(
        _("date"),
        unique=True,
        error_messages={
            "invalid": _("Enter the date as YYYY-MM-DD, e.g. 2026-08-22."),
            "unique": _("This date already has an override: change that one instead."),
        },
    )
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=OverrideKind.choices,
        help_text=_(
            "A public holiday is not counted by time limits in calendar days; another day off (swapped, "
            "compensatory) is. Neither is a working day."
        ),
    )
    reason = models.CharField(_("reason"), max_length=255, help_text=_("E.g. the decision that sets this day."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("date override")
        verbose_name_plural = _("date overrides")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} · {self.get_kind_display()}"

    def clean(self) -> None:
        from .selectors import date_default_status

        if self.date is None:
            return
        if not FIRST_YEAR <= self.date.year <= LAST_YEAR:
            raise ValidationError(
                {
                    "date": ValidationError(
                        _("The working calendar covers the years %(first)d to %(last)d.")
                        % {"first": FIRST_YEAR, "last": LAST_YEAR},
                        code="out_of_range",
                    )
                }
            )
        if self.kind not in OverrideKind.values:
            return
        status = date_default_status(day=self.date)
        if self.kind == OverrideKind.WORKING_DAY and status.is_working:
            raise ValidationError({"kind": ValidationError(status.reason, code="already_working")})
        # A weekend or a compensatory day off may still become a public holiday: limits in calendar days
        # count it until then.
        already_off = status.is_holiday if self.kind == OverrideKind.HOLIDAY else not status.is_working
        if self.kind != OverrideKind.WORKING_DAY and already_off:
            raise ValidationError({"kind": ValidationError(status.reason, code="already_off")})


class HolidayPackageYear(models.Model):
    """The days the ``holidays`` package gave for a year when the calendar last used them, as ISO dates: a release
    that moves one re-times the open dossiers (``services.library_days_reconcile``)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    version = models.CharField(_("package version"), max_length=32)
    days_off = models.JSONField(_("days off"), default=list)
    working_days = models.JSONField(_("working days"), default=list)
    holidays = models.JSONField(_("public holidays"), default=list)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("holidays package year")
        verbose_name_plural = _("holidays package years")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} · holidays {self.version}"

    def year_days(self) -> YearDays:
        days_off, working_days, holidays = (
            frozenset(map(date.fromisoformat, days)) for days in (self.days_off, self.working_days, self.holidays)
        )
        return YearDays(days_off, working_days, holidays)

    def year_days_set(self, days: YearDays) -> None:
        self.days_off, self.working_days, self.holidays = (sorted(d.isoformat() for d in part) for part in days)
