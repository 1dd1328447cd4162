"""Access to office pages: a signed-in official whose session passed the second factor."""

from collections.abc import Callable
from typing import Any, TypeVar

from chinhquyen.core.access import access
from chinhquyen.directory.models import Role
from chinhquyen.directory.selectors import user_roles

V = TypeVar("V", bound=Callable[..., Any])

LOGIN_URL = "office:auth:login"


def is_verified(user: Any) -> bool:
    """True if the session was verified with a TOTP code (django-otp's middleware sets this up)."""
    verify = getattr(user, "is_verified", None)
    return bool(user.is_authenticated and verify is not None and verify())


def officer_access(*roles: str) -> Callable[[V], V]:
    """Declare an office view: OTP-verified officials holding one of ``roles`` (any role if none).

    Anonymous and unverified users are sent to the office login; verified users without the role get 403.
    """
    unknown = set(roles) - set(Role.values)
    if unknown:
        # Fail at import time, not when an official first opens the page.
        raise ValueError(f"Unknown staff roles: {sorted(unknown)}")
    wanted = frozenset(roles)

    def holds_role(user: Any) -> bool:
        held = user_roles(user=user)
        if wanted:
            held = held.filter(role__in=wanted)
        return held.exists()

    description = f"Verified official ({', '.join(sorted(wanted))})" if wanted else "Verified official"
    return access(test=holds_role, signed_in=is_verified, login_url=LOGIN_URL, description=description, no_store=True)
