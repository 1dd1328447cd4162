from typing import Any

from django.core.management.base import BaseCommand

from chinhquyen.dossiers.services import dossier_events_dispatch


class Command(BaseCommand):
    help = (
        "Run the hooks (notifications, webhooks) of the dossier events still waiting for them, as the worker "
        "does after each transition; from cron every few minutes, it takes the events whose task was lost."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = dossier_events_dispatch()
        self.stdout.write(f"{report.dispatched} event(s) dispatched, {report.failed} left waiting after a failure.")
        if report.failed:
            raise SystemExit(1)
