"""Print the current one-time code of a demo official (the office login's second step)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from chinhquyen.demo.otp import demo_code


class Command(BaseCommand):
    help = "Print the current TOTP code (and the secret for an authenticator app) of a demo official."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo codes exist only outside production.")
        try:
            code, secret = demo_code(username=username)
        except TOTPDevice.DoesNotExist as exc:
            raise CommandError(f"{username} has no demo authenticator; run manage.py demo_province first.") from exc
        self.stdout.write(f"{code}  (secret for an authenticator app: {secret})")
