"""Read-only delivery log of notifications, with a "resend" action (a POST through the service)."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from chinhquyen.core.errors import DomainError

from .models import Notification, Preference
from .services import notification_resend


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ("created_at", "dossier", "petition", "kind", "channel", "recipient", "state", "attempts", "sent_at")
    list_filter = ("state", "channel", "kind")
    search_fields = ("dossier__code", "petition_event__petition__code", "recipient")
    list_select_related = ("dossier", "petition_event__petition")
    date_hierarchy = "created_at"
    actions = ("resend",)
    fields = (
        "dossier",
        "event",
        "petition",
        "petition_event",
        "kind",
        "channel",
        "recipient",
        "language",
        "subject",
        "body",
        "state",
        "attempts",
        "resends",
        "last_error",
        "provider_ref",
        "next_attempt_at",
        "created_at",
        "sent_at",
    )
    readonly_fields = fields

    @admin.display(description=_("petition"), ordering="petition_event__petition__code")
    def petition(self, obj: Notification) -> str | None:
        # A petition's notification has no dossier: its row names the petition by its reference code.
        return obj.petition_event.petition.code if obj.petition_event is not None else None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_resend_permission(self, request: HttpRequest) -> bool:
        # The rows stay read-only; the model's change permission is what allows sending one again.
        return request.user.has_perm("notifications.change_notification")

    @admin.action(description=_("Resend the selected notifications"), permissions=["resend"])
    def resend(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        done, refused = 0, []
        for notification in queryset.order_by("pk"):
            try:
                notification_resend(notification=notification, by=request.user)  # type: ignore[arg-type]
            except DomainError as exc:
                refused.append(f"#{notification.pk}: {exc.message}")
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d notification queued again.", "%(count)d notifications queued again.", done)
                % {"count": done},
                messages.SUCCESS,
            )
        for message in refused:
            self.message_user(request, message, messages.WARNING)


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin[Preference]):
    list_display = ("user", "language")
    search_fields = ("user__username", "user__email")
    raw_id_fields = ("user",)
