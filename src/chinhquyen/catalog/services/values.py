"""Pure parsers for the values of an imported record: texts, numbers, time limits, fee cells.

Each parser returns what it could read and, when it could not, a reason; it never guesses. The
caller leaves the value empty and lists the reason in the import report.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from chinhquyen.core.text import clean

from ..models import TimeUnit
from ..models.procedure import MAX_TIME_LIMIT_YEARS, time_limit_too_long

# Largest number a DecimalField(max_digits=10, decimal_places=2) holds.
_MAX_TIME_LIMIT = Decimal("99999999.99")
_MAX_AMOUNT = Decimal("99999999999999.99")

_TIME_LIMIT = re.compile(r"^(\d+(?:\.\d+)?)\s+(.+)$")
_UNIT_WORDS = {
    "ngày làm việc": TimeUnit.WORKING_DAYS,
    "ngày": TimeUnit.DAYS,
    "giờ làm việc": TimeUnit.WORKING_HOURS,
    "giờ": TimeUnit.HOURS,
    "tháng": TimeUnit.MONTHS,
    "phút": TimeUnit.MINUTES,
}
_UNITS = frozenset(TimeUnit.values)
_BARE_NUMBER = re.compile(r"^[\d.,]+$")

# A fee cell as the portal prints it: "10,000 Việt Nam Đồng(note)", "25 USD(note)", "Miễn phí(note)".
_FEE_HEAD = re.compile(r"^(?:(?P<free>Miễn phí)|(?:(?P<amount>\d[\d.,]*) )?(?P<cur>VNĐ|Việt Nam Đồng|USD))(?=\(|$)")
_CURRENCIES = {"VNĐ": "VND", "Việt Nam Đồng": "VND", "USD": "USD"}
# By currency: how an amount is written, and its thousands separators. The đồng has no fractional unit,
# so a dot before groups of three digits groups thousands ("10.000", "1.250.000"), as Vietnamese writes
# them; any other dot ("10.5", "10.00") is not read as a decimal point but reported.
_AMOUNTS = {
    "VND": (re.compile(r"^\d+$|^\d{1,3}(?:,\d{3})+$|^\d{1,3}(?:\.\d{3})+$"), re.compile(r"[.,]")),
    "USD": (re.compile(r"^\d{1,3}(?:,\d{3})*(?:\.\d+)?$|^\d+(?:\.\d+)?$"), re.compile(",")),
}
# An amount of money written in a note: "5.000.000đồng", "40.000 đồng/01 Giấy", "10 USD".
_MONEY_IN_NOTE = re.compile(r"\d[\d.,]*\s*(?:đồng|đ\b|đ/|vnđ|usd)", re.IGNORECASE)


@dataclass(frozen=True)
class TimeLimit:
    value: Decimal | None
    unit: str
    problem: str | None = None


@dataclass(frozen=True)
class FeeCell:
    description: str
    amount: Decimal | None
    currency: str
    raw: str
    problem: str | None = None


# What :func:`clean` would change; most imported text is already clean, and checking is far cheaper.
_DIRTY = re.compile(r"[\u200b-\u200f\ufeff\u00a0]|\s\s|[^\S ]|^\s|\s$")


def _clean(value: str) -> str:
    if _DIRTY.search(value) is None and unicodedata.is_normalized("NFC", value):
        return value
    return clean(value)


def text(value: Any) -> str:
    """One-line text in NFC; None gives ""."""
    if value is None:
        return ""
    return _clean(str(value))


def long_text(value: Any) -> str:
    """Text in NFC that keeps its line breaks (steps, conditions, fee cells)."""
    if value is None:
        return ""
    lines = (_clean(line) for line in str(value).splitlines())
    return "\n".join(lines).strip()


def decimal(value: Any, *, maximum: Decimal = _MAX_AMOUNT) -> Decimal | None:
    """A non-negative number with at most two decimals, or None when it is not one."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0 or number > maximum or number != number.quantize(Decimal("0.01")):
        return None
    return number


def boolean(value: Any) -> bool | None:
    """True/False from JSON or CSV ("true", "1", "có", ...); None when it is neither."""
    if isinstance(value, bool):
        return value
    word = text(value).lower()
    if word in {"true", "1", "yes", "có", "x"}:
        return True
    if word in {"false", "0", "no", "không"}:
        return False
    return None


def time_limit(raw_text: str, raw_value: Any, raw_unit: Any) -> TimeLimit:
    """Read a time limit from the published text and, when given, the source's value and unit.

    A bare number ("1", "120,000") has no unit, so it is not a time limit the platform can count.
    """
    unit = text(raw_unit)
    if unit:
        if unit not in _UNITS:
            return TimeLimit(None, "", _("unknown time unit %(unit)s") % {"unit": unit})
        if raw_value is None or raw_value == "":
            match = _TIME_LIMIT.match(raw_text)
            raw_value = match.group(1) if match else None
        value = decimal(raw_value, maximum=_MAX_TIME_LIMIT)
        if value is None:
            return TimeLimit(None, "", _("a unit without a readable number"))
        return _counted(value, unit)
    if not raw_text:
        if raw_value is None or raw_value == "":
            return TimeLimit(None, "")
        return TimeLimit(None, "", _("a number without a unit"))
    match = _TIME_LIMIT.match(raw_text)
    if match:
        word = match.group(2).strip().lower()
        value = decimal(match.group(1), maximum=_MAX_TIME_LIMIT)
        if word in _UNIT_WORDS and value is not None:
            return _counted(value, _UNIT_WORDS[word].value)
    if _BARE_NUMBER.match(raw_text):
        return TimeLimit(None, "", _("a number without a unit"))
    return TimeLimit(None, "", _("not a time limit the platform can read"))


def _counted(value: Decimal, unit: str) -> TimeLimit:
    """The limit, unless it is longer than the catalog allows ("20000000 Ngày làm việc")."""
    if time_limit_too_long(value, unit):
        return TimeLimit(None, "", _("a time limit longer than %(years)s years") % {"years": MAX_TIME_LIMIT_YEARS})
    return TimeLimit(value, unit)


def fee_cells(fees_text: str) -> list[FeeCell]:
    """Split the published fee text into cells and read each one.

    Cells are separated by line breaks, but a note in parentheses may itself run over several
    lines; a line that does not start a cell continues the previous one while its parenthesis is open.
    """
    cells: list[str] = []
    for line in fees_text.splitlines():
        if not line.strip():
            continue
        if cells and not _FEE_HEAD.match(line) and cells[-1].count("(") > cells[-1].count(")"):
            cells[-1] += "\n" + line
        else:
            cells.append(line)
    return [_fee_cell(cell) for cell in cells]


def _fee_cell(cell: str) -> FeeCell:
    head = _FEE_HEAD.match(cell)
    if head is None:
        return FeeCell(cell, None, "", cell, _("neither an amount with a currency nor “Miễn phí”"))
    rest = cell[head.end() :]
    note = rest[1:-1] if rest.startswith("(") and rest.endswith(")") else rest.removeprefix("(")
    note = note.strip()
    if head.group("free"):
        if _MONEY_IN_NOTE.search(note):
            return FeeCell(cell, None, "", cell, _("marked free (Miễn phí) but its note names an amount"))
        return FeeCell(note, Decimal(0), "VND", cell)
    currency = _CURRENCIES[head.group("cur")]
    amount_text = head.group("amount")
    if amount_text is None:
        return FeeCell(note, None, currency, cell, _("a currency without an amount"))
    written, separators = _AMOUNTS[currency]
    amount = decimal(separators.sub("", amount_text)) if written.match(amount_text) else None
    if amount is None:
        return FeeCell(cell, None, "", cell, _("an amount that cannot be read"))
    return FeeCell(note, amount, currency, cell)


def decimal_text(value: Decimal | None) -> str | None:
    """Write a decimal without trailing zeros ("8", "1.5"), the same way every time."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def json_number(value: Decimal | None) -> int | float | None:
    """A decimal as the national format writes numbers: an integer when it is whole."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)
