"""manage.py catalog_import PATH [--details PATH] [--format national|json|csv] [--levels tỉnh,xã] [--report PATH]"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chinhquyen.catalog.services import FORMATS, catalog_import
from chinhquyen.catalog.services.report import report_markdown, report_summary


class Command(BaseCommand):
    help = "Import procedures from the national catalogue format, or from our JSON or CSV export."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--details", type=Path, help="The national details file (documents, steps, conditions).")
        parser.add_argument("--format", choices=FORMATS, help="Default: csv for *.csv, else national.")
        parser.add_argument("--levels", help="Import only these levels, comma-separated: bộ,tỉnh,xã,khác.")
        parser.add_argument("--report", type=Path, help="Write the import report (Markdown) here.")

    def handle(self, *args: Any, **options: Any) -> None:
        # call_command() passes keyword options through without argparse's type conversion.
        path = Path(options["path"])
        fmt = options["format"] or ("csv" if path.suffix.lower() == ".csv" else "national")
        levels = options["levels"].split(",") if options["levels"] else None
        try:
            data = path.read_text(encoding="utf-8")
            details = Path(options["details"]).read_text(encoding="utf-8") if options["details"] else None
            report = catalog_import(data=data, format=fmt, details=details, levels=levels)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if report.refused:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{path}: refused, nothing saved ({len(report.errors)} error(s)).")
        if options["report"]:
            title = "Catalog import report"
            Path(options["report"]).write_text(
                report_markdown(report, title=title, source=f"Source: `{path}`"), "utf-8"
            )
        for issue in report.issues if options["verbosity"] > 1 else []:
            self.stdout.write(f"{issue.code}\t{issue.field}\t{issue.raw[:80]!r}\t{issue.reason}")
        self.stdout.write(self.style.SUCCESS(report_summary(report)))
