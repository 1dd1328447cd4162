"""The tracking register (form 07) over a long period, typeset in the background (``RegisterExport``).

Typst lays a register out at about 1,000 rows a second on one core, and a busy one-stop desk receives some 8,000
dossiers a year: a year's register takes 10 to 20 seconds and up to 2 GB of memory, too long for a web request.
A register of more than ``REGISTER_IMMEDIATE_ROWS`` dossiers is asked for (``register_export_request``), a task
typesets it (``register_export_render``, typst in a child process that takes the memory with it) and the officer
downloads it from the register's page.
"""

import logging
from datetime import date, timedelta
from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.core.errors import InvalidInput, NotAllowed
from chinhquyen.directory.models import Agency, User

from ..models import RegisterExport, RegisterExportState
from ..transitions import user_agency_ids

logger = logging.getLogger(__name__)

# The longest period of a register: one book a year (a leap year's 366 days).
REGISTER_MAX_DAYS = 366
# A register of up to this many dossiers is typeset while the officer waits (about 2 seconds); a longer one in
# the background.
REGISTER_IMMEDIATE_ROWS = 1000
# An officer's exports are deleted, with their files, this many days after they were asked for.
REGISTER_EXPORT_KEEP_DAYS = 7
# A run of the task that has not finished after this long is taken to have died: another run may take the export.
REGISTER_EXPORT_LEASE = timedelta(minutes=15)


def register_export_request(*, officer: User, agency: Agency, date_from: date, date_to: date) -> RegisterExport:
    """Queue the register of ``agency`` from ``date_from`` to ``date_to`` (both included) for ``officer``.

    The officer must hold a role in force in ``agency`` (``not_allowed``), and the period run forward over at most
    ``REGISTER_MAX_DAYS`` days (``register_period_invalid``). The same register asked for again while it is being
    prepared is that export (a form sent twice queues one task), queued again when it has waited or run longer
    than ``REGISTER_EXPORT_LEASE`` (a task lost, or a worker that died). Exports asked for more than
    ``REGISTER_EXPORT_KEEP_DAYS`` days ago, anyone's, are deleted with their files. Tasks are queued after the commit.
    """
    if agency.pk not in user_agency_ids(user=officer):
        raise NotAllowed(_("You may print only the registers of the agencies you work for."), code="not_allowed")
    if date_from > date_to or (date_to - date_from).days >= REGISTER_MAX_DAYS:
        raise InvalidInput(
            _("Choose a period of at most %(days)d days, its last day on or after its first.")
            % {"days": REGISTER_MAX_DAYS},
            code="register_period_invalid",
        )
    with transaction.atomic():
        # The officer's row, locked, lines up two requests sent at once: the second finds the first's export.
        User.objects.select_for_update().filter(pk=officer.pk).values_list("pk").first()
        export = RegisterExport.objects.filter(
            requested_by=officer, agency=agency, date_from=date_from, date_to=date_to, state=RegisterExportState.QUEUED
        ).first()
        now = timezone.now()
        if export is None:
            export = RegisterExport.objects.create(
                agency=agency, date_from=date_from, date_to=date_to, requested_by=officer, requested_at=now
            )
            transaction.on_commit(partial(register_export_enqueue, export_id=export.pk))
        elif (export.started_at or export.requested_at) < now - REGISTER_EXPORT_LEASE:
            transaction.on_commit(partial(register_export_enqueue, export_id=export.pk))
        _expired_delete()
    return export


def register_export_enqueue(*, export_id: int) -> bool:
    """Queue the task typesetting export ``export_id``; on failure log it and return False, never raise."""
    from ..tasks import register_export_render_queued

    try:
        register_export_render_queued.enqueue(export_id=export_id)
    except Exception:  # the request has committed: the officer sees the export being prepared and may ask again
        logger.exception("Register export %s could not be queued.", export_id)
        return False
    return True


def register_export_render(*, export_id: int) -> str:
    """Typeset the register of export ``export_id`` and return its state afterwards; safe to run twice.

    One run takes the export (a second finds it taken, or done, and leaves it); a run that died is taken over
    after ``REGISTER_EXPORT_LEASE``. The register is that of the officer who asked, as they may read it now: one
    who no longer holds a role in the agency gets a failed export (``not_allowed``), not a register. The data is
    read here, the PDF typeset in a short-lived child process (``render_slip(..., isolated=True)``). A PDF that
    cannot be made, or a child that dies, fails the export (``render_failed``) with the cause logged.
    """
    from .. import documents, selectors

    started = timezone.now()
    taken = (
        RegisterExport.objects.filter(pk=export_id, state=RegisterExportState.QUEUED)
        .filter(Q(started_at=None) | Q(started_at__lt=started - REGISTER_EXPORT_LEASE))
        .update(started_at=started)
    )
    if not taken:
        return RegisterExport.objects.filter(pk=export_id).values_list("state", flat=True).first() or "missing"
    export = RegisterExport.objects.select_related("agency", "requested_by").get(pk=export_id)
    mine = RegisterExport.objects.filter(pk=export_id, state=RegisterExportState.QUEUED, started_at=started)
    agency, officer = export.agency, export.requested_by
    if agency.pk not in user_agency_ids(user=officer):
        mine.update(state=RegisterExportState.FAILED, error="not_allowed", finished_at=timezone.now())
        return RegisterExportState.FAILED
    try:
        dossiers = selectors.dossier_register(
            officer=officer, agency=agency, date_from=export.date_from, date_to=export.date_to
        )
        data = documents.register_data_for(
            agency=agency, dossiers=dossiers, date_from=export.date_from, date_to=export.date_to
        )
        # Typst in a child process: the worker would otherwise keep its 2 GB, and more with each register.
        pdf = documents.render_slip(kind="07", data=data, isolated=True)
        export.file.save("register.pdf", ContentFile(pdf), save=False)
    except Exception:
        logger.exception("Register export %s could not be typeset.", export_id)
        mine.update(state=RegisterExportState.FAILED, error="render_failed", finished_at=timezone.now())
        return RegisterExportState.FAILED
    done = mine.update(
        state=RegisterExportState.READY, file=export.file.name, rows=len(dossiers), finished_at=timezone.now()
    )
    if not done:  # taken over meanwhile (this run outlived its lease): the other run's file counts
        export.file.storage.delete(export.file.name)
        return RegisterExport.objects.filter(pk=export_id).values_list("state", flat=True).first() or "missing"
    return RegisterExportState.READY


def _expired_delete() -> None:
    # Everyone's, not only the asking officer's: one who never asks again would keep their files for good.
    expired = RegisterExport.objects.filter(requested_at__lt=timezone.now() - timedelta(days=REGISTER_EXPORT_KEEP_DAYS))
    stored = [(e.file.storage, e.file.name) for e in expired if e.file.name]
    expired.delete()
    if stored:

        def files_delete() -> None:
            for storage, name in stored:
                storage.delete(name)

        transaction.on_commit(files_delete)
