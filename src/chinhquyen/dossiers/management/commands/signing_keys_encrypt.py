"""Encrypt the signing keys still in clear with SIGNING_KEY_PASSPHRASE (once, when migrating an installation)."""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from chinhquyen.dossiers.documents.pki import signing_keys_encrypt


class Command(BaseCommand):
    help = (
        "Rewrite every agency's key.pem (and the development CA's and TSA's) that is not encrypted yet, encrypted "
        "with SIGNING_KEY_PASSPHRASE. Keys already encrypted are left alone; safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = signing_keys_encrypt()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        for path in result.encrypted:
            self.stdout.write(f"encrypted {path}")
        self.stdout.write(f"{len(result.encrypted)} keys encrypted, {len(result.already_encrypted)} already encrypted.")
