"""Personal data taken out of a petition's text before it is published.

What the sender gave (name, address, phone, e-mail) is removed wherever it appears, and so is anything
shaped like a contact or an identifier: e-mail addresses, and runs of nine digits or more, separated or
not by spaces, dots or dashes (phone numbers, the 12-digit personal number, the old 9-digit card, tax
codes, bank accounts), even right after a label ("CCCD:037090001234", "SĐT0912345678"). The sender's
details are found with or without diacritics and in any case ("Nguyen Van An" for "Nguyễn Văn An"). Dates
and times are left alone. Each removal becomes :data:`MASK`.
"""

import re
from collections.abc import Iterable

from chinhquyen.core.text import fold

MASK = "***"
# Parts of the sender's details shorter than this are not searched for (they would match common words).
MIN_KNOWN_LENGTH = 3

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Nine or more digits, optionally led by "+" and split by single spaces, dots or dashes, after anything but
# a digit (a label, "SĐT:", "CCCD" may come right before). Never a part of a date or a time ("12/03/2026",
# "10:30 12-03-2026"): a run joined to another digit by "/" or ":" is one only when its first (last) group
# has five digits or more, which no date or time has ("0912345678/0987654321" is two phone numbers).
_NUMBER = re.compile(
    r"(?<![\d_+])(?:(?<!\d[:/])|(?=\+?\d{5}))"
    r"\+?(?:\d[ .\-]?){8,}\d"
    r"(?!\w)(?:(?![:/]\d)|(?<=\d{5}))"
)


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` folded a character at a time, and where in ``text`` each folded character comes from."""
    folded: list[str] = []
    origins: list[int] = []
    for i, char in enumerate(text):
        part = " " if char.isspace() else fold(char)
        folded.append(part)
        origins.extend([i] * len(part))
    return "".join(folded), origins


def _mask_known(text: str, folded_value: str) -> str:
    """``text`` with every occurrence of ``folded_value`` (already folded) masked, whatever its diacritics."""
    folded, origins = _folded(text)
    pattern = r"\s+".join(re.escape(word) for word in folded_value.split(" "))
    pieces, last = [], 0
    for found in re.finditer(pattern, folded):
        start = origins[found.start()]
        # Up to the next folded character: the combining marks of the last one are masked with it.
        end = origins[found.end()] if found.end() < len(origins) else len(text)
        pieces += [text[last:start], MASK]
        last = end
    return "".join([*pieces, text[last:]])


def mask_personal(text: str, *, known: Iterable[str] = ()) -> str:
    """Return ``text`` with the sender's ``known`` details, e-mails and long numbers replaced by MASK."""
    values = {fold(k) for k in known}
    for value in sorted((v for v in values if len(v) >= MIN_KNOWN_LENGTH), key=len, reverse=True):
        text = _mask_known(text, value)
    text = _EMAIL.sub(MASK, text)
    return _NUMBER.sub(MASK, text)
