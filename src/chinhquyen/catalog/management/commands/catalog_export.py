"""manage.py catalog_export PATH --format json|csv [--codes 1.001193,...]"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chinhquyen.catalog.models import Procedure
from chinhquyen.catalog.services import catalog_export


class Command(BaseCommand):
    help = "Export the procedure catalog as JSON (the national keys plus ours) or CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--format", choices=("json", "csv"), default="json")
        parser.add_argument("--codes", help="Only these procedure codes, comma-separated.")
        parser.add_argument("--active", action="store_true", help="Only active procedures.")

    def handle(self, *args: Any, **options: Any) -> None:
        procedures = Procedure.objects.all()
        if options["codes"]:
            procedures = procedures.filter(code__in=[c.strip() for c in options["codes"].split(",")])
        if options["active"]:
            procedures = procedures.filter(is_active=True)
        text = catalog_export(format=options["format"], procedures=procedures)
        Path(options["path"]).write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"{procedures.count()} procedures written to {options['path']}."))
