"""Petition reference codes: ``PAKN-YYMMDD-XXXXXX`` (filing date in Vietnam time, six random characters).

Random rather than sequential, so that a code says nothing about how many petitions exist and cannot
be guessed from another one.
"""

import secrets
from datetime import datetime

from chinhquyen.workcal.engine import TZ

# No 0/O, 1/I: the code is read out over the phone.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
RANDOM_LENGTH = 6
PREFIX = "PAKN"


def petition_code_new(*, at: datetime) -> str:
    day = at.astimezone(TZ).strftime("%y%m%d")
    suffix = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return f"{PREFIX}-{day}-{suffix}"
