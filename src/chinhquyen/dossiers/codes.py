"""Dossier codes (mã hồ sơ) ``<agency code>-YYMMDD-XXXX`` (spec §2)."""

from datetime import datetime

from django.db import transaction

from chinhquyen.directory.models import Agency
from chinhquyen.workcal.engine import TZ

from .models import DossierCodeSequence


def dossier_code_next(*, agency: Agency, at: datetime) -> str:
    """Return the next code of ``agency`` for the Vietnam-time day of ``at``; call inside the receiving transaction.

    The counter row is locked (SELECT ... FOR UPDATE) until the transaction ends, so concurrent receptions at one
    agency queue on it and the numbers stay unique and gap-free: a rolled-back reception gives its number back.
    SQLite has no row locks but serialises writers (IMMEDIATE transactions), to the same effect.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("dossier_code_next must run inside the receiving transaction")
    day = at.astimezone(TZ).date()
    sequence, _ = DossierCodeSequence.objects.select_for_update().get_or_create(agency=agency, day=day)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    # Four digits, wider past 9999 (the spec allows a longer sequence on a busy day).
    return f"{agency.code}-{day:%y%m%d}-{sequence.last:04d}"
