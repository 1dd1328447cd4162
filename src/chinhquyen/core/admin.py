"""The audit log in the admin: read-only, since the chain forbids changes."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ["sequence", "at", "actor_name", "action", "target"]
    list_filter = ["action"]
    search_fields = ["target", "actor_name", "action"]
    date_hierarchy = "at"
    ordering = ["-sequence"]
    # actor_name, which the hash covers, and not the actor link, which it does not (audit_verify checks the link).
    fields = ("sequence", "at", "actor_name", "action", "target", "data", "prev_hash", "hash")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
