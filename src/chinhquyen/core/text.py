"""Vietnamese text helpers: NFC normalisation, diacritic folding for search, amounts of money."""

import re
import unicodedata
from decimal import Decimal

from django.utils.formats import get_format

_SPACES = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\ufeff"), None)


def clean(value: str) -> str:
    """Return ``value`` in NFC with invisible marks removed and runs of white space folded."""
    value = unicodedata.normalize("NFC", value).translate(_INVISIBLE).replace("\u00a0", " ")
    return _SPACES.sub(" ", value).strip()


def fold(value: str) -> str:
    """Fold to lower-case ASCII for diacritic-insensitive search ("Đăng ký" -> "dang ky")."""
    value = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    value = "".join(ch for ch in value if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", value.lower()).strip()


def amount_text(amount: Decimal, currency: str = "VND") -> str:
    """``1250000`` → ``1.250.000 VND``: grouped by thousands in every language (Vietnamese formats do not group)."""
    whole = f"{int(amount.quantize(Decimal(1))):,}".replace(",", str(get_format("THOUSAND_SEPARATOR")))
    return f"{whole} {currency}"
