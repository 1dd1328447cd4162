from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chinhquyen.feedback.dispatch import petition_events_dispatch
from chinhquyen.feedback.selectors import petition_dispatch_failures_count


class Command(BaseCommand):
    help = (
        "Run the hooks (the sender's notifications) of the petition events still waiting for them, as the worker "
        "does after each change; from cron every few minutes, it takes the events whose task was lost. "
        "Exits 1 while an event's hooks keep failing (see the admin's petition event dispatch failures)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--retry-failed", action="store_true", help="try the events whose hooks failed now, not after the back-off"
        )

    def handle(self, *args: Any, retry_failed: bool, **options: Any) -> None:
        report = petition_events_dispatch(retry_failed=retry_failed)
        failing = petition_dispatch_failures_count()
        self.stdout.write(
            f"{report.dispatched} petition event(s) dispatched; {failing} waiting to be tried again after a failure."
        )
        if failing:
            raise SystemExit(1)
