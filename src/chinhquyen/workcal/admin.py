"""Admin screens for the work schedule, date overrides, the special days of a year and the ``holidays`` package's
days as last recorded (read-only)."""

import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.admin_read_only import ReadOnlyMixin

from .models import DateOverride, HolidayPackageYear, WorkSchedule
from .selectors import calendar_special_days
from .signals import CalendarChangesCount, calendar_changes_batched, calendar_changes_counted


@admin.register(WorkSchedule)
class WorkScheduleAdmin(admin.ModelAdmin[WorkSchedule]):
    fieldsets = (
        (_("Working weekdays"), {"fields": (("monday", "tuesday", "wednesday", "thursday", "friday"),)}),
        (None, {"fields": (("saturday", "sunday"),)}),
        (_("Working hours"), {"fields": ("periods", "same_day_cutoff")}),
    )
    list_display = ("__str__", "periods", "same_day_cutoff", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not WorkSchedule.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: WorkSchedule | None = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: WorkSchedule, form: forms.ModelForm[WorkSchedule], change: bool
    ) -> None:
        # The single row always has the same key, whatever the sequence of the table says.
        obj.pk = WorkSchedule.SINGLETON_PK
        with calendar_changes_counted() as counted:
            super().save_model(request, obj, form, change)
        _retimed_tell(request, counted)  # working days or hours changed: open dossiers were re-timed


class DateOverrideForm(forms.ModelForm[DateOverride]):
    date = forms.DateField(
        label=_("date"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Enter the date as YYYY-MM-DD (e.g. 2026-08-22) or DD/MM/YYYY.")},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = DateOverride
        fields = ("date", "kind", "reason")


class YearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = DateOverride.objects.dates("date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


@admin.register(DateOverride)
class DateOverrideAdmin(admin.ModelAdmin[DateOverride]):
    form = DateOverrideForm
    list_display = ("date", "weekday", "kind", "reason", "updated_at")
    list_filter = (YearFilter, "kind")
    search_fields = ("reason",)
    change_list_template = "admin/workcal/dateoverride/change_list.html"

    def save_model(
        self, request: HttpRequest, obj: DateOverride, form: forms.ModelForm[DateOverride], change: bool
    ) -> None:
        with calendar_changes_counted() as counted:
            super().save_model(request, obj, form, change)
        _retimed_tell(request, counted)  # nothing for a new reason alone: no change announced

    def delete_model(self, request: HttpRequest, obj: DateOverride) -> None:
        with calendar_changes_counted() as counted:
            super().delete_model(request, obj)
        _retimed_tell(request, counted)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[DateOverride]) -> None:
        # "Delete selected" as one change to the calendar: each open dossier is re-timed once, and counted once.
        with calendar_changes_counted() as counted, transaction.atomic(), calendar_changes_batched():
            super().delete_queryset(request, queryset)
        _retimed_tell(request, counted)

    @admin.display(description=_("weekday"))
    def weekday(self, obj: DateOverride) -> str:
        return str(WEEKDAYS[obj.date.weekday()])

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "special-days/",
                self.admin_site.admin_view(self.special_days),
                name="workcal_dateoverride_special_days",
            )
        ]
        return extra + super().get_urls()

    def special_days(self, request: HttpRequest) -> HttpResponse:
        """List the holidays, swapped days and overrides of a year (read-only)."""
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        year_text = request.GET.get("year", "")
        year = int(year_text) if year_text.isdigit() and 1900 < int(year_text) < 2200 else timezone.localdate().year
        context = {
            **self.admin_site.each_context(request),
            "title": _("Holidays and special days of %(year)d") % {"year": year},
            "year": year,
            "previous_year": year - 1,
            "next_year": year + 1,
            "days": calendar_special_days(year=year),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/workcal/dateoverride/special_days.html", context)


@admin.register(HolidayPackageYear)
class HolidayPackageYearAdmin(ReadOnlyMixin, admin.ModelAdmin[HolidayPackageYear]):
    """The days the ``holidays`` package gave each year when ``workcal_holidays_check`` last ran: only that
    command writes them."""

    list_display = ("year", "version", "days_off_count", "working_days_count", "holidays_count", "recorded_at")
    fields = ("year", "version", "recorded_at", "days_off_list", "working_days_list", "holidays_list")

    @admin.display(description=_("days off"))
    def days_off_count(self, obj: HolidayPackageYear) -> int:
        return len(obj.days_off)

    @admin.display(description=_("working days"))
    def working_days_count(self, obj: HolidayPackageYear) -> int:
        return len(obj.working_days)

    @admin.display(description=_("public holidays"))
    def holidays_count(self, obj: HolidayPackageYear) -> int:
        return len(obj.holidays)

    @admin.display(description=_("days off"))
    def days_off_list(self, obj: HolidayPackageYear) -> str:
        return _dates_text(obj.days_off)

    @admin.display(description=_("working days"))
    def working_days_list(self, obj: HolidayPackageYear) -> str:
        return _dates_text(obj.working_days)

    @admin.display(description=_("public holidays"))
    def holidays_list(self, obj: HolidayPackageYear) -> str:
        return _dates_text(obj.holidays)


def _retimed_tell(request: HttpRequest, counted: CalendarChangesCount) -> None:
    """Say how many dossiers and steps the calendar change re-timed, when the change was announced."""
    if counted.announced:
        messages.info(request, str(counted.retimed))


def _dates_text(days: list[str]) -> str:
    return ", ".join(datetime.date.fromisoformat(d).strftime("%d/%m/%Y") for d in days)
