"""Services (writes) of the integrations app."""

from .credentials import (
    Issued,
    api_key_issue,
    api_key_revoke,
    credential_touch,
    officer_token_holder_check,
    officer_token_issue,
    officer_token_revoke,
    system_change,
    system_code_check,
    system_create,
)
from .idempotency import IDEMPOTENCY_TTL, Claim, idempotency_claim, idempotency_complete, idempotency_purge
from .webhooks import (
    webhook_deliveries_create,
    webhook_deliveries_requeue_due,
    webhook_delivery_attempt,
    webhook_delivery_replay,
    webhook_secrets_reencrypt,
    webhook_sign,
    webhook_subscribe,
    webhook_unsubscribe,
    webhooks_on_dossier_event,
)

__all__ = [
    "IDEMPOTENCY_TTL",
    "Claim",
    "Issued",
    "api_key_issue",
    "api_key_revoke",
    "credential_touch",
    "idempotency_claim",
    "idempotency_complete",
    "idempotency_purge",
    "officer_token_holder_check",
    "officer_token_issue",
    "officer_token_revoke",
    "system_change",
    "system_code_check",
    "system_create",
    "webhook_deliveries_create",
    "webhook_deliveries_requeue_due",
    "webhook_delivery_attempt",
    "webhook_delivery_replay",
    "webhook_secrets_reencrypt",
    "webhook_sign",
    "webhook_subscribe",
    "webhook_unsubscribe",
    "webhooks_on_dossier_event",
]
