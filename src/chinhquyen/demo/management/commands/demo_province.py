"""Load the demo province (Ninh Bình): agencies, staff for every role, applicants, the catalog."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chinhquyen.demo.dossiers import COMMUNE
from chinhquyen.demo.services import demo_province_build

SAMPLE_FRONT_DESK = f"motcua.{COMMUNE}"


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
        for username, roles, agency in report.logins:
            self.stdout.write(f"    {username:<22} {roles:<22} {agency}".rstrip())
        self.stdout.write(
            f"  The sample dossiers wait at the commune office: {SAMPLE_FRONT_DESK} (front desk), "
            f"chuyenvien.{COMMUNE}, lanhdao.{COMMUNE};"
        )
        self.stdout.write("    every commune has the same three (motcua.<commune>, chuyenvien.…, lanhdao.…).")
        self.stdout.write("  Portal (citizens): http://127.0.0.1:8000/ — “Đăng nhập”, then “VNeID”: the local identity")
        self.stdout.write("    simulator lists the demo citizens congdan, congdan2 and the business doanhnghiep;")
        self.stdout.write("    e-mails go to this console, SMS to http://127.0.0.1:8000/sms-sim/")
        self.stdout.write("  Office (officials): http://127.0.0.1:8000/office/")
        self.stdout.write(f"    second step, the code: .venv/bin/python manage.py demo_otp {SAMPLE_FRONT_DESK}")
        self.stdout.write("    (or add the secret it prints to an authenticator app)")
        self.stdout.write("  Administration: http://127.0.0.1:8000/admin/")
        self.stdout.write("")
