"""Read-only admin of dossiers: the state machine (services) is the only way to change a status."""

from django.contrib import admin

from chinhquyen.core.admin_read_only import ReadOnlyMixin

from .models import ApologyLetter, Dossier, DossierDocument, DossierEvent, DossierStep, EventDispatchFailure


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
