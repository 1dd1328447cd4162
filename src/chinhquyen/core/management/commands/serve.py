"""Start the whole platform on one machine: the web server and the task worker."""

import signal
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start the web server and the background task worker together (development and demo)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args: Any, addrport: str, **options: Any) -> None:
        worker = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py, no user input
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--queue-name", "*"],
        )
        self.stdout.write(self.style.SUCCESS(f"Task worker started (pid {worker.pid})."))
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
