"""Check the audit log's hash chain; exit 1 at the first broken link (for cron and monitoring)."""

import sys
from typing import Any

from django.core.management.base import BaseCommand

from chinhquyen.core.audit import audit_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and report the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if result.ok:
            self.stdout.write(f"OK: {result.count} entries")
            return
        self.stderr.write(f"BROKEN at sequence {result.broken_at}: {result.reason} ({result.count} entries verified)")
        sys.exit(1)
