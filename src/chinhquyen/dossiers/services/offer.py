"""What the catalog offers an application: a procedure not withdrawn, offered online, handled by an active agency.

Checked by every way a dossier is opened (the counter, the portal's draft, the API), each taking what applies.
"""

from django.utils.translation import gettext as _

from chinhquyen.catalog.models import ONLINE_LEVELS, Procedure
from chinhquyen.catalog.selectors import procedure_handled_by
from chinhquyen.core.errors import InvalidInput
from chinhquyen.directory.models import Agency


def procedure_open_check(procedure: Procedure) -> None:
    """Refuse a procedure withdrawn from the catalog: nobody may apply for it any more."""
    if not procedure.is_active:
        raise InvalidInput(
            _("This procedure has been withdrawn from the catalog: applications for it are no longer accepted."),
            code="procedure_withdrawn",
            field="procedure",
        )


def procedure_online_check(procedure: Procedure) -> None:
    """Refuse a procedure the catalog does not offer online (checked again on submission: the level may change)."""
    if procedure.online_level not in ONLINE_LEVELS:
        raise InvalidInput(
            _("This procedure cannot be done online: apply at the counter of the agency that receives it."),
            code="procedure_not_online",
            field="procedure",
        )


def agency_handles_check(procedure: Procedure, agency: Agency | int, *, handled: bool | None = None) -> None:
    """Refuse an agency that is no longer active, or does not handle the procedure in this province.

    ``handled``, when the caller has already read the procedure's link to the agency (the API reads it with
    the procedure), spares the query. An agency given by id is one the caller found active (the counter's,
    from the officer's roles in force).
    """
    if isinstance(agency, Agency) and not agency.is_active:
        # Its own code: a draft left at an agency closed since (a commune merger) is moved, not rewritten.
        raise InvalidInput(
            _("This agency no longer receives applications: choose another agency that handles this procedure."),
            code="agency_inactive",
            field="agency",
        )
    if handled is None:
        agency_id = agency if isinstance(agency, int) else agency.pk
        handled = procedure_handled_by(procedure_id=procedure.pk, agency_id=agency_id)
    if not handled:
        raise InvalidInput(
            _("This agency does not handle this procedure; choose one of those listed."),
            code="agency_not_implementing",
            field="agency",
        )
