"""Check the audit log's hash chain; exit 1 at the first broken link (for cron and monitoring).

``--anchors FILE`` also checks the tips that ``audit_anchor`` printed earlier and that were kept outside
the database: a chain rebuilt from scratch verifies on its own, but not against them; and their timestamps,
which a rebuilt chain cannot get for a past day.

Entries whose actor link (not hashed) points to a user the chain never knew by the entry's hashed actor
name are reported as actor link mismatches, apart from the chain's verdict, and also exit 1.
"""

import base64
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chinhquyen.core.audit import AuditAnchor, VerifyResult, audit_verify


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
        self._actor_mismatches_report(result)
        if result.ok and not result.actor_mismatch_count:
            checked = f", {len(anchors)} anchors" if anchors else ""
            stamped = f", {result.stamped} timestamped" if result.stamped else ""
            self.stdout.write(f"OK: {result.count} entries{checked}{stamped}")
            return
        if result.ok:
            self.stderr.write(
                f"The chain verifies ({result.count} entries), but the actor link of {result.actor_mismatch_count} "
                "of them does not match the hashed actor name."
            )
            sys.exit(1)
        reason = f"{result.reason}: {result.problem}" if result.problem else str(result.reason)
        self.stderr.write(f"BROKEN at sequence {result.broken_at}: {reason} ({result.count} entries verified)")
        sys.exit(1)

    def _actor_mismatches_report(self, result: VerifyResult) -> None:
        for mismatch in result.actor_mismatches:
            written = f"by {mismatch.actor_name!r}" if mismatch.actor_name else "with no actor"
            self.stderr.write(
                f"ACTOR LINK MISMATCH at sequence {mismatch.sequence}: written {written} (hashed), but the actor "
                f"link points to user {mismatch.actor_id}, now {mismatch.username!r}, who never had that name in the "
                "chain. The hash does not cover the link: it was re-pointed in the database, or the user was renamed "
                "without a user.rename entry (before renames were recorded)."
            )
        hidden = result.actor_mismatch_count - len(result.actor_mismatches)
        if hidden:
            self.stderr.write(f"… and {hidden} more actor link mismatches.")
