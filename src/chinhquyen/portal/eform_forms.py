"""The procedure's e-form (JSON Schema) as a Django form: accessible fields, checks and messages in the user's language.

Supported per property: ``type`` string / integer / number / boolean; ``format`` date / email; ``enum``
(with ``x-enum-titles`` for the labels); ``maxLength``, ``minLength``, ``pattern``, ``minimum``,
``maximum``; ``title`` and ``description`` in Vietnamese with English in ``x-en`` ({"title",
"description", "enum-titles"}); ``x-prefill`` names the profile field that fills it in (name,
personal_id, birth_date, phone, email, address, tax_code, representative).
"""

import math
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from chinhquyen.directory.models import Applicant

PREFILL_FIELDS = ("name", "personal_id", "birth_date", "phone", "email", "address", "tax_code", "representative")
# Enums with at most this many values are radio buttons (all visible at once); longer ones a list.
RADIO_LIMIT = 4
# The largest integer every JSON reader keeps exactly (I-JSON, RFC 7493): beyond it, JavaScript rounds.
JSON_SAFE_INTEGER = 2**53 - 1


class NumberField(forms.DecimalField):
    """A "number" property: kept as a float in the JSON, so refuse what a float cannot hold.

    ``1e400`` is a finite decimal but an infinite float, which is not JSON (the database refuses it);
    ``1e-400`` would silently become 0. "nan" and "inf" are refused by DecimalField already.
    """

    default_error_messages = {"out_of_range": _("This number is too large (or too close to zero) to be stored.")}

    def validate(self, value: Decimal) -> None:
        super().validate(value)
        if value in self.empty_values:  # None when left empty
            return
        as_float = float(value)
        if not math.isfinite(as_float) or (as_float == 0 and value != 0):
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range")


def _text(prop: dict[str, Any], key: str) -> str:
    english = prop.get("x-en") or {}
    if (get_language() or "vi").startswith("en") and english.get(key):
        return str(english[key])
    return str(prop.get(key) or "")


def _enum_choices(prop: dict[str, Any]) -> list[tuple[Any, Any]]:
    values = list(prop["enum"])
    english = (prop.get("x-en") or {}).get("enum-titles")
    titles = prop.get("x-enum-titles") or [str(v) for v in values]
    if (get_language() or "vi").startswith("en") and english:
        titles = english
    return [(str(v), str(t)) for v, t in zip(values, titles, strict=False)]


def _field_for(prop: dict[str, Any], required: bool) -> forms.Field:
    label, help_text = _text(prop, "title"), _text(prop, "description")
    common: dict[str, Any] = {"label": label, "help_text": help_text, "required": required}
    kind = prop.get("type", "string")
    if "enum" in prop:
        choices = _enum_choices(prop)
        widget = forms.RadioSelect if len(choices) <= RADIO_LIMIT else forms.Select
        if widget is forms.Select:
            choices = [("", _("— choose —")), *choices]
        return forms.ChoiceField(choices=choices, widget=widget, **common)
    if kind == "boolean":
        return forms.BooleanField(**common)
    if kind == "integer":
        low, high = prop.get("minimum"), prop.get("maximum")
        return forms.IntegerField(
            min_value=-JSON_SAFE_INTEGER if low is None else max(low, -JSON_SAFE_INTEGER),
            max_value=JSON_SAFE_INTEGER if high is None else min(high, JSON_SAFE_INTEGER),
            **common,
        )
    if kind == "number":
        return NumberField(min_value=prop.get("minimum"), max_value=prop.get("maximum"), **common)
    if prop.get("format") == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if prop.get("format") == "email":
        return forms.EmailField(max_length=prop.get("maxLength", 254), **common)
    validators = []
    if prop.get("pattern"):
        message = _text(prop, "x-pattern-message") or _("Enter the value in the format shown.")
        validators.append(RegexValidator(prop["pattern"], message=message))
    max_length = prop.get("maxLength")
    area = forms.Textarea(attrs={"rows": 3}) if (max_length or 0) > 255 else None
    return forms.CharField(
        max_length=max_length, min_length=prop.get("minLength"), validators=validators, widget=area, **common
    )


class EFormForm(forms.Form):
    """Built per procedure from its schema; ``cleaned_json()`` gives JSON-ready values."""

    def __init__(self, *args: Any, schema: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.schema = schema
        required = set(schema.get("required") or [])
        for name, prop in (schema.get("properties") or {}).items():
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


def eform_initial(*, schema: dict[str, Any], saved: dict[str, Any], applicant: Applicant | None) -> dict[str, Any]:
    """What the form shows: the saved draft, else the profile for fields marked ``x-prefill``."""
    initial: dict[str, Any] = {}
    for name, prop in (schema.get("properties") or {}).items():
        if name in saved:
            initial[name] = saved[name]
        elif applicant is not None and prop.get("x-prefill") in PREFILL_FIELDS:
            value = getattr(applicant, prop["x-prefill"], None)
            if value:
                initial[name] = value.isoformat() if isinstance(value, date) else value
    return initial


def eform_display(*, schema: dict[str, Any], data: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value as shown) for the review page and the dossier page, in schema order."""
    rows = []
    for name, prop in (schema.get("properties") or {}).items():
        value = data.get(name)
        if "enum" in prop and value is not None:
            value = dict(_enum_choices(prop)).get(str(value), value)
        elif prop.get("format") == "date" and value:
            try:
                value = date.fromisoformat(str(value)).strftime("%d/%m/%Y")
            except ValueError:
                pass
        elif isinstance(value, bool):
            value = _("Yes") if value else _("No")
        rows.append((_text(prop, "title") or name, "" if value is None else str(value)))
    return rows
