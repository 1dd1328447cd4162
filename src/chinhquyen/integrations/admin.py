"""Admin: systems, their keys and officers' tokens (issued and revoked by a province admin, shown once);
webhook subscriptions and the delivery log, visible to each system's managers, with a replay action."""

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chinhquyen.core.admin_read_only import ReadOnlyMixin
from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.text import clean
from chinhquyen.directory.models import User
from chinhquyen.directory.selectors import is_province_admin

from .models import ApiKey, OfficerToken, Scope, System, WebhookAttempt, WebhookDelivery, WebhookSubscription
from .selectors import deliveries_visible_to, systems_managed_by
from .services import (
    api_key_issue,
    api_key_revoke,
    credential_expiry_check,
    officer_token_holder_check,
    officer_token_issue,
    officer_token_revoke,
    system_change,
    system_code_check,
    system_create,
    webhook_delivery_replay,
)


class ProvinceAdminOnly(admin.ModelAdmin):
    """Credentials are the province administrators' business only."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_province_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_province_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_province_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_province_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: the audit trail keeps who could call


def _by(request: HttpRequest) -> User:
    """The signed-in admin (the admin site lets no anonymous user this far)."""
    return cast(User, request.user)


def _show_secret(request: HttpRequest, secret: str) -> None:
    messages.warning(
        request,
        _("Copy this secret now; it is not stored and will not be shown again: %(secret)s") % {"secret": secret},
    )


def _expiry_cleaned(expires_at: Any) -> Any:
    try:
        credential_expiry_check(expires_at)
    except InvalidInput as exc:
        raise _form_error(exc) from exc
    return expires_at


def _form_error(exc: InvalidInput) -> ValidationError:
    return ValidationError(exc.message, code=exc.code)


class SystemForm(forms.ModelForm):
    class Meta:
        model = System
        fields = ["code", "name", "contact_email", "managers", "is_active"]

    def clean_code(self) -> str:
        # Stored in lower case, with an account named after it: "Motcua" is taken once "motcua" is.
        try:
            return system_code_check(self.cleaned_data["code"])
        except InvalidInput as exc:
            raise _form_error(exc) from exc

    def clean_name(self) -> str:
        # As the services store it: a name of invisible marks only is no name (they would refuse it on saving).
        name = clean(self.cleaned_data["name"])
        if not name:
            raise ValidationError(_("Give the system a code and a name."), code="system_incomplete")
        return name


@admin.register(System)
class SystemAdmin(ProvinceAdminOnly):
    form = SystemForm
    list_display = ("code", "name", "account", "is_active", "created_at")
    search_fields = ("code", "name")
    filter_horizontal = ("managers",)
    readonly_fields = ("account",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("code", "account") if obj is not None else ()

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = ["code", "name", "contact_email", "managers", "is_active"]
        return [*fields, "account"] if obj is not None else fields

    def save_model(self, request: HttpRequest, obj: System, form: Any, change: bool) -> None:
        if not change:
            created = system_create(by=_by(request), code=obj.code, name=obj.name, contact_email=obj.contact_email)
            obj.pk, obj.code, obj.account_id = created.pk, created.code, created.account_id
            obj._state.adding = False
            obj.created_at = created.created_at
        # Switching the system off or on and its managers (also those chosen with a new one) are audited.
        system_change(
            by=_by(request),
            system=obj,
            name=obj.name,
            contact_email=obj.contact_email,
            is_active=obj.is_active,
            managers=form.cleaned_data["managers"],
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # system_change set the managers: form.save_m2m() would set them again, unaudited.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiKey
        fields = ["system", "name", "scopes", "expires_at"]

    def clean_expires_at(self) -> Any:
        return _expiry_cleaned(self.cleaned_data["expires_at"])


@admin.register(ApiKey)
class ApiKeyAdmin(ProvinceAdminOnly):
    form = ApiKeyForm
    list_display = ("name", "system", "prefix", "scope_list", "created_at", "last_used_at", "expires_at", "revoked_at")
    list_filter = ("system",)
    search_fields = ("name", "prefix", "system__code")
    actions = ["revoke"]
    readonly_fields = ("prefix", "created_at", "created_by", "last_used_at", "revoked_at", "revoked_by")

    @admin.display(description=gettext_lazy("Scopes"))
    def scope_list(self, obj: ApiKey) -> str:
        return ", ".join(obj.scopes)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is not None:  # a key never changes: revoke it and issue another
            return ("system", "name", "scopes", "expires_at", *self.readonly_fields)
        return ()

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = ["system", "name", "scopes", "expires_at"]
        return [*fields, *self.readonly_fields] if obj is not None else fields

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            return
        issued = api_key_issue(
            by=_by(request),
            system=obj.system,
            name=obj.name,
            scopes=form.cleaned_data["scopes"],
            expires_at=obj.expires_at,
        )
        obj.pk, obj.prefix, obj._state.adding = issued.credential.pk, issued.credential.prefix, False
        _show_secret(request, issued.secret)

    @admin.action(description=gettext_lazy("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset:
            api_key_revoke(by=_by(request), key=key)
        messages.success(request, _("Keys revoked: %(count)d.") % {"count": queryset.count()})


class OfficerTokenForm(forms.ModelForm):
    # The admin issuing the token (set per request by OfficerTokenAdmin.get_form): a refusal is audited as theirs.
    issuer: User | None = None

    class Meta:
        model = OfficerToken
        fields = ["user", "name", "expires_at"]

    def clean_expires_at(self) -> Any:
        return _expiry_cleaned(self.cleaned_data["expires_at"])

    def clean_user(self) -> User:
        user = self.cleaned_data["user"]
        try:
            officer_token_holder_check(user, by=self.issuer)
        except InvalidInput as exc:
            raise _form_error(exc) from exc
        return user


@admin.register(OfficerToken)
class OfficerTokenAdmin(ProvinceAdminOnly):
    form = OfficerTokenForm
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    search_fields = ("name", "prefix", "user__username")
    raw_id_fields = ["user"]
    actions = ["revoke"]
    readonly_fields = ("prefix", "created_at", "created_by", "last_used_at", "revoked_at", "revoked_by")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("user", "name", "expires_at", *self.readonly_fields) if obj is not None else ()

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        # A class per request: the issuer is never shared between requests.
        return type(form.__name__, (form,), {"issuer": _by(request)})

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = ["user", "name", "expires_at"]
        return [*fields, *self.readonly_fields] if obj is not None else fields

    def save_model(self, request: HttpRequest, obj: OfficerToken, form: Any, change: bool) -> None:
        if change:
            return
        issued = officer_token_issue(
            by=_by(request),
            user=obj.user,
            name=obj.name,
            expires_at=obj.expires_at,
        )
        obj.pk, obj.prefix, obj._state.adding = issued.credential.pk, issued.credential.prefix, False
        _show_secret(request, issued.secret)

    @admin.action(description=gettext_lazy("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[OfficerToken]) -> None:
        for token in queryset:
            officer_token_revoke(by=_by(request), token=token)
        messages.success(request, _("Tokens revoked: %(count)d.") % {"count": queryset.count()})


class ManagersSee(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only screens each system's managers (and province admins) see for their own systems."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        # A province administrator sees every system's, none yet included (an empty list, not a 403).
        user = request.user
        return is_province_admin(user) or (user.is_active and systems_managed_by(user=user).exists())

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ManagersSee):
    list_display = ("system", "url", "event_list", "is_active", "created_at")
    list_filter = ("is_active",)
    fields = ("system", "url", "events", "is_active", "created_at")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("Events"))
    def event_list(self, obj: WebhookSubscription) -> str:
        return ", ".join(obj.events) or _("all")

    def get_queryset(self, request: HttpRequest) -> QuerySet[WebhookSubscription]:
        systems = systems_managed_by(user=request.user)
        # The signing secret is never shown after the subscription is made: not even loaded here.
        return super().get_queryset(request).filter(system__in=systems).select_related("system").defer("secret")


class WebhookAttemptInline(ReadOnlyMixin, admin.TabularInline):
    """Every attempt of the delivery, oldest first: written once by the sender, never edited here."""

    model = WebhookAttempt
    fields = ("at", "status_code", "error", "latency_ms")
    readonly_fields = fields
    extra = 0
    can_delete = False

    # The delivery's page is already limited to its system's managers (ManagersSee).
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ManagersSee):
    list_display = ("created_at", "event_type", "dossier_id", "subscription", "state", "attempts", "last_status_code")
    list_filter = ("state", "event_type")
    search_fields = ("=dossier_id", "event_type")
    fields = (
        "id",
        "subscription",
        "event_type",
        "dossier_id",
        "dossier_event_id",
        "state",
        "attempts",
        "next_attempt_at",
        "last_attempt_at",
        "last_status_code",
        "last_error",
        "delivered_at",
        "created_at",
        "payload",
    )
    readonly_fields = fields
    inlines = [WebhookAttemptInline]
    actions = ["replay"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[WebhookDelivery]:
        return (
            deliveries_visible_to(user=request.user)
            .select_related("subscription__system")
            .defer("subscription__secret")
        )

    @admin.action(description=gettext_lazy("Send the selected deliveries again"))
    def replay(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        count = 0
        refused: dict[str, None] = {}  # each refusal once: a system switched off, a subscription stopped
        for delivery in queryset.select_related("subscription__system").defer("subscription__secret"):
            try:
                webhook_delivery_replay(by=_by(request), delivery=delivery)
            except InvalidInput as exc:  # the message names the system (and the subscription's URL)
                refused.setdefault(exc.message)
                continue
            count += 1
        for message in refused:
            messages.error(request, message)
        if count or not refused:
            messages.success(request, _("Deliveries queued again: %(count)d.") % {"count": count})
