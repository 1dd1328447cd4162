"""Querysets compiled to SQL once per database connection, then run again with new parameters.

The ORM turns a queryset into SQL anew on every evaluation; for the short queries of the hot paths
(an API key by its prefix, a dossier by its key, the next step) that costs several times what the
database spends on them. :func:`compiled` keeps the SQL and the compiler of a queryset built once
from marker arguments, and on each call substitutes the real arguments for the markers and turns the
rows into what the queryset would give (model instances with their ``select_related`` objects and
annotations, tuples, or flat values), through the same converters and populators the ORM uses.

Arguments are integers or strings compared with ``=``, ``<`` or ``>`` (a marker must reach the SQL
parameters unchanged: no ``__in`` lists, ``icontains`` or dates). The queryset is built twice, with two
sets of markers, and every argument must show in the same places both times, so a query the markers
cannot describe fails at its first use, not with wrong rows.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models import query as orm_query
from django.db.models.query import FlatValuesListIterable, ModelIterable, ValuesListIterable
from django.db.models.sql.compiler import SQLCompiler

T = TypeVar("T")

_KINDS = (int, str)


def _marker(kind: type, n: int, round_: int) -> Any:
    """Two distinct values per argument, one per compilation (inside a small integer's range)."""
    if kind is int:
        return (17_000, 23_000)[round_] + n
    return f"\x1ecq:{round_}:{n}\x1e"


@dataclass(frozen=True)
class _Plan:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str, type | None], ...]  # (position in params, argument name, wrapper)
    compiler: SQLCompiler
    converters: Any
    shape: str  # "model", "tuples" or "flat"
    init_list: tuple[str, ...] = ()
    model_slice: slice = field(default_factory=lambda: slice(0))
    populators: tuple[Any, ...] = ()
    annotations: tuple[tuple[str, int], ...] = ()


class CompiledQuery(Generic[T]):
    """A queryset built by ``build(**arguments)``, compiled once per connection; call with the arguments."""

    def __init__(self, build: Callable[..., QuerySet[Any, T]], kinds: dict[str, type]) -> None:
        for name, kind in kinds.items():
            if kind not in _KINDS:
                raise ImproperlyConfigured(f"{build.__qualname__}: argument {name} is a {kind}, not int or str.")
        self.build = build
        self.kinds = kinds
        self.__doc__ = build.__doc__

    def __call__(self, **arguments: Any) -> list[T]:
        connection = connections[DEFAULT_DB_ALIAS]
        plan = self._plan(connection)
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, self._params(plan, arguments))
            rows = cursor.fetchall()
        return list(self._rows(plan, connection, rows))

    @staticmethod
    def _params(plan: _Plan, arguments: dict[str, Any]) -> list[Any]:
        params = list(plan.params)
        for position, name, wrapper in plan.slots:
            params[position] = arguments[name] if wrapper is None else wrapper(arguments[name])
        return params

    def _plan(self, connection: BaseDatabaseWrapper) -> _Plan:
        plans: dict[CompiledQuery[Any], _Plan] = connection.__dict__.setdefault("_compiled_queries", {})
        plan = plans.get(self)
        if plan is None:
            plan = plans[self] = self._compile(connection)
        return plan

    def _build(
        self, connection: BaseDatabaseWrapper, round_: int
    ) -> tuple[Any, SQLCompiler, str, tuple[Any, ...], list[tuple[str, type | None] | None]]:
        markers = {name: _marker(kind, n, round_) for n, (name, kind) in enumerate(self.kinds.items())}
        queryset = self.build(**markers)
        if queryset._known_related_objects or queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
            raise ImproperlyConfigured(f"{self.build.__qualname__}: build from Model.objects, without prefetching.")
        compiler = queryset.query.get_compiler(connection=connection)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet as empty:  # e.g. a marker out of the field's range
            raise ImproperlyConfigured(f"{self.build.__qualname__}: the markers leave the query empty.") from empty
        return queryset, compiler, sql, tuple(params), [self._slot(markers, value) for value in params]

    def _slot(self, markers: dict[str, Any], value: Any) -> tuple[str, type | None] | None:
        """The argument whose marker ``value`` is, with the type the backend wrapped it in (PostgreSQL's
        server-side binding passes a small integer as ``Int2``); None for a constant."""
        if isinstance(value, bool):  # True == 1: never an argument
            return None
        for name, marker in markers.items():
            if isinstance(value, type(marker)) and value == marker:
                return name, (type(value) if type(value) is not type(marker) else None)
        return None

    def _compile(self, connection: BaseDatabaseWrapper) -> _Plan:
        # Built twice with different markers: a parameter is an argument's slot only if it holds that
        # argument's marker both times, so no constant can pass for one, and the SQL must not change.
        queryset, compiler, sql, params, slots_found = self._build(connection, 0)
        *_, sql_again, _params, slots_again = self._build(connection, 1)
        found = {slot[0] for slot in slots_found if slot is not None}
        if sql != sql_again or slots_found != slots_again or found != set(self.kinds):
            raise ImproperlyConfigured(
                f"{self.build.__qualname__}: the arguments do not reach the SQL unchanged (use = on int or str)."
            )
        slots = tuple((position, *slot) for position, slot in enumerate(slots_found) if slot is not None)
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        converters = compiler.get_converters(fields)
        iterable = queryset._iterable_class
        if iterable is FlatValuesListIterable:
            return _Plan(sql, params, slots, compiler, converters, "flat")
        if iterable is ValuesListIterable:
            return _Plan(sql, params, slots, compiler, converters, "tuples")
        if iterable is not ModelIterable:
            raise ImproperlyConfigured(f"{self.build.__qualname__}: only instances and values_list() are compiled.")
        klass_info, select = compiler.klass_info, compiler.select
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return _Plan(
            sql,
            params,
            slots,
            compiler,
            converters,
            "model",
            init_list=tuple(f[0].target.attname for f in select[first:last]),
            model_slice=slice(first, last),
            # The populators ModelIterable uses for select_related objects.
            populators=tuple(orm_query.get_related_populators(klass_info, select, connection.alias)),  # type: ignore[attr-defined]
            annotations=tuple((compiler.annotation_col_map or {}).items()),
        )

    @staticmethod
    def _rows(plan: _Plan, connection: BaseDatabaseWrapper, rows: list[Any]) -> Iterator[Any]:
        converted: Any = plan.compiler.apply_converters(rows, plan.converters) if plan.converters else rows
        if plan.shape == "flat":
            yield from (row[0] for row in converted)
            return
        if plan.shape == "tuples":
            yield from map(tuple, converted)
            return
        model = plan.compiler.klass_info["model"]
        for row in converted:
            obj = model.from_db(connection.alias, plan.init_list, row[plan.model_slice])
            for populator in plan.populators:
                populator.populate(row, obj)
            for name, position in plan.annotations:
                setattr(obj, name, row[position])
            yield obj


def compiled(**kinds: type) -> Callable[[Callable[..., QuerySet[Any, T]]], CompiledQuery[T]]:
    """Decorate a function building a queryset from ``kinds`` (argument name: int or str).

    ::

        @compiled(prefix=str)
        def key_by_prefix(prefix):
            return ApiKey.objects.select_related("system").filter(prefix=prefix)[:1]

        found = key_by_prefix(prefix="abc")  # a list of ApiKey, one SQL statement
    """

    def wrap(build: Callable[..., QuerySet[Any, T]]) -> CompiledQuery[T]:
        return CompiledQuery(build, kinds)

    return wrap


# A compiled query with its arguments, for :func:`compiled_together`; selectors hand these out as ``…_call``.
Call = tuple[CompiledQuery[Any], dict[str, Any]]


def compiled_together(*calls: Call) -> list[list[Any]]:
    """Run ``(query, arguments)`` pairs and return their results in order, in one round trip on PostgreSQL.

    PostgreSQL's pipeline mode (psycopg) sends every query before reading any result; elsewhere they run
    one after the other. For reads whose queries do not depend on one another (a dossier, its steps, its
    documents). Each statement still goes through Django's cursor, so it is logged and counted as usual.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql" or len(calls) < 2:
        return [query(**arguments) for query, arguments in calls]
    plans = [query._plan(connection) for query, _arguments in calls]
    # Cursors first: opening one may check the connection's health with a query of its own.
    cursors = [connection.cursor() for _call in calls]
    try:
        with connection.connection.pipeline():
            for cursor, plan, (_query, arguments) in zip(cursors, plans, calls, strict=True):
                cursor.execute(plan.sql, CompiledQuery._params(plan, arguments))
        return [
            list(CompiledQuery._rows(plan, connection, cursor.fetchall()))
            for cursor, plan in zip(cursors, plans, strict=True)
        ]
    finally:
        for cursor in cursors:
            cursor.close()
