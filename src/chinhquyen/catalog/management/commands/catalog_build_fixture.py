"""manage.py catalog_build_fixture --source DIR --output FILE.json.xz [--report docs/catalog-import-report.md]

Imports the province- and commune-level procedures of the national files into the (empty) catalog
of the current database, writes them as a compressed fixture, then rolls the import back. Run it on
a throw-away database: ``DATABASE_URL=sqlite://:memory: manage.py catalog_build_fixture ...``
(the command migrates an empty database first).
"""

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from chinhquyen.catalog.models import Procedure
from chinhquyen.catalog.services import catalog_build_fixture
from chinhquyen.catalog.services.demo import DEMO_LEVELS, FIXTURE_PATH
from chinhquyen.catalog.services.report import report_markdown, report_summary
from chinhquyen.core.errors import DomainError

MAIN_FILE = "tthc_procedures.json"
DETAILS_FILE = "tthc_procedures_details.json"
SOURCE_NOTE = (
    "Built by `manage.py catalog_build_fixture` from `{main}` and `{details}` of the national procedure "
    "catalogue (see `../shared/data/README.md`), keeping the levels {levels}."
)


class Command(BaseCommand):
    help = "Build the demo catalog fixture from the national files, with its import report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", type=Path, required=True, help=f"Folder with {MAIN_FILE} and {DETAILS_FILE}.")
        parser.add_argument("--output", type=Path, default=FIXTURE_PATH)
        parser.add_argument("--report", type=Path, default=Path("docs/catalog-import-report.md"))
        parser.add_argument("--levels", default=",".join(DEMO_LEVELS))

    def handle(self, *args: Any, **options: Any) -> None:
        # call_command() passes keyword options through without argparse's type conversion.
        source, output, report_path = Path(options["source"]), Path(options["output"]), Path(options["report"])
        levels = [level for level in options["levels"].split(",") if level]
        if Procedure._meta.db_table not in connection.introspection.table_names():
            call_command("migrate", verbosity=0, interactive=False)
        try:
            main = (source / MAIN_FILE).read_text(encoding="utf-8")
            details_path = source / DETAILS_FILE
            details = details_path.read_text(encoding="utf-8") if details_path.exists() else None
            build = catalog_build_fixture(main=main, details=details, output=output, levels=levels)
        except (OSError, ValueError, DomainError) as exc:
            raise CommandError(str(exc)) from exc
        if build.report.refused:
            for error in build.report.errors:
                self.stderr.write(str(error))
            raise CommandError("The national files were refused; no fixture written.")
        note = SOURCE_NOTE.format(
            main=MAIN_FILE, details=DETAILS_FILE if details else "(no details file)", levels=", ".join(levels)
        )
        title = "Catalog import report: the demo fixture"
        report_path.parent.mkdir(parents=True, exist_ok=True)
        report_path.write_text(
            report_markdown(build.report, title=title, source=note, counts=build.counts), encoding="utf-8"
        )
        self.stdout.write(report_summary(build.report))
        self.stdout.write(self.style.SUCCESS(f"Wrote {output} ({build.size:,} bytes) and {report_path}."))
