"""Webhooks: a system subscribes its endpoint to dossier events and gets the signing secret once."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from chinhquyen.integrations.models import Scope, WebhookSubscription
from chinhquyen.integrations.selectors import subscriptions_of
from chinhquyen.integrations.services import webhook_subscribe, webhook_unsubscribe

from ..auth import Caller, caller_of, declare
from ..errors import READ_ERRORS, WRITE_ERRORS, ApiError
from ..idempotency import idempotent
from ..schemas.common import ErrorOut, Id
from ..schemas.webhooks import SubscriptionCreated, SubscriptionIn, SubscriptionList, SubscriptionOut

router = Router(tags=["webhooks"])
MANAGERS = declare(system=Scope.WEBHOOKS)


def _out(s: WebhookSubscription) -> dict[str, Any]:
    return {"id": s.pk, "url": s.url, "events": s.events, "is_active": s.is_active, "created_at": s.created_at}


def _system(caller: Caller) -> Any:
    assert caller.system is not None  # noqa: S101 - only system keys are declared
    return caller.system


@router.post(
    "",
    response={201: SubscriptionCreated, **WRITE_ERRORS},
    operation_id="webhook_subscribe",
    summary="Subscribe to dossier events",
    **MANAGERS,
)
@idempotent(shown_once=("secret",))
def subscribe(request: HttpRequest, payload: SubscriptionIn) -> Any:
    """Deliveries of the events (`dossier.<action>`, all when empty) on dossiers the system may see,
    signed with the returned secret (shown once: a retry with the same Idempotency-Key gets 409
    `idempotency_secret_shown_once`). See docs/api.md for verifying them."""
    caller = caller_of(request)
    subscription = webhook_subscribe(by=caller.user, system=_system(caller), url=payload.url, events=payload.events)  # type: ignore[arg-type]
    return Status(201, {**_out(subscription), "secret": subscription.secret})


@router.get(
    "",
    response={200: SubscriptionList, **READ_ERRORS},
    operation_id="webhooks_list",
    summary="List the system's active subscriptions",
    **MANAGERS,
)
def subscriptions(request: HttpRequest) -> Any:
    return {"items": [_out(s) for s in subscriptions_of(system=_system(caller_of(request)))]}


@router.post(
    "/{subscription_id}/unsubscribe",
    response={200: SubscriptionOut, **WRITE_ERRORS},
    operation_id="webhook_unsubscribe",
    summary="Stop a subscription",
    **MANAGERS,
)
@idempotent
def unsubscribe(request: HttpRequest, subscription_id: Id) -> Any:
    caller = caller_of(request)
    found = next((s for s in subscriptions_of(system=_system(caller)) if s.pk == subscription_id), None)
    if found is None:
        raise ApiError(404, "subscription_not_found", _("The system has no such active subscription."))
    return Status(200, _out(webhook_unsubscribe(by=caller.user, subscription=found)))  # type: ignore[arg-type]


__all__ = ["ErrorOut", "router"]
