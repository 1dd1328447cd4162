"""Dossier codes (mã hồ sơ) ``<agency code>-YYMMDD-XXXX`` (spec §2)."""

import secrets
from datetime import datetime

from django.db import transaction

from chinhquyen.directory.models import Agency
from chinhquyen.workcal.engine import TZ

from .models import DossierCodeSequence


def dossier_code_next(*, agency: Agency, at: datetime) -> str:
    """Return the next code of ``agency`` for the Vietnam-time day of ``at``; call inside the receiving transaction.

    The counter row is taken with one upsert (INSERT ... ON CONFLICT DO UPDATE ... RETURNING, PostgreSQL and
    SQLite ≥ 3.35), which locks it until the transaction ends, so concurrent receptions at one agency queue on
    it and the numbers stay unique and gap-free: a rolled-back reception gives its number back. SQLite has no
    row locks but serialises writers (IMMEDIATE transactions), to the same effect.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("dossier_code_next must run inside the receiving transaction")
    day = at.astimezone(TZ).date()
    q = connection.ops.quote_name
    table = q(DossierCodeSequence._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({q('agency_id')}, {q('day')}, {q('last')}) VALUES (%s, %s, 1) "  # noqa: S608 - names only
        f"ON CONFLICT ({q('agency_id')}, {q('day')}) DO UPDATE SET {q('last')} = {table}.{q('last')} + 1 "
        f"RETURNING {q('last')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [agency.pk, connection.ops.adapt_datefield_value(day)])
        (last,) = cursor.fetchone()
    # Four digits, wider past 9999 (the spec allows a longer sequence on a busy day).
    return f"{agency.code}-{day:%y%m%d}-{last:04d}"


# Crockford's base32: no I, L, O or U, so nothing on a receipt reads as another character.
CROCKFORD_BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SECRET_LENGTH = 10  # 50 bits: guessing it is hopeless at the lookup's per-address limit, from any number of them
_SECRET_READS_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})


def lookup_secret_new() -> str:
    """A new lookup secret (mã tra cứu) for the receipt, in two groups of five: ``7KQ2M-X9PDA``."""
    chars = "".join(secrets.choice(CROCKFORD_BASE32) for _ in range(SECRET_LENGTH))
    return f"{chars[:5]}-{chars[5:]}"


def lookup_secret_normal(secret: str) -> str:
    """A secret as compared: upper case, without spaces or hyphens, O read as 0 and I or L as 1.

    Secrets issued before these (eight hexadecimal digits) hold none of O, I or L, so they compare as ever.
    """
    return secret.strip().upper().translate(_SECRET_READS_AS)
