"""Admin screens for agencies, staff, applicants; CSV import of agencies."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chinhquyen.core.phones import phone_normalise, validate_phone

from .models import Agency, Applicant, Role, StaffRole, User
from .selectors import is_province_admin
from .services import AGENCY_CSV_COLUMNS, agencies_import_csv, official_mark
from .signals import AdminAction, agency_admin_actions, agency_deactivation_refusals

MAX_CSV_BYTES = 2_000_000


# What only a superuser gives or takes in the admin: anyone who may change accounts could otherwise give
# themselves every power (Django leaves it to the site). Roles are the directory's own way to grant access.
SUPERUSER_FIELDS = ("is_superuser", "groups", "user_permissions")


def _province_admin_refusal() -> ValidationError:
    return ValidationError(
        _("Only a province administrator may give or take the province administrator's role."),
        code="province_admin_role",
    )


def _touches_province_admin(form: forms.ModelForm) -> bool:
    """Whether saving ``form`` (a staff role's) would give, move or take away a province administrator's role."""
    stored = form.instance.role if form.instance.pk is not None else None
    if form.cleaned_data.get("DELETE"):
        return stored == Role.PROVINCE_ADMIN
    return Role.PROVINCE_ADMIN in (stored, form.cleaned_data.get("role")) and form.has_changed()


class StaffRoleForm(forms.ModelForm):
    # Whether the admin saving the form holds the province administrator's role (set per request).
    may_grant_province_admin = False

    class Meta:
        model = StaffRole
        fields = ["user", "agency", "role", "title"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if not self.may_grant_province_admin and _touches_province_admin(self):
            self.add_error("role", _province_admin_refusal())
        return cleaned


class StaffRoleFormSet(BaseInlineFormSet):
    may_grant_province_admin = False

    def clean(self) -> None:
        super().clean()
        if self.may_grant_province_admin:
            return
        deleted = False
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not _touches_province_admin(form):
                continue
            if form.cleaned_data.get("DELETE"):
                deleted = True  # a deleted row's own errors are not looked at: refused for the whole table
            else:
                form.add_error("role", _province_admin_refusal())
        if deleted:
            raise _province_admin_refusal()


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    formset = StaffRoleFormSet
    extra = 0
    autocomplete_fields = ["agency"]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        # A class per request: whether this admin may grant the role is never shared between requests.
        return type(formset.__name__, (formset,), {"may_grant_province_admin": is_province_admin(request.user)})


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [StaffRoleInline]
    list_display = ("username", "first_name", "last_name", "email", "is_staff", "is_active")
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), (gettext_lazy("Contact"), {"fields": ("phone",)}))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else (*fields, *SUPERUSER_FIELDS)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is StaffRole and StaffRole.objects.filter(user=form.instance).exists():
            official_mark(user=form.instance)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A superuser's account (and its password) only by a superuser: else whoever may change accounts could
        # take it over.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """Groups, whose permissions only a superuser sets (a member could otherwise give the group, and so
    themselves, every permission)."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else (*fields, "permissions")


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
    # The parent may be empty, which Django's own select_related() for the list would not follow.
    list_select_related = ("parent",)
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
    form = StaffRoleForm
    list_display = ("user", "agency", "role", "title")
    list_filter = ("role",)
    search_fields = ("user__username", "user__last_name", "agency__name", "agency__code")
    autocomplete_fields = ["user", "agency"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"may_grant_province_admin": is_province_admin(request.user)})

    def save_model(self, request: HttpRequest, obj: StaffRole, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        official_mark(user=obj.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.role == Role.PROVINCE_ADMIN and not is_province_admin(request.user):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.role == Role.PROVINCE_ADMIN and not is_province_admin(request.user):
            return False
        return super().has_delete_permission(request, obj)


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
