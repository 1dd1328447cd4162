"""Vietnamese text helpers: NFC normalisation, diacritic folding for search, amounts of money."""

import re
import unicodedata
from decimal import Decimal

from django.utils.formats import get_format

_SPACES = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\ufeff"), None)
# Control characters no typed text holds (NUL, which PostgreSQL refuses in text, among them); tab, line feed
# and carriage return are white space and are folded like it.
_CONTROLS = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F], None)
# What a code in a URL (a procedure's, a petition's, an agency's) may hold; anything else is no code.
_CODE = re.compile(r"[0-9A-Za-z._-]{1,100}")
_DIGITS = re.compile(r"[0-9]{1,18}")


def clean(value: str) -> str:
    """Return ``value`` in NFC with invisible marks and control characters removed and runs of white space folded."""
    value = unicodedata.normalize("NFC", value).translate(_INVISIBLE).translate(_CONTROLS).replace("\u00a0", " ")
    return _SPACES.sub(" ", value).strip()


def code_plausible(value: str) -> bool:
    """Whether ``value`` may be a code at all (ASCII letters, digits, ``.``, ``_``, ``-``): look it up only then."""
    return _CODE.fullmatch(value) is not None


def whole_number(value: object) -> int | None:
    """``value`` as a non-negative integer if it is one written in ASCII digits (at most 18), else None.

    ``str.isdigit`` is true for "²", which ``int`` refuses: a form's hidden number is read with this instead.
    """
    if not isinstance(value, str) or _DIGITS.fullmatch(value) is None:
        return None
    return int(value)


def fold(value: str) -> str:
    """Fold to lower-case ASCII for diacritic-insensitive search ("Đăng ký" -> "dang ky")."""
    value = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    value = "".join(ch for ch in value if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", value.lower()).strip()


def amount_text(amount: Decimal, currency: str = "VND") -> str:
    """``1250000`` → ``1.250.000 VND``: grouped by thousands in every language (Vietnamese formats do not group)."""
    whole = f"{int(amount.quantize(Decimal(1))):,}".replace(",", str(get_format("THOUSAND_SEPARATOR")))
    return f"{whole} {currency}"
