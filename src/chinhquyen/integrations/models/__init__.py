"""Models of the integrations app: callers' credentials, idempotency records, webhooks."""

from .credentials import ApiKey, OfficerToken, Scope, System
from .idempotency import IdempotencyRecord
from .webhooks import DeliveryState, WebhookAttempt, WebhookDelivery, WebhookSubscription

__all__ = [
    "ApiKey",
    "DeliveryState",
    "IdempotencyRecord",
    "OfficerToken",
    "Scope",
    "System",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
]
