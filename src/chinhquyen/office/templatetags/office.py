"""Template helpers of the office pages."""

from typing import Any

from django import template

from chinhquyen.directory.selectors import user_has_role

from .. import permissions

register = template.Library()


@register.filter
def has_role(user: Any, role: str) -> bool:
    """``{% if request.user|has_role:"front_desk" %}``: show links only to those who may follow them.

    Read once per role and request (kept on the user), as a table may ask on every row.
    """
    if not user.is_authenticated:
        return False
    known: dict[str, bool] | None = getattr(user, "_roles_shown", None)
    if known is None:
        known = {}
        user._roles_shown = known
    if role not in known:
        known[role] = user_has_role(user=user, role=role)
    return known[role]


@register.filter
def reads_dossiers(user: Any) -> bool:
    """``{% if request.user|reads_dossiers %}``: no links to the inbox and search for one they would refuse."""
    return permissions.reads_dossiers(user)
