"""Purge expired idempotency records and re-enqueue webhook deliveries whose task was lost (cron)."""

from typing import Any

from django.core.management.base import BaseCommand

from chinhquyen.integrations.services import idempotency_purge, webhook_deliveries_requeue_due


class Command(BaseCommand):
    help = "Purge idempotency records older than 24 hours and re-enqueue overdue webhook deliveries."

    def handle(self, *args: Any, **options: Any) -> None:
        purged = idempotency_purge()
        requeued = webhook_deliveries_requeue_due()
        self.stdout.write(f"purged {purged} idempotency records, re-enqueued {requeued} deliveries")
