"""The directory's hooks for the apps above it, which it never imports (``pyproject.toml``, import-linter).

:data:`agency_deactivating` is sent, with ``agency``, before an agency is made inactive in the admin: each
receiver returns a refusal (a message for the administrator: what would be stuck there, and what to do first), or
None. ``dossiers`` refuses while open dossiers or steps remain at the agency (``dossiers.receivers``).

:func:`agency_admin_action_add` gives the agencies' admin an action of another app (``dossiers`` hands an
agency's open work over to its successor): registered when that app's ``admin`` module is imported, as
``admin.site.register`` is.
"""

from collections.abc import Callable
from typing import Any

from django.dispatch import Signal

from .models import Agency

# Sent with agency (the Agency as stored, still active); a receiver returns a message (str) or None.
agency_deactivating = Signal()

AdminAction = Callable[..., Any]  # (modeladmin, request, queryset) -> HttpResponse | None
_admin_actions: dict[str, AdminAction] = {}


def agency_deactivation_refusals(*, agency: Agency) -> list[str]:
    """Why ``agency`` may not be made inactive now, one message per app that refuses; empty: it may."""
    responses = agency_deactivating.send(sender=Agency, agency=agency)
    return [str(response) for _receiver, response in responses if response]


def agency_admin_action_add(action: AdminAction) -> None:
    """Offer ``action`` (an admin action, with its ``short_description`` and ``allowed_permissions``) on the
    agencies' list; adding it again under the same name replaces it."""
    _admin_actions[action.__name__] = action


def agency_admin_actions() -> list[AdminAction]:
    """The actions other apps added, in the order added."""
    return list(_admin_actions.values())
