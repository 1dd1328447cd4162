"""The check every dossier's form data passes before it is stored, whoever enters it (portal, counter, API)."""

import math
import re
from typing import Any

from django.utils.translation import gettext as _

from chinhquyen.catalog.eform import eform_errors
from chinhquyen.core.errors import InvalidInput

# What PostgreSQL's jsonb refuses in a string: the NUL character and a surrogate not in a pair.
_UNSTORABLE_CHARACTER = re.compile("[\x00\ud800-\udfff]")


def json_unsafe(value: Any) -> bool:
    """Whether ``value`` holds what JSON or the database cannot store.

    Python's json module reads and writes NaN and Infinity, which are not JSON: PostgreSQL refuses them,
    so the save would fail with a server error (the API's form_data is parsed by that module).
    """
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, str):
        return _UNSTORABLE_CHARACTER.search(value) is not None
    if isinstance(value, dict):
        return any(not isinstance(k, str) or json_unsafe(k) or json_unsafe(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(json_unsafe(item) for item in value)
    return False


def form_data_check(form_data: Any) -> None:
    """Refuse form data that is not a set of named fields, or holds a value no database stores.

    Raises InvalidInput ``form_data_invalid``, naming the first field at fault.
    """
    if not isinstance(form_data, dict):
        raise InvalidInput(_("The form data must be a set of named fields."), code="form_data_invalid")
    for name, value in form_data.items():
        if json_unsafe(name) or json_unsafe(value):
            raise InvalidInput(
                _("This value cannot be stored: a number too large or not a number, or a forbidden character."),
                code="form_data_invalid",
                field=str(name),
            )


def form_complete_check(schema: dict[str, Any], data: Any) -> None:
    """Refuse form data the procedure's e-form does not accept, naming the first field at fault (on submission)."""
    errors = eform_errors(schema, data)
    if errors:
        name, message = next(iter(errors.items()))
        raise InvalidInput(message, code="form_incomplete", field=name)
