"""The admin's import page and export downloads; both call the catalog services."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Procedure
from .services import catalog_export, catalog_import
from .services.formats import CSV_COLUMNS
from .services.report import report_reasons, report_summary

MAX_UPLOAD_BYTES = 30_000_000
FORMAT_CHOICES = (
    ("auto", gettext_lazy("By file name: .csv is CSV, anything else JSON in the national format")),
    ("national", gettext_lazy("National catalogue (JSON, one record per line)")),
    ("json", gettext_lazy("Our JSON export")),
    ("csv", gettext_lazy("Our CSV export")),
)


class CatalogImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Catalog file (UTF-8 JSON or CSV)"))
    details = forms.FileField(
        label=gettext_lazy("National details file (optional)"),
        required=False,
        help_text=gettext_lazy("tthc_procedures_details.json: documents, steps and conditions."),
    )
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=FORMAT_CHOICES, initial="auto")

    def _text(self, name: str) -> str | None:
        upload = self.cleaned_data.get(name)
        if upload is None:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // 1_000_000})
        try:
            return str(upload.read().decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from exc

    def clean_file(self) -> str | None:
        return self._text("file")

    def clean_details(self) -> str | None:
        return self._text("details")

    def chosen_format(self) -> str:
        chosen = self.cleaned_data["format"]
        if chosen != "auto":
            return str(chosen)
        upload = self.files.get("file")
        name = getattr(upload, "name", "") or ""
        return "csv" if name.lower().endswith(".csv") else "national"


def import_view(model_admin: admin.ModelAdmin, request: HttpRequest) -> HttpResponse:
    """Upload a file; show every error (nothing saved) or the report of values left empty."""
    form = CatalogImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {
        **model_admin.admin_site.each_context(request),
        "title": _("Import the procedure catalog"),
        "form": form,
        "opts": Procedure._meta,
        "csv_columns": ", ".join(CSV_COLUMNS),
    }
    if request.method == "POST" and form.is_valid():
        report = catalog_import(
            data=form.cleaned_data["file"],
            details=form.cleaned_data["details"],
            format=form.chosen_format(),
        )
        context["report"] = report
        if not report.refused:
            context["summary"] = report_summary(report)
            context["reasons"] = report_reasons(report)
    status = 400 if context.get("report") is not None and context["report"].refused else 200
    return TemplateResponse(request, "admin/catalog/procedure/import.html", context, status=status)


def export_response(procedures: QuerySet[Procedure], fmt: str) -> HttpResponse:
    """A download of ``procedures`` in ``fmt`` (json or csv)."""
    text = catalog_export(format="csv" if fmt == "csv" else "json", procedures=procedures)
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/json; charset=utf-8"
    response = HttpResponse(text, content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="catalog-{stamp}.{fmt}"'
    return response
