"""Load the demo province (Ninh Bình): agencies, staff for every role, applicants, the catalog."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chinhquyen.demo.services import demo_province_build


class Command(BaseCommand):
    help = "Create or update the demo province and print the demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Rebuild even if the demo province exists.")

    def handle(self, *args: Any, force: bool, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo province is for development and demonstrations, not production.")
        password = settings.DEMO_PASSWORD
        report = demo_province_build(password=password, force=force)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo province ready: {report.agencies} agencies, {report.staff} staff accounts, "
                f"{report.procedures} procedures ({report.assigned} assigned to agencies), "
                f"{report.templates} process templates, {report.dossiers} sample dossiers."
            )
        )
        self.stdout.write("")
        self.stdout.write(f"  Demo logins (password for all: {password})")
        for username, roles in report.logins:
            self.stdout.write(f"    {username:<22} {roles}")
        self.stdout.write("  Portal (citizens): http://127.0.0.1:8000/ — “Đăng nhập”, then “VNeID”: the local identity")
        self.stdout.write("    simulator lists the demo citizens congdan, congdan2 and the business doanhnghiep;")
        self.stdout.write("    e-mails go to this console, SMS to http://127.0.0.1:8000/sms-sim/")
        self.stdout.write("  Office (officials): http://127.0.0.1:8000/office/")
        self.stdout.write("    second step, the one-time code: .venv/bin/python manage.py demo_otp motcua")
        self.stdout.write("    (or add the secret it prints to an authenticator app)")
        self.stdout.write("  Administration: http://127.0.0.1:8000/admin/")
        self.stdout.write("")
