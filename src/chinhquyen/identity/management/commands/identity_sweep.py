"""``manage.py identity_sweep``: delete old one-time codes and abandoned local sign-ups (daily, from cron)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from chinhquyen.identity.services import identity_sweep


class Command(BaseCommand):
    help = (
        "Delete one-time codes older than a week and local sign-ups never verified whose last code is older "
        "than a week, with their inactive accounts (personal data kept no longer than needed). Run it daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = identity_sweep()
        self.stdout.write(
            _("Deleted %(codes)d one-time code(s) and %(signups)d unfinished sign-up(s).")
            % {"codes": result.codes, "signups": result.signups}
        )
