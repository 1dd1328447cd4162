"""Vietnamese text helpers: NFC normalisation and diacritic folding for search."""

import re
import unicodedata

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
