"""E-form schemas: each procedure carries a JSON Schema (draft 2020-12) for its online form."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# The fields' order, kept as a list: PostgreSQL's jsonb does not keep an object's key order.
ORDER_KEY = "x-order"


def default_eform_schema() -> dict[str, Any]:
    """Return an empty form: an object with no fields yet (a fresh dict each call)."""
    return {"$schema": SCHEMA_DIALECT, "type": "object", "properties": {}}


def eform_properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The form's fields as (name, property) in the order shown: those ``x-order`` lists, then the others.

    The others keep the order the schema was written in (a schema not yet saved, or a field added
    since); a name in ``x-order`` that is no longer a field is skipped.
    """
    props = schema.get("properties") or {}
    listed = [name for name in schema.get(ORDER_KEY) or [] if isinstance(name, str) and name in props]
    names = list(dict.fromkeys(listed)) + [name for name in props if name not in listed]
    return [(name, props[name]) for name in names]


def with_field_order(schema: Any) -> Any:
    """The schema with its ``x-order`` set to the order its fields are shown in (left alone if no fields)."""
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict) or not schema["properties"]:
        return schema
    return {**schema, ORDER_KEY: [name for name, _prop in eform_properties(schema)]}


class EFormSchemaField(models.JSONField):
    """A JSON field that stores an e-form schema with its fields' order (``x-order``), on every database.

    Set at the last step before the database, so saves, imports (bulk create and update) and the admin
    all keep the order the schema was written in.
    """

    def get_prep_value(self, value: Any) -> Any:
        return super().get_prep_value(with_field_order(value))


def validate_eform_schema(value: Any) -> None:
    """Refuse a value that is not a valid JSON Schema under draft 2020-12, or a field order not a list of names."""
    if not isinstance(value, dict):
        raise ValidationError(_("The e-form schema must be a JSON object."), code="eform_not_object")
    order = value.get(ORDER_KEY)
    if order is not None and not (isinstance(order, list) and all(isinstance(name, str) for name in order)):
        raise ValidationError(
            _("The e-form's field order (x-order) must be a list of field names."), code="eform_order_invalid"
        )
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
