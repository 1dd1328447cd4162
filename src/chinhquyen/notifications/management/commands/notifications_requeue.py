from typing import Any

from django.core.management.base import BaseCommand

from chinhquyen.notifications.services import notifications_requeue


class Command(BaseCommand):
    help = "Queue again the notifications whose delivery task was lost (run it from cron every few minutes)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = notifications_requeue()
        self.stdout.write(f"{count} notification(s) queued again.")
