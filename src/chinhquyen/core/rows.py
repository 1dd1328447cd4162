"""Rows written with plain statements built from a model's fields, not ``save()``.

The ORM compiles its INSERT or UPDATE anew on every ``save()``, which on the hot paths (a dossier's
transitions, an API submission) costs more than the round trip. These build the statement from the
model's concrete fields (the INSERT's text once per model and database), run it in one round trip and
leave the instance as ``save()`` would. No save signals are sent: the apps using them react to their own
events instead (dossier transition hooks).
"""

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar, cast

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

Statement = tuple[str, list[Any]]
M = TypeVar("M", bound=Model)

_insert_sqls: dict[tuple[type[Model], str, tuple[str, ...]], str] = {}


def insert_statement(obj: Model, connection: BaseDatabaseWrapper, *, unless: tuple[str, ...] = ()) -> Statement:
    """The INSERT of ``obj`` (every concrete field but the key), returning the key.

    ``unless`` names the fields of a unique constraint: when a row with the same values exists, nothing
    is inserted and no key is returned (``ON CONFLICT … DO NOTHING``; a concurrent insert of the same
    values is waited for first).
    """
    meta = obj._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    key = (type(obj), connection.vendor, unless)
    if key not in _insert_sqls:
        q = connection.ops.quote_name
        columns, marks = ", ".join(q(f.column) for f in fields), ", ".join("%s" for _f in fields)
        table, pk = q(meta.db_table), q(meta.pk.column)
        conflict = ""
        if unless:
            targets = ", ".join(q(cast(Field, meta.get_field(name)).column) for name in unless)
            conflict = f" ON CONFLICT ({targets}) DO NOTHING"
        _insert_sqls[key] = f"INSERT INTO {table} ({columns}) VALUES ({marks}){conflict} RETURNING {pk}"  # noqa: S608
    return _insert_sqls[key], [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


def update_statement(obj: Model, names: Iterable[str], connection: BaseDatabaseWrapper) -> Statement:
    """The UPDATE of the fields ``names`` of ``obj`` (an ``auto_now`` field takes the time now)."""
    meta, q = obj._meta, connection.ops.quote_name
    fields = [cast(Field, meta.get_field(name)) for name in names]
    sets = ", ".join(f"{q(f.column)} = %s" for f in fields)
    sql = f"UPDATE {q(meta.db_table)} SET {sets} WHERE {q(meta.pk.column)} = %s"  # noqa: S608 - names only
    values = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in fields]
    return sql, [*values, obj.pk]


def mark_inserted(obj: Model, pk: Any, connection: BaseDatabaseWrapper) -> None:
    """Give ``obj`` its new key and mark it saved, as ``save()`` does."""
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = connection.alias


def row_insert(obj: Model, *, unless: tuple[str, ...] = ()) -> bool:
    """INSERT ``obj`` in one statement and set its key; False (and no key) when ``unless`` found a row."""
    connection = transaction.get_connection()
    sql, params = insert_statement(obj, connection, unless=unless)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    mark_inserted(obj, row[0], connection)
    return True


def rows_insert(objs: Sequence[M], *, unless: tuple[str, ...] = ()) -> list[M]:
    """INSERT ``objs`` (of one model) in one statement, set their keys and return them, in order.

    With ``unless`` (a unique constraint's fields, as for :func:`row_insert`) the objects matching an
    existing row are left out, keyless, and only those inserted are returned.
    """
    if not objs:
        return []
    connection = transaction.get_connection()
    statements = [insert_statement(obj, connection, unless=unless) for obj in objs]
    head, _, marks = statements[0][0].rpartition(" VALUES ")
    marks, _, returning = marks.partition(" RETURNING ")
    marks, _, conflict = marks.partition(" ON CONFLICT ")
    conflict = f" ON CONFLICT {conflict}" if conflict else ""
    q = connection.ops.quote_name
    fields = [cast(Field, objs[0]._meta.get_field(name)) for name in unless]
    also = "".join(f", {q(f.column)}" for f in fields)
    sql = f"{head} VALUES {', '.join([marks] * len(objs))}{conflict} RETURNING {returning}{also}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for _sql, params in statements for value in params])
        rows = cursor.fetchall()
    if not unless:
        # PostgreSQL and SQLite return the rows of a multi-row INSERT in order, as bulk_create relies on.
        pairs = list(zip(objs, rows, strict=True))
    else:
        by_values = {tuple(row[1:]): row for row in rows}
        pairs = [
            (obj, by_values[values]) for obj in objs if (values := _unique_values(obj, fields, connection)) in by_values
        ]
    for obj, row in pairs:
        mark_inserted(obj, row[0], connection)
    return [obj for obj, _row in pairs]


def _unique_values(obj: Model, fields: list[Field[Any, Any]], connection: BaseDatabaseWrapper) -> tuple[Any, ...]:
    return tuple(f.get_db_prep_value(getattr(obj, f.attname), connection) for f in fields)


def row_update(obj: Model, names: Iterable[str]) -> None:
    """UPDATE the fields ``names`` of ``obj`` in one statement."""
    connection = transaction.get_connection()
    sql, params = update_statement(obj, names, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
