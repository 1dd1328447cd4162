"""Load the demo province (Ninh Bình): agencies, staff for every role, applicants, the catalog."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from chinhquyen.demo.services import demo_province_build


class Command(BaseCommand):
    help = "Create or update the demo province and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        password = settings.DEMO_PASSWORD
        report = demo_province_build(password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo province ready: {report.agencies} agencies, {report.staff} staff accounts, "
                f"{report.procedures} procedures ({report.assigned} assigned to agencies), "
                f"{report.templates} process templates."
            )
        )
        self.stdout.write("")
        self.stdout.write("  Demo logins (password for all: %s)" % password)
        for username, roles in report.logins:
            self.stdout.write(f"    {username:<22} {roles}")
        self.stdout.write("  Administration: http://127.0.0.1:8000/admin/")
        self.stdout.write("")
