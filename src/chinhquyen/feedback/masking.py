"""Personal data taken out of a petition's text before it is published.

What the sender gave (name, address, phone, e-mail) is removed wherever it appears, and so is anything
shaped like a contact or an identifier: e-mail addresses, and runs of nine digits or more, separated or
not by spaces, dots or dashes (phone numbers, the 12-digit personal number, the old 9-digit card, tax
codes, bank accounts). Dates and times are left alone. Each removal becomes :data:`MASK`.
"""

import re
from collections.abc import Iterable

MASK = "***"
# Parts of the sender's details shorter than this are not searched for (they would match common words).
MIN_KNOWN_LENGTH = 3

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Nine or more digits, optionally led by "+" and split by single spaces, dots or dashes; never a part of
# a date or a time ("12/03/2026", "10:30").
_NUMBER = re.compile(r"(?<![\w:/+])\+?(?:\d[ .\-]?){8,}\d(?![\w:/])")


def mask_personal(text: str, *, known: Iterable[str] = ()) -> str:
    """Return ``text`` with the sender's ``known`` details, e-mails and long numbers replaced by MASK."""
    for value in sorted({k.strip() for k in known if len(k.strip()) >= MIN_KNOWN_LENGTH}, key=len, reverse=True):
        text = re.sub(re.escape(value), MASK, text, flags=re.IGNORECASE)
    text = _EMAIL.sub(MASK, text)
    return _NUMBER.sub(MASK, text)
