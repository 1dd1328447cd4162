"""Read-only admin of dossiers: the state machine (services) is the only way to change a status.

Also the agencies' action "Hand over open work to another agency…" (``services.handover``): the directory's admin
cannot import this app, so the action is added to it through the directory's hook (``agency_admin_action_add``)
when the admin imports this module.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chinhquyen.core.admin_read_only import ReadOnlyMixin
from chinhquyen.core.errors import DomainError
from chinhquyen.core.forms import TextBoxField
from chinhquyen.directory.models import Agency, User
from chinhquyen.directory.signals import agency_admin_action_add

from .models import (
    EVENT_TEXT_MAX,
    ApologyLetter,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierStep,
    EventDispatchFailure,
)
from .services import HandOver, agency_open_work, agency_work_hand_over, hand_over_summary


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = DossierEvent
    extra = 0
    fields = ("at", "actor", "action", "from_status", "to_status", "reason", "internal", "dispatched_at")
    readonly_fields = fields


class StepInline(ReadOnlyMixin, admin.TabularInline):
    model = DossierStep
    fk_name = "dossier"
    extra = 0
    fields = ("order", "name", "agency", "role", "assignee", "state", "started_at", "due_at", "finished_at", "outcome")
    readonly_fields = fields


class DocumentInline(ReadOnlyMixin, admin.TabularInline):
    model = DossierDocument
    extra = 0
    fields = ("kind", "name", "file", "content_type", "size", "received", "signed", "uploaded_at")
    readonly_fields = fields


class LetterInline(ReadOnlyMixin, admin.TabularInline):
    model = ApologyLetter
    extra = 0
    fields = ("agency", "reason", "new_due_at", "state", "sent_at")
    readonly_fields = fields


@admin.register(Dossier)
class DossierAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("code", "procedure", "applicant", "receiving_agency", "status", "received_at", "due_at")
    list_filter = ("status", "channel", "receiving_agency")
    search_fields = ("code", "applicant__name", "applicant__personal_id")
    list_select_related = ("procedure", "applicant", "receiving_agency")
    date_hierarchy = "received_at"
    inlines = (StepInline, EventInline, DocumentInline, LetterInline)


@admin.register(EventDispatchFailure)
class EventDispatchFailureAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Events whose hooks (notifications, webhooks) failed: the worker tries them again after a back-off."""

    list_display = ("event", "attempts", "retry_at", "last_error")
    list_select_related = ("event",)
    readonly_fields = ("event", "attempts", "retry_at", "last_error")


class HandOverForm(forms.Form):
    successor = forms.ModelChoiceField(
        label=gettext_lazy("Successor agency"),
        queryset=Agency.objects.none(),
        help_text=gettext_lazy("Active agencies only. It must handle the procedures of the dossiers it receives."),
    )
    reason = TextBoxField(
        label=gettext_lazy("Reason"),
        max_length=EVENT_TEXT_MAX,
        rows=3,
        help_text=gettext_lazy("Shown in each dossier's timeline to officials, e.g. the merger decision."),
        # The service's own words for a reason left out (or only spaces, which the field strips).
        error_messages={"required": gettext_lazy("Say why the work is handed over (e.g. the merger decision).")},
    )
    deactivate = forms.BooleanField(
        label=gettext_lazy("Then make the agency inactive (in the same transaction)"), required=False
    )

    def __init__(self, *args: Any, leaving: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        successors = Agency.objects.filter(is_active=True).exclude(pk__in=[a.pk for a in leaving])
        field = self.fields["successor"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = successors.order_by("name", "code")


@admin.action(description=gettext_lazy("Hand over open work to another agency…"), permissions=["change"])
def hand_over_open_work(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Agency]) -> Any:
    """Ask for the successor and a reason, then hand the open work of every agency chosen over to it, all in one
    transaction (several communes merged into one); each agency's counts in a message."""
    leaving = list(queryset.order_by("code"))
    applied = "apply" in request.POST
    form = HandOverForm(request.POST if applied else None, leaving=leaving)
    if applied and form.is_valid():
        done = _hand_over(request, form, leaving)
        if done is not None:
            for agency, result in done:
                message = hand_over_summary(agency=agency, successor=form.cleaned_data["successor"], result=result)
                modeladmin.message_user(request, message, messages.SUCCESS)
            return None  # back to the list
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Hand over open work to another agency"),
        "form": form,
        # The admin's own field layout (labels, help and errors as on its change forms); a plain form does, the
        # stubs ask for a model form.
        "adminform": helpers.AdminForm(form, [(None, {"fields": list(form.fields)})], {}),  # type: ignore[arg-type]
        "work": [(agency, agency_open_work(agency=agency)) for agency in leaving],
        "opts": modeladmin.model._meta,
        "action_name": "hand_over_open_work",
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/dossiers/agency_hand_over.html", context)


def _hand_over(request: HttpRequest, form: HandOverForm, leaving: list[Agency]) -> list[tuple[Agency, HandOver]] | None:
    """The hand-overs done, or None with the refusal on the form (nothing changed)."""
    values = form.cleaned_data
    user = request.user
    if not isinstance(user, User):  # the admin signs everyone in first; None would be the command line
        raise PermissionDenied
    try:
        with transaction.atomic():
            return [
                (
                    agency,
                    agency_work_hand_over(
                        agency=agency,
                        successor=values["successor"],
                        by=user,
                        reason=values["reason"],
                        deactivate=values["deactivate"],
                    ),
                )
                for agency in leaving
            ]
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None


agency_admin_action_add(hand_over_open_work)
