"""Print the audit chain's tip as one JSON line, to keep outside the database (cron: append it elsewhere)."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from chinhquyen.core.audit import audit_anchor_current


class Command(BaseCommand):
    help = "Print the audit chain's tip (sequence and hash) as a JSON line for audit_verify --anchors."

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = audit_anchor_current()
        if anchor is None:
            raise CommandError("The audit log is empty: there is nothing to anchor yet.")
        line = {"sequence": anchor.sequence, "hash": anchor.hash, "at": timezone.now().isoformat(timespec="seconds")}
        self.stdout.write(json.dumps(line))
