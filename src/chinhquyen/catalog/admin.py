"""Admin screens for the catalog: fields, procedures with their parts, process templates; import and export."""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .admin_import import export_response, import_view
from .models import (
    Fee,
    Field,
    LegalBasis,
    Procedure,
    ProcedureChannel,
    ProcedureResult,
    ProcessStep,
    ProcessTemplate,
    RequiredDocument,
    search_words,
)
from .services import field_save, procedure_save, process_steps_check, process_sum_problem
from .services.procedures import process_all_zero_problem


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")

    def save_model(self, request: HttpRequest, obj: Field, form: forms.ModelForm, change: bool) -> None:
        field_save(field=obj)


class _ChildInline(admin.TabularInline):
    """Children keep a position; rows added here go after the existing ones."""

    extra = 0
    exclude = ("position",)


class RequiredDocumentInline(_ChildInline):
    model = RequiredDocument
    fields = ("name", "group", "originals", "copies", "template_name", "template_file", "mandatory", "registry")


class FeeInline(_ChildInline):
    model = Fee
    fields = ("name", "description", "amount", "currency")


class ProcedureResultInline(_ChildInline):
    model = ProcedureResult
    fields = ("name", "code")


class LegalBasisInline(_ChildInline):
    model = LegalBasis
    fields = ("number", "title")


class ProcedureChannelInline(_ChildInline):
    model = ProcedureChannel
    fields = ("channel", "time_limit_text", "time_limit_value", "time_limit_unit", "fees_text", "description")


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "field", "time_limit_text", "time_limit_hours", "online_level", "is_active")
    list_filter = (
        "field",
        "level_province",
        "level_commune",
        "level_ministry",
        "level_other",
        "online_level",
        "is_inter_agency",
        "is_active",
    )
    list_select_related = ("field",)
    # Searched through the folded search text (see get_search_results); this only turns the box on.
    search_fields = ("code",)
    search_help_text = _("Words of the name, code or field, with or without diacritics.")
    autocomplete_fields = ("field", "agencies")
    readonly_fields = ("time_limit_hours", "updated_at")
    inlines = (RequiredDocumentInline, FeeInline, ProcedureChannelInline, ProcedureResultInline, LegalBasisInline)
    actions = ("export_json", "export_csv")
    change_list_template = "admin/catalog/procedure/change_list.html"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("code", "name", "name_en", "field", "procedure_type", "is_active")}),
        (_("Levels"), {"fields": ("level_ministry", "level_province", "level_commune", "level_other")}),
        (
            _("Agencies"),
            {"fields": ("agencies", "agency_text", "implementing_agencies_text", "competent_authority")},
        ),
        (
            _("Time limit and fees"),
            {"fields": ("time_limit_text", "time_limit_value", "time_limit_unit", "time_limit_hours", "fees_text")},
        ),
        (_("Online service"), {"fields": ("online_level", "is_inter_agency", "eform_schema")}),
        (
            _("Content"),
            {
                "fields": (
                    "applicants_text",
                    "reception_address",
                    "steps_text",
                    "conditions",
                    "document_notes",
                    "result_text",
                    "related_procedures_text",
                )
            },
        ),
        (_("Source"), {"fields": ("issuing_ministry", "decision_no", "source_url", "updated_at")}),
    )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Procedure], search_term: str
    ) -> tuple[QuerySet[Procedure], bool]:
        for word in search_words(search_term):
            queryset = queryset.filter(Q(search_text__startswith=word) | Q(search_text__contains=f" {word}"))
        return queryset, False

    def save_model(self, request: HttpRequest, obj: Procedure, form: forms.ModelForm, change: bool) -> None:
        procedure_save(procedure=obj)

    def save_formset(self, request: HttpRequest, form: forms.ModelForm, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        new = [obj for obj in instances if obj.pk is None]
        if new:
            last = formset.model._default_manager.filter(procedure=form.instance).aggregate(m=Max("position"))["m"]
            for offset, obj in enumerate(new, start=1 if last is not None else 0):
                obj.position = (last or 0) + offset
        for obj in instances:
            obj.save()
        formset.save_m2m()

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        _process_template_tell(request, form.instance)  # after the channels, whose limits count too

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path("import/", self.admin_site.admin_view(self.import_catalog), name="catalog_procedure_import"),
            path("export/<str:fmt>/", self.admin_site.admin_view(self.export_all), name="catalog_procedure_export"),
        ]
        return extra + super().get_urls()

    def import_catalog(self, request: HttpRequest) -> HttpResponse:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            return HttpResponse(status=403)
        return import_view(self, request)

    def export_all(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if not self.has_view_permission(request) or fmt not in ("json", "csv"):
            return HttpResponse(status=403 if fmt in ("json", "csv") else 404)
        return export_response(Procedure.objects.all(), fmt)

    @admin.action(description=_("Export the selected procedures as JSON"), permissions=["view"])
    def export_json(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> HttpResponse:
        return export_response(queryset, "json")

    @admin.action(description=_("Export the selected procedures as CSV"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> HttpResponse:
        return export_response(queryset, "csv")


def _process_template_tell(request: HttpRequest, procedure: Procedure) -> None:
    """Warn, with a link to it, when the procedure's saved process template no longer suits its limit.

    The limit is saved all the same (each dossier's steps are fitted to its span); the start-up checks warn of
    such a template too (catalog.W002, W003), but told here the administrator corrects it at once.
    """
    template = (
        ProcessTemplate.objects.filter(procedure=procedure)
        .annotate(total=Sum("steps__share_hours"), count=Count("steps"))
        .first()
    )
    if template is None or not template.count:
        return  # the default flow
    problem = process_sum_problem(procedure=procedure, total=template.total) or process_all_zero_problem(
        procedure=procedure, total=template.total, steps=template.count
    )
    if problem:
        link = reverse("admin:catalog_processtemplate_change", args=[template.pk])
        text = _("Correct the steps of its process template.")
        messages.warning(request, format_html('{} <a href="{}">{}</a>', problem, link, text))


class ProcessStepFormSet(BaseInlineFormSet):
    """Refuse the steps process_template_set would refuse: no leader's step, shares that miss the limit, ..."""

    def clean(self) -> None:
        super().clean()
        procedure = getattr(self.instance, "procedure", None) if self.instance.procedure_id else None
        if procedure is None or any(self.errors):
            return
        steps = [
            {**form.cleaned_data, "share_hours": form.cleaned_data.get("share_hours") or Decimal(0)}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        try:
            process_steps_check(procedure=procedure, steps=steps)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


class ProcessStepInline(admin.TabularInline):
    model = ProcessStep
    formset = ProcessStepFormSet
    extra = 0
    fields = ("order", "name", "role", "agency", "share_hours")
    autocomplete_fields = ("agency",)


@admin.register(ProcessTemplate)
class ProcessTemplateAdmin(admin.ModelAdmin):
    list_display = ("procedure", "updated_at")
    search_fields = ("procedure__code", "procedure__name")
    autocomplete_fields = ("procedure",)
    inlines = (ProcessStepInline,)
