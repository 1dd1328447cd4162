"""Background tasks of the integrations app: each is one call into a service, safe to run twice."""

from django_tasks import task

from .services.idempotency import idempotency_purge
from .services.webhooks import webhook_deliveries_requeue_due, webhook_delivery_attempt


@task()
def webhook_deliver(delivery_id: str) -> dict[str, str]:
    """Attempt one webhook delivery (a delivered or failed one is left alone)."""
    delivery = webhook_delivery_attempt(delivery_id=delivery_id)
    return {"delivery": str(delivery.pk), "state": delivery.state}


@task()
def integrations_sweep() -> dict[str, int]:
    """Purge expired idempotency records; re-enqueue deliveries whose task was lost."""
    return {"purged": idempotency_purge(), "requeued": webhook_deliveries_requeue_due()}
