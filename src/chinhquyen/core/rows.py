"""Rows written with plain statements built from a model's fields, not ``save()``.

The ORM compiles its INSERT or UPDATE anew on every ``save()``, which on the hot paths (a dossier's
transitions, an API submission) costs more than the round trip. These build the statement from the
model's concrete fields (the INSERT's text once per model and database), run it in one round trip and
leave the instance as ``save()`` would. No save signals are sent: the apps using them react to their own
events instead (dossier transition hooks).
"""

from collections.abc import Iterable, Sequence
from typing import Any, cast

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

Statement = tuple[str, list[Any]]

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


def rows_insert(objs: Sequence[Model]) -> None:
    """INSERT ``objs`` (of one model) in one statement and set their keys, in order."""
    if not objs:
        return
    connection = transaction.get_connection()
    statements = [insert_statement(obj, connection) for obj in objs]
    head, _, marks = statements[0][0].rpartition(" VALUES ")
    marks, _, returning = marks.partition(" RETURNING ")
    sql = f"{head} VALUES {', '.join([marks] * len(objs))} RETURNING {returning}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for _sql, params in statements for value in params])
        # PostgreSQL and SQLite return the rows of a multi-row INSERT in order, as bulk_create relies on.
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            mark_inserted(obj, pk, connection)


def row_update(obj: Model, names: Iterable[str]) -> None:
    """UPDATE the fields ``names`` of ``obj`` in one statement."""
    connection = transaction.get_connection()
    sql, params = update_statement(obj, names, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
