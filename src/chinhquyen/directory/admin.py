"""Admin screens for agencies, staff, applicants; CSV import of agencies."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chinhquyen.core.phones import phone_normalise, validate_phone

from .models import Agency, Applicant, StaffRole, User
from .services import AGENCY_CSV_COLUMNS, agencies_import_csv
from .signals import AdminAction, agency_admin_actions, agency_deactivation_refusals

MAX_CSV_BYTES = 2_000_000


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [StaffRoleInline]
    list_display = ("username", "first_name", "last_name", "email", "is_staff", "is_active")
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), (gettext_lazy("Contact"), {"fields": ("phone",)}))


class AgencyCsvForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file (UTF-8)"))

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from exc


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = [
            "code",
            "name",
            "name_en",
            "kind",
            "parent",
            "division_code",
            "address",
            "address_division_code",
            "phone",
            "email",
            "is_active",
        ]

    def clean_phone(self) -> str:
        # The post office calls it: results sent by post and papers collected by post name it (postal orders).
        phone = (self.cleaned_data.get("phone") or "").strip()
        validate_phone(phone)
        return phone_normalise(phone)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        # Made inactive (the instance is still as stored here): the apps above may refuse while work would be
        # stuck at the agency (dossiers: open dossiers and steps, to hand over to its successor first).
        if self.instance.pk is not None and self.instance.is_active and cleaned.get("is_active") is False:
            for refusal in agency_deactivation_refusals(agency=self.instance):
                self.add_error("is_active", refusal)
        return cleaned


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    form = AgencyForm
    list_display = ("code", "name", "kind", "parent", "division_code", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "name_en")
    autocomplete_fields = ["parent"]
    change_list_template = "admin/directory/agency/change_list.html"

    @property
    def actions(self) -> list[AdminAction]:  # type: ignore[override]
        # Those the apps above add (dossiers: hand the open work over to the successor), read when a page
        # lists them, whichever app's admin module was imported first.
        return agency_admin_actions()

    def get_urls(self) -> list[URLPattern]:
        extra = [path("import-csv/", self.admin_site.admin_view(self.import_csv), name="directory_agency_import_csv")]
        return extra + super().get_urls()

    def import_csv(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            return HttpResponse(status=403)
        form = AgencyCsvForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            result = agencies_import_csv(data=form.cleaned_data["file"])
            if not result.errors:
                messages.success(
                    request,
                    _("Imported agencies: %(created)d created, %(updated)d updated.")
                    % {"created": result.created, "updated": result.updated},
                )
                return HttpResponseRedirect(reverse("admin:directory_agency_changelist"))
            errors = result.errors
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import agencies from CSV"),
            "form": form,
            "import_errors": errors,
            "columns": ", ".join(AGENCY_CSV_COLUMNS),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/directory/agency/import_csv.html", context)


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "agency", "role", "title")
    list_filter = ("role",)
    search_fields = ("user__username", "user__last_name", "agency__name", "agency__code")
    autocomplete_fields = ["user", "agency"]


class ApplicantForm(forms.ModelForm):
    class Meta:
        model = Applicant
        fields = [
            "kind",
            "name",
            "personal_id",
            "birth_date",
            "tax_code",
            "representative",
            "address",
            "division_code",
            "phone",
            "email",
        ]

    def clean_phone(self) -> str:
        # The same rule as at the counter and on the portal: notifications go to this number.
        phone = (self.cleaned_data.get("phone") or "").strip()
        validate_phone(phone)
        return phone_normalise(phone)


@admin.register(Applicant)
class ApplicantAdmin(admin.ModelAdmin):
    form = ApplicantForm
    list_display = ("name", "kind", "personal_id", "tax_code", "phone")
    list_filter = ("kind",)
    search_fields = ("name", "personal_id", "tax_code", "phone", "email")
    # The account holding the record is linked by signing in with the national identity (audited), never
    # here: pointing it at another account would hand that account the person's dossiers.
    readonly_fields = ["user"]
