"""Role groups of the office pages; every view declares its access with ``officer_access(*GROUP)``."""

from chinhquyen.directory.models import Role
from chinhquyen.office.auth.access import officer_access

FRONT_DESK = (Role.FRONT_DESK,)
PROCESSORS = (Role.FRONT_DESK, Role.SPECIALIST, Role.LEADER)
ANY_OFFICER = (Role.FRONT_DESK, Role.SPECIALIST, Role.LEADER, Role.AGENCY_ADMIN, Role.SUPERVISOR)

__all__ = ["ANY_OFFICER", "FRONT_DESK", "PROCESSORS", "officer_access"]
