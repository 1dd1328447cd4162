"""Check the audit log's hash chain; exit 1 at the first broken link (for cron and monitoring).

``--anchors FILE`` also checks the tips that ``audit_anchor`` printed earlier and that were kept outside
the database: a chain rebuilt from scratch verifies on its own, but not against them.
"""

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
            sequence, digest = row["sequence"], row["hash"]
            if not isinstance(sequence, int) or sequence < 1 or not isinstance(digest, str):
                raise ValueError(line)
        except (ValueError, TypeError, KeyError) as exc:
            raise CommandError(f"{path}, line {number}: not an anchor as audit_anchor prints it") from exc
        anchors.append(AuditAnchor(sequence=sequence, hash=digest))
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
            self.stdout.write(f"OK: {result.count} entries{checked}")
            return
        self.stderr.write(f"BROKEN at sequence {result.broken_at}: {result.reason} ({result.count} entries verified)")
        sys.exit(1)
