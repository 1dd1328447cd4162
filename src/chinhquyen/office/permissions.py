"""Role groups of the office pages; every view declares its access with ``officer_access(*GROUP)``."""

from typing import Any

from chinhquyen.directory.models import Role
from chinhquyen.directory.selectors import user_roles
from chinhquyen.office.auth.access import officer_access

FRONT_DESK = (Role.FRONT_DESK,)
PROCESSORS = (Role.FRONT_DESK, Role.SPECIALIST, Role.LEADER)
ANY_OFFICER = (Role.FRONT_DESK, Role.SPECIALIST, Role.LEADER, Role.AGENCY_ADMIN, Role.SUPERVISOR)


def reads_dossiers(user: Any) -> bool:
    """Whether ``user`` may open the inbox and the search (``ANY_OFFICER``): a province administrator holds
    none of those roles. Read once per request (kept on the user), as the header asks on every page."""
    if not user.is_authenticated:
        return False
    known: bool | None = getattr(user, "_reads_dossiers", None)
    if known is None:
        known = user._reads_dossiers = user_roles(user=user).filter(role__in=ANY_OFFICER).exists()
    return known


__all__ = ["ANY_OFFICER", "FRONT_DESK", "PROCESSORS", "officer_access", "reads_dossiers"]
