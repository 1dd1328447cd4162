"""Template helpers of the office pages."""

from typing import Any

from django import template

from chinhquyen.directory.models import StaffRole
from chinhquyen.directory.selectors import user_has_role

from ..permissions import ANY_OFFICER

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
    """``{% if request.user|reads_dossiers %}``: the inbox and the search are for the roles that read dossiers;
    a province administrator holds none of them and is not shown links that would refuse it."""
    if not user.is_authenticated:
        return False
    known: bool | None = getattr(user, "_reads_dossiers", None)
    if known is None:
        known = user._reads_dossiers = StaffRole.objects.filter(user=user, role__in=ANY_OFFICER).exists()
    return known
