"""Import date overrides (ngày nghỉ, ngày làm bù) from a text file: YYYY-MM-DD,day_off|holiday|working_day,reason."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext_lazy as _

from chinhquyen.workcal.services import date_overrides_import


class Command(BaseCommand):
    help = (
        "Import date overrides from a UTF-8 file of lines YYYY-MM-DD,day_off|holiday|working_day,reason "
        "(all or nothing)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
        result = date_overrides_import(text=text)
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(_("%(count)d line(s) refused; nothing was saved.") % {"count": len(result.errors)})
        self.stdout.write(
            self.style.SUCCESS(_("Imported %(count)d date override(s).") % {"count": len(result.created)})
        )
