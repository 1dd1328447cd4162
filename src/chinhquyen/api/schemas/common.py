"""The error shape every operation answers with, small shared schemas, bounded input types, and how
responses write their values."""

from datetime import date, datetime
from typing import Annotated, Any

from django.utils import timezone
from ninja import Schema
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError

from chinhquyen.workcal.engine import FIRST_YEAR, LAST_YEAR, TZ, day_in_calendar, instant_in_calendar

# Codes and identification numbers: printable text. No code holds a control character, and PostgreSQL
# refuses NUL in text, so such input is refused here with the field named, not by the database.
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"

# A row's id as a client sends it (in a path, a form, a list): no id is below 1, and neither PostgreSQL's
# bigint nor SQLite's INTEGER holds more than 2**63 - 1, so a larger number is refused here, not by the database.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# An id, or 0 for none (a file that is no required document).
IdOrZero = Annotated[int, Field(ge=0, le=MAX_ID)]


def _out_of_calendar() -> PydanticCustomError:
    return PydanticCustomError(
        "out_of_range", "outside the years {first}-{last}", {"first": FIRST_YEAR, "last": LAST_YEAR}
    )


def _day(value: date) -> date:
    if not day_in_calendar(value):
        raise _out_of_calendar()
    return value


def _instant(value: datetime) -> datetime:
    value = value if value.tzinfo is not None else value.replace(tzinfo=TZ)  # no offset: Vietnam time (docs/api.md)
    if not instant_in_calendar(value):
        raise _out_of_calendar()
    return value


# A day or an instant a filter may name: within the working calendar's years (1976-2100).
CalendarDay = Annotated[date, AfterValidator(_day)]
CalendarInstant = Annotated[datetime, AfterValidator(_instant)]


class ResponseEncoder(NinjaJSONEncoder):
    """ninja's JSON, with every instant in Vietnam time (+07:00), as docs/api.md promises.

    Stored instants come back from the database in UTC, and would be written with a ``Z`` beside the
    +07:00 of those just computed; the same instant then reads differently in two responses.
    """

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime) and timezone.is_aware(o):
            o = o.astimezone(TZ)
        return super().default(o)


class ResponseRenderer(JSONRenderer):
    """The operations' responses through ninja (``idempotency.render`` writes with the same encoder)."""

    encoder_class = ResponseEncoder


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
