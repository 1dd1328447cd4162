"""Read-only admin views of how applicants' accounts prove who they are (changes go through the services)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import LocalAccount, VerifiedIdentity


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A verification or a sign-in taken away here would leave no audit entry (and a verified account
        # holds the person's counter dossiers): identities change only through the sign-in services.
        return False


@admin.register(VerifiedIdentity)
class VerifiedIdentityAdmin(ReadOnlyAdmin):
    list_display = ("user", "issuer", "first_verified_at", "last_verified_at")
    search_fields = ("user__username",)
    exclude = ("claims",)


@admin.register(LocalAccount)
class LocalAccountAdmin(ReadOnlyAdmin):
    list_display = ("login", "user", "channel", "created_at", "verified_at")
    search_fields = ("login", "user__username")
    exclude = ("pending_profile",)
