"""Create the local test certificate authority and a signing certificate for each agency (never in production)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chinhquyen.directory.models import Agency
from chinhquyen.dossiers.documents.pki import agency_credentials, dev_ca_allowed, pki_dir, trust_roots


class Command(BaseCommand):
    help = (
        "Create the development signing CA under the PKI directory and issue a certificate to every active "
        "agency (or to the agencies whose codes are given). Refused in production."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("codes", nargs="*", help="Agency codes (default: every active agency).")

    def handle(self, *args: Any, codes: list[str], **options: Any) -> None:
        if not dev_ca_allowed():
            raise CommandError("Production installs real certificates; see chinhquyen/dossiers/documents/pki.py.")
        agencies = Agency.objects.filter(code__in=codes) if codes else Agency.objects.filter(is_active=True)
        missing = set(codes) - {a.code for a in agencies}
        if missing:
            raise CommandError(f"Unknown agency codes: {', '.join(sorted(missing))}")
        trust_roots()
        for agency in agencies.order_by("code"):
            agency_credentials(agency)
            self.stdout.write(f"{agency.code}  {agency.name}")
        self.stdout.write(f"PKI directory: {pki_dir()}")
