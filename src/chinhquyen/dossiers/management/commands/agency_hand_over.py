"""Hand an agency's open work over to its successor (a merger of agencies), from the command line."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from chinhquyen.core.errors import DomainError
from chinhquyen.directory.models import Agency
from chinhquyen.dossiers.services import agency_work_hand_over, hand_over_summary


class Command(BaseCommand):
    help = (
        "Hand an agency's open work over to its successor (a merger of agencies): the steps held or to come there "
        "and the open dossiers it receives, each with an internal timeline row and an audit entry, in one "
        "transaction; with --deactivate, then make the agency inactive. Run it again for each agency merged."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="identifier code of the agency whose work is handed over")
        parser.add_argument("successor_code", help="identifier code of the active agency taking it over")
        parser.add_argument("--reason", required=True, help="why (e.g. the merger decision): in every timeline row")
        parser.add_argument("--deactivate", action="store_true", help="then make the agency inactive")

    def handle(self, *args: Any, code: str, successor_code: str, reason: str, deactivate: bool, **options: Any) -> None:
        agency, successor = _agency(code), _agency(successor_code)
        try:
            result = agency_work_hand_over(
                agency=agency, successor=successor, by=None, reason=reason, deactivate=deactivate
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(hand_over_summary(agency=agency, successor=successor, result=result))


def _agency(code: str) -> Agency:
    agency = Agency.objects.filter(code=code.strip()).first()
    if agency is None:
        raise CommandError(_("No agency has the code %(code)s.") % {"code": code})
    return agency
