"""The e-form's values as shown to people: labels from the schema in the page's language, values in words.

Shared by the portal (review page, the citizen's dossier page) and the office (reception and dossier
pages), so both show what the applicant filled in the same way.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.formats import get_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .eform import eform_properties


def eform_text(prop: dict[str, Any], key: str) -> str:
    """A property's ``title`` or ``description``: the English one (``x-en``) on an English page, if any."""
    english = prop.get("x-en") or {}
    if (get_language() or "vi").startswith("en") and english.get(key):
        return str(english[key])
    return str(prop.get(key) or "")


def eform_enum_choices(prop: dict[str, Any]) -> list[tuple[str, str]]:
    """(value, label) for an ``enum`` property, the labels in the page's language."""
    values = list(prop["enum"])
    english = (prop.get("x-en") or {}).get("enum-titles")
    titles = prop.get("x-enum-titles") or [str(v) for v in values]
    if (get_language() or "vi").startswith("en") and english:
        titles = english
    return [(str(v), str(t)) for v, t in zip(values, titles, strict=False)]


def number_shown(value: Any) -> Any:
    """A stored number written in the page's notation, as the e-form reads it back; other values as given.

    Grouped by threes, with as many decimals as the number has and no ".0" or exponent: 1500.0 is "1.500" on a
    Vietnamese page ("1,500" in English), 0.1 is "0,1" ("0.1"), as the applicant would type them.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value  # what was typed (a refused value comes back as it was), or nothing
    # repr: the shortest decimal that reads back as this float (0.1, not 0.1000000000000000055511151231257827).
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        return value
    sign, digits = ("-", format(-number, "f")) if number < 0 else ("", format(number, "f"))
    whole, _point, fraction = digits.partition(".")
    decimal, group = str(get_format("DECIMAL_SEPARATOR")), str(get_format("THOUSAND_SEPARATOR"))
    grouped = f"{int(whole):,}".replace(",", group)
    fraction = fraction.rstrip("0")
    return f"{sign}{grouped}{decimal}{fraction}" if fraction else f"{sign}{grouped}"


def eform_display(*, schema: dict[str, Any], data: dict[str, Any]) -> list[tuple[str, str]]:
    """Return (label, value as shown) for each field of the schema, in schema order.

    Dates are shown dd/mm/yyyy, choices by their label, booleans as yes / no; the values are plain
    text (templates escape them).
    """
    rows = []
    for name, prop in eform_properties(schema):
        value = data.get(name)
        if "enum" in prop and value is not None:
            value = dict(eform_enum_choices(prop)).get(str(value), value)
        elif prop.get("format") == "date" and value:
            try:
                value = date.fromisoformat(str(value)).strftime("%d/%m/%Y")
            except ValueError:
                pass
        elif isinstance(value, bool):
            value = _("Yes") if value else _("No")
        else:
            value = number_shown(value)
        rows.append((eform_text(prop, "title") or name, "" if value is None else str(value)))
    return rows
