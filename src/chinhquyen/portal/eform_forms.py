"""The procedure's e-form (JSON Schema) as a Django form: accessible fields, checks and messages in the user's language.

Supported per property: ``type`` string / integer / number / boolean; ``format`` date / email; ``enum``
(with ``x-enum-titles`` for the labels); ``maxLength``, ``minLength``, ``pattern``, ``minimum``,
``maximum``; ``title`` and ``description`` in Vietnamese with English in ``x-en`` ({"title",
"description", "enum-titles"}); ``x-prefill`` names the profile field that fills it in (name,
personal_id, birth_date, phone, email, address, tax_code, representative).
"""

import math
import re
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from chinhquyen.catalog.eform import eform_properties
from chinhquyen.catalog.eform_display import eform_enum_choices as _enum_choices
from chinhquyen.catalog.eform_display import eform_text as _text
from chinhquyen.catalog.eform_display import number_shown
from chinhquyen.core.forms import DayFirstDateField, TextBoxField
from chinhquyen.directory.models import Applicant

PREFILL_FIELDS = ("name", "personal_id", "birth_date", "phone", "email", "address", "tax_code", "representative")
# Enums with at most this many values are radio buttons (all visible at once); longer ones a list.
RADIO_LIMIT = 4
# The largest integer every JSON reader keeps exactly (I-JSON, RFC 7493): beyond it, JavaScript rounds.
JSON_SAFE_INTEGER = 2**53 - 1
# The dates a form accepts: a year typed wrong (2999, 0001) is refused rather than stored.
DATE_MIN, DATE_MAX = date(1900, 1, 1), date(2100, 12, 31)
# Text made of digits and separators only; anything else (1e400, "nan") is left to the number fields to judge.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9.,]+")


def _number_notation(value: str) -> str:
    """A number typed in the page's notation, written as Python reads it; ValueError if the notation is broken.

    In Vietnamese a dot separates groups of three digits and a comma the decimals ("1.000" is a thousand,
    "1,5" one and a half); in English the other way round. A separator that fits neither use ("1.5" on a
    Vietnamese page, "1,00" on an English one) is refused: guessing could store a number a thousand times off.
    """
    text = value.strip().replace(" ", "").replace("\u00a0", "")
    if _PLAIN_NUMBER.fullmatch(text) is None:
        return text
    decimal, group = str(get_format("DECIMAL_SEPARATOR")), str(get_format("THOUSAND_SEPARATOR"))
    d, g = re.escape(decimal), re.escape(group)
    if group in text:
        pattern = rf"[+-]?[0-9]{{1,3}}(?:{g}[0-9]{{3}})+(?:{d}[0-9]+)?"
    else:
        pattern = rf"[+-]?[0-9]*(?:{d}[0-9]+)?"
    if not text.strip("+-") or re.fullmatch(pattern, text) is None:
        raise ValueError(text)
    return text.replace(group, "").replace(decimal, ".")


def _number_example(*, decimals: bool) -> str:
    decimal, group = get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR")
    return f"1{group}234{decimal}5" if decimals else f"1{group}234"


class WholeNumberField(forms.IntegerField):
    """An "integer" property, typed in the page's notation ("1.000" is a thousand on a Vietnamese page)."""

    # Text, not type="number": the browser would send "15" for a typed "1,5" and refuse "1.000" outright.
    widget = forms.TextInput(attrs={"inputmode": "numeric"})
    default_error_messages = {"notation": _("Enter a whole number, for example %(example)s.")}

    def prepare_value(self, value: Any) -> Any:
        return number_shown(value)

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            try:
                value = _number_notation(value)
                if "." in value:  # a decimal point in a whole number: "1.000" on an English page could mean either
                    raise ValueError(value)
            except ValueError:
                raise ValidationError(
                    self.error_messages["notation"],
                    code="notation",
                    params={"example": _number_example(decimals=False)},
                ) from None
        return super().to_python(value)


class EFormDateField(DayFirstDateField):
    """A "date" property: day first when typed, within ``DATE_MIN`` and ``DATE_MAX``."""

    default_error_messages = {"out_of_range": _("Enter a date between %(min)s and %(max)s.")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(attrs={"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()}, **kwargs)

    def validate(self, value: date | None) -> None:
        super().validate(value)
        if value is not None and not DATE_MIN <= value <= DATE_MAX:
            params = {"min": DATE_MIN.strftime("%d/%m/%Y"), "max": DATE_MAX.strftime("%d/%m/%Y")}
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range", params=params)


class NumberField(forms.DecimalField):
    """A "number" property: kept as a float in the JSON, so refuse what a float cannot hold.

    ``1e400`` is a finite decimal but an infinite float, which is not JSON (the database refuses it);
    ``1e-400`` would silently become 0. "nan" and "inf" are refused by DecimalField already.
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal"})  # text: see WholeNumberField
    default_error_messages = {
        "out_of_range": _("This number is too large (or too close to zero) to be stored."),
        "notation": _("Enter a number, for example %(example)s."),
    }

    def prepare_value(self, value: Any) -> Any:
        return number_shown(value)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # the stubs type it as an int
        if isinstance(value, str):
            try:
                value = _number_notation(value)
            except ValueError:
                raise ValidationError(
                    self.error_messages["notation"], code="notation", params={"example": _number_example(decimals=True)}
                ) from None
        return super().to_python(value)

    def validate(self, value: Decimal) -> None:
        super().validate(value)
        if value in self.empty_values:  # None when left empty
            return
        as_float = float(value)
        if not math.isfinite(as_float) or (as_float == 0 and value != 0):
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range")


def _field_for(prop: dict[str, Any], required: bool) -> forms.Field:
    label, help_text = _text(prop, "title"), _text(prop, "description")
    common: dict[str, Any] = {"label": label, "help_text": help_text, "required": required}
    kind = prop.get("type", "string")
    if "enum" in prop:
        choices = _enum_choices(prop)
        widget = forms.RadioSelect if len(choices) <= RADIO_LIMIT else forms.Select
        if widget is forms.Select:
            choices = [("", str(_("— choose —"))), *choices]
        return forms.ChoiceField(choices=choices, widget=widget, **common)
    if kind == "boolean":
        return forms.BooleanField(**common)
    if kind == "integer":
        low, high = prop.get("minimum"), prop.get("maximum")
        return WholeNumberField(
            min_value=-JSON_SAFE_INTEGER if low is None else max(low, -JSON_SAFE_INTEGER),
            max_value=JSON_SAFE_INTEGER if high is None else min(high, JSON_SAFE_INTEGER),
            **common,
        )
    if kind == "number":
        return NumberField(min_value=prop.get("minimum"), max_value=prop.get("maximum"), **common)
    if prop.get("format") == "date":
        return EFormDateField(**common)
    if prop.get("format") == "email":
        return forms.EmailField(max_length=prop.get("maxLength", 254), **common)
    validators = []
    if prop.get("pattern"):
        message = _text(prop, "x-pattern-message") or _("Enter the value in the format shown.")
        validators.append(RegexValidator(prop["pattern"], message=message))
    max_length = prop.get("maxLength")
    lengths: dict[str, Any] = {"max_length": max_length, "min_length": prop.get("minLength"), "validators": validators}
    if (max_length or 0) > 255:  # a text box: its line breaks count one character each, as the browser counts
        return TextBoxField(rows=3, **lengths, **common)
    return forms.CharField(**lengths, **common)


class EFormForm(forms.Form):
    """Built per procedure from its schema; ``cleaned_json()`` gives JSON-ready values."""

    def __init__(self, *args: Any, schema: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.schema = schema
        required = set(schema.get("required") or [])
        for name, prop in eform_properties(schema):
            field = _field_for(prop, name in required)
            autocomplete = {"name": "name", "phone": "tel", "email": "email", "address": "street-address"}
            if prop.get("x-prefill") in autocomplete:
                field.widget.attrs["autocomplete"] = autocomplete[prop["x-prefill"]]
            self.fields[name] = field

    def cleaned_json(self) -> dict[str, Any]:
        """The valid values as JSON types; a field left empty is left out (so "required" still applies)."""
        values: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            prop = self.schema["properties"][name]
            if value in (None, "") or (value is False and name not in (self.schema.get("required") or [])):
                continue
            if "enum" in prop:
                value = _enum_value(prop, value)
            elif isinstance(value, date):
                value = value.isoformat()
            elif prop.get("type") == "number":
                value = float(value)
            values[name] = value
        return values


def _enum_value(prop: dict[str, Any], chosen: str) -> Any:
    """The schema's own value for the choice made (a number stays a number, as the schema checks it)."""
    return next((value for value in prop["enum"] if str(value) == chosen), chosen)


def eform_initial(
    *, schema: dict[str, Any], saved: dict[str, Any], applicant: Applicant | None, saved_once: bool = False
) -> dict[str, Any]:
    """What the form shows: the saved draft, else the profile for fields marked ``x-prefill``.

    Once the applicant has saved the form (``saved_once``), a field absent from it was cleared, or left
    invalid, by them: it stays empty instead of coming back from the profile.
    """
    initial: dict[str, Any] = {}
    for name, prop in eform_properties(schema):
        if name in saved:
            initial[name] = saved[name]
        elif applicant is not None and not saved_once and prop.get("x-prefill") in PREFILL_FIELDS:
            value = getattr(applicant, prop["x-prefill"], None)
            if value:
                initial[name] = value.isoformat() if isinstance(value, date) else value
    return initial
