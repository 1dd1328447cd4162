"""Template helpers of the office pages."""

from typing import Any

from django import template

from chinhquyen.directory.selectors import user_has_role

register = template.Library()


@register.filter
def has_role(user: Any, role: str) -> bool:
    """``{% if request.user|has_role:"front_desk" %}``: show links only to those who may follow them."""
    return bool(user.is_authenticated) and user_has_role(user=user, role=role)
