"""E-form schemas: each procedure carries a JSON Schema (draft 2020-12) for its online form."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def default_eform_schema() -> dict[str, Any]:
    """Return an empty form: an object with no fields yet (a fresh dict each call)."""
    return {"$schema": SCHEMA_DIALECT, "type": "object", "properties": {}}


def validate_eform_schema(value: Any) -> None:
    """Refuse a value that is not a valid JSON Schema under draft 2020-12."""
    if not isinstance(value, dict):
        raise ValidationError(_("The e-form schema must be a JSON object."), code="eform_not_object")
    try:
        Draft202012Validator.check_schema(value)
    except SchemaError as exc:
        where = "/".join(str(part) for part in exc.absolute_path) or "(root)"
        raise ValidationError(
            _("The e-form schema is not a valid JSON Schema (draft 2020-12) at %(where)s: %(error)s"),
            code="eform_invalid",
            params={"where": where, "error": exc.message},
        ) from exc


def eform_errors(schema: dict[str, Any], data: Any) -> dict[str, str]:
    """Check ``data`` against the e-form ``schema``: {field name: message} for each field in error.

    Messages are plain and translated; the web form checks the same rules first with its own wording,
    so these are the last line for other callers (the API). Errors not tied to a field use "__all__".
    """
    from jsonschema import FormatChecker

    errors: dict[str, str] = {}
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        if error.validator == "required":
            missing = [name for name in error.validator_value if name not in (error.instance or {})]
            for name in missing:
                errors.setdefault(name, _("This field is required."))
            continue
        name = str(error.absolute_path[0]) if error.absolute_path else "__all__"
        errors.setdefault(name, _("This value is not valid."))
    return errors
