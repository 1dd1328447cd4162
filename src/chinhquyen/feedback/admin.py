"""Admin of ratings and petitions: read-only; the services are the only way to change them."""

from django.contrib import admin

from chinhquyen.core.admin_read_only import ReadOnlyMixin

from .models import Petition, PetitionEvent, PetitionEventDispatchFailure, Rating


@admin.register(Rating)
class RatingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("dossier", "agency", "procedure", "total", "overall", "created_at")
    list_filter = ("overall", "agency")
    search_fields = ("dossier__code", "procedure__code")
    list_select_related = ("dossier", "agency", "procedure")
    date_hierarchy = "created_at"


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = PetitionEvent
    extra = 0
    fields = ("at", "actor", "action", "from_status", "to_status", "note", "dispatched_at")
    readonly_fields = fields


@admin.register(Petition)
class PetitionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("code", "subject", "agency", "status", "filed_at", "due_at", "published_at")
    list_filter = ("status", "agency")
    search_fields = ("code", "subject")
    list_select_related = ("agency",)
    date_hierarchy = "filed_at"
    inlines = (EventInline,)


@admin.register(PetitionEventDispatchFailure)
class PetitionEventDispatchFailureAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Petition events whose hooks (the sender's notifications) failed: tried again after a back-off."""

    list_display = ("event", "attempts", "retry_at", "last_error")
    list_select_related = ("event",)
    readonly_fields = ("event", "attempts", "retry_at", "last_error")
