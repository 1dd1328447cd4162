"""Admin pages that show rows without letting anyone add, change or delete them: the services (or the hash
chain) are the only writers."""

from typing import Any

from django.http import HttpRequest


class ReadOnlyMixin:
    """Mixed into a ``ModelAdmin`` or an inline, before it: add, change and delete are refused."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
