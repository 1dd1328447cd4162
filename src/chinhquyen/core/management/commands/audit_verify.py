"""Check the audit log's hash chain; exit 1 at the first broken link (for cron and monitoring).

``--anchors FILE`` also checks the tips that ``audit_anchor`` printed earlier and that were kept outside
the database: a chain rebuilt from scratch verifies on its own, but not against them; and their timestamps,
which a rebuilt chain cannot get for a past day.
"""

import base64
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chinhquyen.core.audit import AuditAnchor, audit_verify


def anchors_read(path: Path) -> list[AuditAnchor]:
    """The anchors of a file of JSON lines as ``audit_anchor`` prints them; blank lines are skipped."""
    anchors = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CommandError(f"Cannot read the anchors file {path}: {exc.strerror}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            sequence, digest, stamp = row["sequence"], row["hash"], row.get("timestamp")
            if not isinstance(sequence, int) or sequence < 1 or not isinstance(digest, str):
                raise ValueError(line)
            if stamp is not None and not isinstance(stamp, str):
                raise ValueError(line)
            token = base64.b64decode(stamp, validate=True) if stamp is not None else None
        except (ValueError, TypeError, KeyError, AttributeError) as exc:  # binascii.Error is a ValueError
            raise CommandError(f"{path}, line {number}: not an anchor as audit_anchor prints it") from exc
        anchors.append(AuditAnchor(sequence=sequence, hash=digest, timestamp=token))
    return anchors


class Command(BaseCommand):
    help = "Verify the audit log's hash chain (and the anchors kept outside it) and report the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--anchors", type=Path, help="A file of the lines audit_anchor printed, one per line.")

    def handle(self, *args: Any, **options: Any) -> None:
        anchors = anchors_read(options["anchors"]) if options["anchors"] else []
        result = audit_verify(anchors=anchors)
        if result.ok:
            checked = f", {len(anchors)} anchors" if anchors else ""
            stamped = f", {result.stamped} timestamped" if result.stamped else ""
            self.stdout.write(f"OK: {result.count} entries{checked}{stamped}")
            return
        reason = f"{result.reason}: {result.problem}" if result.problem else str(result.reason)
        self.stderr.write(f"BROKEN at sequence {result.broken_at}: {reason} ({result.count} entries verified)")
        sys.exit(1)
