"""Encrypt the webhook signing secrets again with the first FIELD_ENCRYPTION_KEY (after a key rotation)."""

from typing import Any

from django.core.management.base import BaseCommand

from chinhquyen.integrations.services import webhook_secrets_reencrypt


class Command(BaseCommand):
    help = "Re-encrypt every webhook signing secret with the first FIELD_ENCRYPTION_KEY (then drop the old keys)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = webhook_secrets_reencrypt()
        self.stdout.write(f"re-encrypted {count} webhook secrets")
