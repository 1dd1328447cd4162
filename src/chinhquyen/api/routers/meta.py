"""Who am I: the caller as the API sees it (kind, scopes, roles). Handy to check a key or a token."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from chinhquyen.directory.selectors import user_roles

from ..auth import caller_of, declare
from ..errors import PUBLIC_ERRORS
from ..schemas.meta import CallerOut, HealthOut

router = Router(tags=["meta"])


@router.get(
    "/health",
    response={200: HealthOut, **PUBLIC_ERRORS},
    operation_id="health",
    summary="Health check",
    **declare(public=True),
)
def health(request: HttpRequest) -> Any:
    """Answers without touching the database: for load balancers (and the baseline of bench/api_load.py)."""
    return {"status": "ok"}


@router.get(
    "/me",
    response={200: CallerOut, **PUBLIC_ERRORS},
    operation_id="me",
    summary="Who am I",
    **declare(public=True),
)
def me(request: HttpRequest) -> Any:
    """The kind of caller the credentials make, with the system's scopes and the account's staff roles."""
    caller = caller_of(request)
    user = caller.user
    roles = [f"{r.agency.code}:{r.role}" for r in user_roles(user=user)] if user is not None else []
    return {
        "kind": caller.kind.value,
        "username": user.get_username() if user is not None else "",
        "system": caller.system.code if caller.system is not None else None,
        "scopes": sorted(caller.scopes),
        "roles": sorted(roles),
    }
