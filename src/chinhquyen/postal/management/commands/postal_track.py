"""``manage.py postal_track``: read from the postal partner the state of every open shipment (for cron)."""

from typing import Any

from django.core.management.base import BaseCommand

from chinhquyen.postal.services import postal_tracking_refresh_open


class Command(BaseCommand):
    help = "Read the state of every shipment the postal partner may still change."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=500, help="At most this many shipments (default 500).")

    def handle(self, *args: Any, limit: int, **options: Any) -> None:
        counts = postal_tracking_refresh_open(limit=limit)
        self.stdout.write(
            f"{counts['refreshed']} shipment(s) read, {counts['changed']} changed, {counts['failed']} failed."
        )
