"""Print the audit chain's tip as one JSON line, to keep outside the database (cron: append it elsewhere).

The line carries an RFC 3161 timestamp over the tip's hash when a timestamp authority is configured
(``SIGNING_TSA_URL``; the test CA's in development). If the authority fails, the line is still printed, without
it, and the command exits 1 so that cron reports it.
"""

import base64
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from chinhquyen.core.anchor_stamps import anchor_stamper
from chinhquyen.core.audit import audit_anchor_current

NO_TSA = "No timestamp authority is configured (SIGNING_TSA_URL): the anchor has no timestamp."


class Command(BaseCommand):
    help = "Print the audit chain's tip (sequence, hash and a trusted timestamp) as a JSON line for audit_verify."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-timestamp", action="store_true", help="Do not ask the timestamp authority.")

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = audit_anchor_current()
        if anchor is None:
            raise CommandError("The audit log is empty: there is nothing to anchor yet.")
        line: dict[str, Any] = {
            "sequence": anchor.sequence,
            "hash": anchor.hash,
            "at": timezone.now().isoformat(timespec="seconds"),
        }
        stamper = None if options["no_timestamp"] else anchor_stamper()
        failed = ""
        if stamper is not None:
            try:
                token = stamper.stamp(bytes.fromhex(anchor.hash))
            except Exception as exc:  # noqa: BLE001 - the anchor is worth keeping without its timestamp
                token, failed = None, f"{type(exc).__name__}: {exc}"
            if token is not None:
                line["timestamp"] = base64.b64encode(token).decode("ascii")
            elif not failed:
                self.stderr.write(NO_TSA)
        self.stdout.write(json.dumps(line))
        if failed:
            self.stderr.write(f"The timestamp authority failed, the anchor has no timestamp: {failed}")
            sys.exit(1)
