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
