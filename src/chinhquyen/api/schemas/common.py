"""The error shape every operation answers with, and small shared schemas."""

from ninja import Schema
from pydantic import BaseModel, Field

# Codes and identification numbers: printable text. No code holds a control character, and PostgreSQL
# refuses NUL in text, so such input is refused here with the field named, not by the database.
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"


class Out(BaseModel):
    """A part of a response the router builds as a dict, which pydantic checks natively.

    ninja's ``Schema`` also reads ORM objects, and to do so wraps every value of every nested schema on
    the way out; for a dossier read that wrapping cost a tenth of the request. Use ``Schema`` for inputs.
    """


class FieldError(Schema):
    code: str = Field(examples=["missing"])
    message: str = Field(examples=["This field is required."])
    field: str | None = Field(default=None, examples=["reason"])


class ErrorOut(Schema):
    """One error: a stable machine ``code``, a ``message`` in the caller's language, the ``field`` concerned."""

    code: str = Field(examples=["stale_version"])
    message: str = Field(examples=["Someone else changed this dossier in the meantime; reload it and try again."])
    field: str | None = Field(default=None, examples=["expected_version"])
    errors: list[FieldError] = Field(default_factory=list, description="Every field in error, for bad input.")


class PageInfo(Schema):
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to get the next page; null on the last page."
    )
