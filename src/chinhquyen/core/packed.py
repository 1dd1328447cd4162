"""Child rows packed into their parent's row as one JSON text, so that both come in one statement.

:func:`packed` is a subquery giving the rows of a queryset (filtered on an ``OuterRef``) as a JSON array of
arrays of the values named (``jsonb_agg`` on PostgreSQL, ``json_group_array`` on SQLite); :func:`unpacked`
turns that text back into dicts of the values the ORM would give: timestamps as aware datetimes in UTC and
booleans as such; fields whose JSON would lose their type (decimals, dates, durations, JSON) are refused at
first use. JSON keeps no row order: pack a key and sort after reading.
"""

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Aggregate, Field, Model, QuerySet, Subquery, TextField
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import JSONArray


class _JSONArrays(Aggregate):
    """The group's JSON values as one JSON array, as text."""

    function = "JSONB_AGG"
    template = "CAST(%(function)s(%(expressions)s) AS text)"
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # json_group_array keeps each element's JSON (not a string) as long as it comes from json_array in
        # the same SELECT, which it does here.
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", template="%(function)s(%(expressions)s)")


def packed(rows: QuerySet[Any], names: Sequence[str], *, parent: str) -> Subquery:
    """``rows`` (of one parent, the outer query's: ``parent`` is their foreign key's attname) as one text."""
    arrays = rows.order_by().values(parent).annotate(packed=_JSONArrays(JSONArray(*names))).values("packed")
    return Subquery(arrays, output_field=TextField())


def _aware(value: str) -> datetime:
    moment = datetime.fromisoformat(value)  # PostgreSQL writes the offset; SQLite stores UTC without one
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


_CONVERTERS: dict[str, Callable[[Any], Any]] = {"DateTimeField": _aware, "BooleanField": bool}
_REFUSED = ("DecimalField", "DateField", "TimeField", "DurationField", "JSONField", "UUIDField", "BinaryField")


def _field(model: type[Model], name: str) -> Field[Any, Any]:
    *path, last = name.split(LOOKUP_SEP)
    for step in path:
        model = model._meta.get_field(step).related_model  # type: ignore[assignment]
    return model._meta.pk if last == "pk" else model._meta.get_field(last)  # type: ignore[return-value]


@cache
def _converters(model: type[Model], names: tuple[str, ...]) -> tuple[tuple[int, Callable[[Any], Any]], ...]:
    kinds = [_field(model, name).get_internal_type() for name in names]
    refused = [name for name, kind in zip(names, kinds, strict=True) if kind in _REFUSED]
    if refused:
        verb = "its" if len(refused) == 1 else "their"
        raise ImproperlyConfigured(f"{model.__name__}: {', '.join(refused)} would lose {verb} type in JSON.")
    return tuple((n, _CONVERTERS[kind]) for n, kind in enumerate(kinds) if kind in _CONVERTERS)


def unpacked(text: str | None, model: type[Model], names: tuple[str, ...]) -> list[dict[str, Any]]:
    """The rows :func:`packed` gave for ``model`` and ``names`` (none when the subquery found none)."""
    converters = _converters(model, names)
    rows = []
    for values in json.loads(text) if text else ():
        for n, convert in converters:
            if values[n] is not None:
                values[n] = convert(values[n])
        rows.append(dict(zip(names, values, strict=True)))
    return rows
