"""Compare the ``holidays`` package's days with those the calendar last used; re-time open dossiers if they moved."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from chinhquyen.workcal.services import HolidaysCheck, library_days_reconcile


class Command(BaseCommand):
    help = (
        "Record the public holidays and swapped days of the installed holidays package; when a new release moved "
        "some since the last run, re-time the open dossiers. Run it after every upgrade (make run does)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", type=datetime.date.fromisoformat, default=None, help="YYYY-MM-DD: count the years from it."
        )

    def handle(self, *args: Any, today: datetime.date | None, **options: Any) -> None:
        check = library_days_reconcile(today=today)
        for line in _lines(check):
            self.stdout.write(line)


def _lines(check: HolidaysCheck) -> list[str]:
    lines = []
    if check.recorded:
        years = f"{check.recorded[0]}–{check.recorded[-1]}" if len(check.recorded) > 1 else str(check.recorded[0])
        lines.append(
            _("Recorded the days of holidays %(version)s for the years %(years)s.")
            % {"version": check.version, "years": years}
        )
    if check.since is None:
        if not check.recorded:
            lines.append(_("No change in the public holidays (holidays %(version)s).") % {"version": check.version})
        return lines
    lines.append(
        _("The public-holiday calendar was updated (holidays %(old)s → %(new)s) from %(date)s.")
        % {"old": check.version_before, "new": check.version, "date": check.since.strftime("%d/%m/%Y")}
    )
    labels = {
        ("days_off", True): _("Days off added: %(dates)s"),
        ("days_off", False): _("Days off removed: %(dates)s"),
        ("working_days", True): _("Working days added: %(dates)s"),
        ("working_days", False): _("Working days removed: %(dates)s"),
        ("holidays", True): _("Public holidays added: %(dates)s"),
        ("holidays", False): _("Public holidays removed: %(dates)s"),
    }
    for (kind, added), label in labels.items():
        dates = (check.added if added else check.removed)[kind]
        if dates:
            lines.append(label % {"dates": ", ".join(d.strftime("%d/%m/%Y") for d in dates)})
    lines.append(str(check.retimed))
    return lines
