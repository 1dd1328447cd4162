"""The one way a dossier changes: lock, check the transition, change, bump the version, log.

Every service opens :func:`transition_apply`; inside it the service changes the locked dossier and
its steps, and on leaving the dossier is saved with ``version + 1``, one :class:`DossierEvent` and
one audit entry are written, all in one transaction. Side effects (notifications, sync with the
national portal) are not done here: register a hook with ``dispatch.dossier_event_hook_add``; the
event is their outbox, and the worker runs them after the commit (``services/dispatch.py``).

This is the hot path of the platform, so a transition is one read and one write: the lock query,
compiled once, also reads the actor's roles; on PostgreSQL the steps' and the dossier's UPDATEs, the
event's INSERT and the audit entry go in one statement at the end (``docs/performance.md``). Rows are
written with plain statements built from the models' fields (``core.rows``), not ``save()``: the ORM
compiles its query anew on every call, which costs more than the round trip. No save signals: react to a
transition with a hook.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import ForeignKey, Model
from django.db.models.expressions import Col
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.core.audit import (
    AUDIT_ENTRY,
    PendingEntry,
    audit_append_ctes,
    audit_entry_prepare,
    audit_entry_write,
    audit_record,
)
from chinhquyen.core.rows import insert_statement, mark_inserted, rows_insert, update_statement
from chinhquyen.directory.models import User
from chinhquyen.directory.selectors import roles_in_force_sql, roles_parse

from ..errors import TransitionRefused
from ..models import Dossier, DossierEvent, DossierStep, StepState
from ..transitions import Roles, Transition, step_after_remember, steps_forget, transition_find, user_roles_load
from .dispatch import dispatch_soon


@dataclass
class Change:
    """The transition being applied: the service fills in what changed."""

    dossier: Dossier
    row: Transition
    by: User
    at: datetime
    roles: Roles
    fields: set[str] = field(default_factory=set)
    reason: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    target: int | None = None  # overrides the row's target (e.g. the status before a supplement)
    event: DossierEvent | None = None
    later: list[tuple[Model, tuple[str, ...]]] = field(default_factory=list)
    subject: Model | None = None  # the transition's subject as read under the dossier's lock
    internal: bool = False  # this event only is the office's, though its row is public (a scan of the front desk)

    def set(self, **values: Any) -> None:
        """Set fields of the dossier and remember them for the save."""
        for name, value in values.items():
            setattr(self.dossier, name, value)
        self.fields.update(values)

    def save_later(self, obj: Model, *names: str) -> None:
        """UPDATE these fields of ``obj`` with the dossier's, at the end (reads before then see the old row)."""
        if obj is self.dossier:
            raise ValueError("Change the dossier with Change.set(): it is saved at the end anyway.")
        for n, (saved, before) in enumerate(self.later):
            if saved is obj:  # one UPDATE per row: PostgreSQL keeps only one of two in a statement
                self.later[n] = (obj, tuple(dict.fromkeys((*before, *names))))
                return
        self.later.append((obj, names))


# --- Reading: the lock ----------------------------------------------------------------------
# The lock query is the same on every transition but the ORM would compile it anew each time, which
# costs several times what the database does; so its SQL and converters are built once per connection
# from the models' fields, and the rows become instances as ``select_related`` makes them.

Converters = list[tuple[int, list[Callable[..., Any]], Col]]

# In ``related``: the first pending step after the active one, read with the lock (see dossier_lock).
NEXT_STEP = "next_step"
# In ``related``: the active step's row locked with the dossier's, for a transition deciding who holds the
# step (claim, reassign). On PostgreSQL a transaction that waited for the dossier's lock reads the dossier as
# the other one left it, but a row joined without a lock as it was before: a second claim would find the step
# still unclaimed. The nullable side of an outer join cannot be locked, so the step is joined by an inner join
# there; a dossier without an active step (or whose active step changed meanwhile) is read again as usual.
STEP_LOCKED = "step_locked"


@dataclass(frozen=True)
class _LockPlan:
    sql: str
    models: tuple[tuple[str | None, type[Model], list[str], slice], ...]  # relation, model, attnames, columns
    converters: Converters
    owner: int  # position of the applicant's account id; the roles come next when asked for
    more: int | None  # with NEXT_STEP: position of whether a step is pending after the next one


def _lock_plan(connection: BaseDatabaseWrapper, related: tuple[str, ...], roles: bool) -> _LockPlan:
    plans: dict[tuple[tuple[str, ...], bool], _LockPlan] = connection.__dict__.setdefault("_dossier_lock_plans", {})
    key = (related, roles)
    if key not in plans:
        plans[key] = _lock_plan_build(connection, related, roles)
    return plans[key]


def _foreign_key(name: str) -> ForeignKey:
    return cast(ForeignKey, Dossier._meta.get_field(name))


def _lock_model(relation: str | None) -> type[Model]:
    """The model a relation of the lock query reads: the dossier itself, the next step, or a foreign key's."""
    if relation is None:
        return Dossier
    if relation == NEXT_STEP:
        return DossierStep
    return cast(type[Model], _foreign_key(relation).related_model)


def _lock_plan_build(connection: BaseDatabaseWrapper, related: tuple[str, ...], roles: bool) -> _LockPlan:
    q = connection.ops.quote_name
    meta = Dossier._meta
    columns: list[str] = []
    cols: list[Col] = []
    models: list[tuple[str | None, type[Model], list[str], slice]] = []
    joins = []
    step_locked = STEP_LOCKED in related and connection.features.has_select_for_update_of
    related = tuple(r for r in related if r != STEP_LOCKED)
    for n, relation in enumerate((None, "active_step", *related)):
        model = _lock_model(relation)
        alias = f"t{n}"
        fields = model._meta.concrete_fields
        models.append((relation, model, [f.attname for f in fields], slice(len(columns), len(columns) + len(fields))))
        columns += [f"{q(alias)}.{q(f.column)}" for f in fields]
        cols += [f.get_col(alias) for f in fields]
        if relation == NEXT_STEP:
            joins.append(f"LEFT OUTER JOIN {q(model._meta.db_table)} {q(alias)} ON {_next_step_match(q, alias)}")
        elif relation is not None:
            join = "INNER JOIN" if step_locked and relation == "active_step" else "LEFT OUTER JOIN"
            joins.append(
                f"{join} {q(model._meta.db_table)} {q(alias)} "
                f"ON {q(alias)}.{q(model._meta.pk.column)} = {q('t0')}.{q(_foreign_key(relation).column)}"
            )
    applicant = _foreign_key("applicant")
    owner = len(columns)
    columns.append(
        f"(SELECT {q('user_id')} FROM {q(cast(type[Model], applicant.related_model)._meta.db_table)} "  # noqa: S608
        f"WHERE {q('id')} = {q('t0')}.{q(applicant.column)})"
    )
    if roles:
        # The actor's roles in force (in active agencies), joined inside the subquery: still one statement.
        pair = f"CAST(r.{q('agency_id')} AS text) || ':' || r.{q('role')}"
        concat = "string_agg" if connection.vendor == "postgresql" else "group_concat"
        joined = f"{concat}({pair}, ',')"
        columns.append(f"({roles_in_force_sql(select=joined, quote=q)})")
    more = None
    if NEXT_STEP in related:
        more = len(columns)
        columns.append(_steps_after_next_sql(q, f"t{2 + related.index(NEXT_STEP)}"))
    locked = f"{q('t0')}, {q('t1')}" if step_locked else q("t0")
    lock = f" FOR UPDATE OF {locked}" if connection.features.has_select_for_update_of else ""
    sql = (
        f"SELECT {', '.join(columns)} FROM {q(meta.db_table)} {q('t0')} {' '.join(joins)} "  # noqa: S608 - names only
        f"WHERE {q('t0')}.{q(meta.pk.column)} = %s{lock}"
    )
    converters = []
    for n, col in enumerate(cols):
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            converters.append((n, found, col))
    return _LockPlan(sql, tuple(models), converters, owner, more)


def _pending_after(q: Callable[[str], str], after: str) -> str:
    """``FROM``/``WHERE`` of the dossier's (t0) pending steps, as ``s``, ordered after the SQL value ``after``."""
    order = q("order")
    return (
        f"FROM {q(DossierStep._meta.db_table)} s WHERE s.{q('dossier_id')} = {q('t0')}.{q('id')} "
        f"AND s.{q('state')} = '{StepState.PENDING.value}' AND s.{order} > {after}"
    )


def _next_step_match(q: Callable[[str], str], alias: str) -> str:
    """The join condition of :data:`NEXT_STEP`: the row of ``transitions.step_after`` (t1 is the active step)."""
    order = q("order")
    pending = _pending_after(q, f"COALESCE({q('t1')}.{order}, -1)")
    return f"{q(alias)}.{q('id')} = (SELECT s.{q('id')} {pending} ORDER BY s.{order}, s.{q('id')} LIMIT 1)"


def _steps_after_next_sql(q: Callable[[str], str], alias: str) -> str:
    """Whether a step of the process is pending after the next step (``alias``): ``transitions.steps_after_next``."""
    pending = _pending_after(q, f"{q(alias)}.{q('order')}")
    return f"EXISTS (SELECT 1 {pending} AND NOT s.{q('consultation')})"


def dossier_lock(*, dossier: Dossier | int, related: tuple[str, ...] = (), user: User | None = None) -> Dossier:
    """Fetch the dossier again, locked for the transaction, with what the transition table reads.

    The active step and the relations named in ``related`` (foreign keys of the dossier) are joined as
    ``select_related`` does; :data:`NEXT_STEP` in ``related`` also reads the first pending step after the
    active one, which ``transitions.step_after`` then answers without a query of its own (forward, approve);
    ``applicant_user_id`` is the account owning the applicant; :data:`STEP_LOCKED` also locks the active
    step's row. With ``user``,
    the user's roles come in the same query (see :func:`roles_of_locked`): read under the lock, so a
    role revoked a moment ago no longer counts.
    """
    pk = dossier if isinstance(dossier, int) else dossier.pk
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise TransactionManagementError("dossier_lock must run inside the transition's transaction")
    roles_of = user.pk if user is not None and user.is_authenticated else None
    plan = _lock_plan(connection, related, roles_of is not None)
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, [pk] if roles_of is None else [roles_of, pk])
        row = cursor.fetchone()
    if row is None and STEP_LOCKED in related and connection.features.has_select_for_update_of:
        # No active step, or another one since this statement began: read it with the dossier's lock alone.
        return dossier_lock(dossier=pk, related=tuple(r for r in related if r != STEP_LOCKED), user=user)
    if row is None:
        raise Dossier.DoesNotExist(f"No dossier {pk}.")
    values = list(row)
    for n, found, col in plan.converters:
        value = values[n]
        for converter in found:
            value = converter(value, col, connection)
        values[n] = value
    locked = Dossier.from_db(connection.alias, plan.models[0][2], values[plan.models[0][3]])
    for relation, model, names, columns in plan.models[1:]:
        part = values[columns]
        obj = model.from_db(connection.alias, names, part) if part[0] is not None else None
        if relation == NEXT_STEP:
            more = bool(values[plan.more]) if plan.more is not None else None
            step_after_remember(locked, cast(DossierStep | None, obj), more=more)
        else:
            _foreign_key(cast(str, relation)).set_cached_value(locked, obj)
    locked.applicant_user_id = values[plan.owner]  # type: ignore[attr-defined]
    if roles_of is not None:
        locked.actor_roles = values[plan.owner + 1]  # type: ignore[attr-defined]
    return locked


def roles_of_locked(dossier: Dossier) -> Roles:
    """The roles read by :func:`dossier_lock` with a user (none for an anonymous one)."""
    return roles_parse(dossier.__dict__.pop("actor_roles", None))


# --- Writing: plain statements (core.rows) ---------------------------------------------------


def _write(*, updates: list[tuple[Model, Iterable[str]]], event: DossierEvent, entry: PendingEntry | None) -> None:
    """UPDATE rows, INSERT the event and append its audit entry.

    On PostgreSQL this is one statement: a WITH of data-modifying statements, which all run, on distinct
    rows, whether or not the final SELECT reads them. The audit entry comes first in it and the commit
    right after it, so the chain head stays locked only for that long. Elsewhere, one statement each.
    """
    connection = transaction.get_connection()
    statements = [update_statement(obj, names, connection) for obj, names in updates]
    insert_sql, insert_params = insert_statement(event, connection)
    entry_id = None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            parts, params = [], []
            if entry is not None:
                sql, entry_params = audit_append_ctes(entry, connection)
                parts.append(sql)
                params += entry_params
            for n, (sql, update_params) in enumerate(statements):
                parts.append(f"updated_{n} AS ({sql})")
                params += update_params
            parts.append(f"inserted AS ({insert_sql})")
            entry_column = f"(SELECT id FROM {AUDIT_ENTRY})" if entry is not None else "NULL"  # noqa: S608
            event_column = connection.ops.quote_name(DossierEvent._meta.pk.column)
            cursor.execute(
                f"WITH {', '.join(parts)} SELECT (SELECT {event_column} FROM inserted), {entry_column}",  # noqa: S608
                [*params, *insert_params],
            )
            event_id, entry_id = cursor.fetchone()
        else:
            for sql, update_params in statements:
                cursor.execute(sql, update_params)
            cursor.execute(insert_sql, insert_params)
            (event_id,) = cursor.fetchone()
    mark_inserted(event, event_id, connection)
    if entry is not None and entry_id is None:
        audit_entry_write(entry)  # not on PostgreSQL, or the chain has no head yet: this creates it


# --- The event and its audit entry ------------------------------------------------------------


def _logged(
    *,
    dossier: Dossier,
    by: User | None,
    action: str,
    at: datetime,
    from_status: int | None,
    reason: str,
    data: dict[str, Any],
    internal: bool,
    updates: list[tuple[Model, Iterable[str]]],
) -> DossierEvent:
    event = DossierEvent(
        dossier=dossier,
        at=at,
        actor=by,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        reason=reason,
        data=data,
        internal=internal,
    )
    entry = None
    if by is not None:
        audit_data = {"from": from_status, "to": dossier.status, "reason": reason, "version": dossier.version, **data}
        entry = audit_entry_prepare(
            actor=by, action=f"dossier.{action}", target=f"dossier:{dossier.pk}", data=audit_data
        )
    _write(updates=updates, event=event, entry=entry)
    dispatch_soon()
    return event


def event_write(
    *,
    dossier: Dossier,
    by: User | None,
    action: str,
    at: datetime,
    from_status: int | None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    internal: bool = False,
) -> DossierEvent:
    """Write one timeline row and its audit entry (inside the caller's transaction)."""
    return _logged(
        dossier=dossier,
        by=by,
        action=action,
        at=at,
        from_status=from_status,
        reason=reason,
        data=data or {},
        internal=internal,
        updates=[],
    )


_EVENTS_PER_INSERT = 500


def events_write_many(events: list[DossierEvent], *, by: User | None) -> None:
    """Write the timeline rows of a change that reaches many dossiers at once (a calendar change, an agency's
    hand-over) in a few statements, and each row's audit entry as ``event_write`` writes it."""
    for n in range(0, len(events), _EVENTS_PER_INSERT):
        rows_insert(events[n : n + _EVENTS_PER_INSERT])
    dispatch_soon()
    for event in events:
        dossier = event.dossier
        data = {"from": event.from_status, "to": event.to_status, "reason": event.reason, "version": dossier.version}
        audit_record(
            actor=by, action=f"dossier.{event.action}", target=f"dossier:{dossier.pk}", data={**data, **event.data}
        )


def version_check(dossier: Dossier, expected_version: int | None) -> None:
    """Refuse (``stale_version``) when the caller acted on another version of ``dossier`` than the one read."""
    if expected_version is not None and expected_version != dossier.version:
        raise TransitionRefused(
            _("Someone else changed this dossier in the meantime; reload it and try again."),
            code="stale_version",
        )


@contextmanager
def transition_apply(
    *,
    by: User,
    dossier: Dossier | int,
    action: str,
    expected_version: int | None = None,
    at: datetime | None = None,
    agency_id: int | None = None,
    subject: Model | None = None,
    related: tuple[str, ...] = (),
    held: bool = False,
    roles: Roles | None = None,
) -> Iterator[Change]:
    """Lock ``dossier``, check ``action`` for ``by`` and yield a :class:`Change`; save and log on exit.

    ``subject`` (a row the transition changes with the dossier, e.g. the apology letter) is read again
    under the dossier's lock, so the guards judge it as the last transition left it, not as the caller
    read it before; it is ``Change.subject``, and the caller's instance follows it on leaving.
    ``related`` names relations to join in the lock query, for services that read them. ``held`` says
    the caller's open transaction already holds this instance's row (it created the dossier): no other
    transaction can change it, so it is neither locked nor read again, no savepoint is taken (a refusal
    fails the caller's whole transaction) and ``roles`` (else loaded) are the actor's.
    """
    at = at or timezone.now()
    if held and (isinstance(dossier, int) or not transaction.get_connection().in_atomic_block):
        raise TransactionManagementError("A held dossier is an instance of the caller's open transaction.")
    with transaction.atomic(savepoint=not held):
        if held:
            locked = cast(Dossier, dossier)
            roles = user_roles_load(user=by) if roles is None else roles
        else:
            locked = dossier_lock(dossier=dossier, related=related, user=by)
            roles = roles_of_locked(locked)
        fresh = _subject_reread(subject)
        version_check(locked, expected_version)
        row = transition_find(
            dossier=locked, action=action, user=by, at=at, agency_id=agency_id, subject=fresh, roles=roles
        )
        change = Change(dossier=locked, row=row, by=by, at=at, roles=roles, subject=fresh)
        from_status = locked.status
        yield change
        target = change.target if change.target is not None else row.target
        if target is not None and target != from_status:
            change.set(status=target)
        change.set(version=locked.version + 1)
        change.event = _logged(
            dossier=locked,
            by=by,
            action=action,
            at=at,
            from_status=from_status,
            reason=change.reason,
            data=change.data,
            internal=row.internal or change.internal,
            updates=[*change.later, (locked, (*sorted(change.fields), "updated_at"))],
        )
    if not isinstance(dossier, int) and dossier is not locked:
        # The caller's instance follows, so a second call with it is not refused as stale.
        _copy(locked, dossier)
    _subject_copy(change.subject, subject)


def _subject_reread(subject: Model | None) -> Model | None:
    """``subject`` read again, locked (its changes are made under the dossier's lock, so that lock orders them)."""
    if subject is None:
        return None
    return type(subject)._default_manager.select_for_update().get(pk=subject.pk)


def _subject_copy(source: Model | None, target: Model | None) -> None:
    if source is None or target is None or source is target:
        return
    for f in type(source)._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))


def _copy(source: Dossier, target: Dossier) -> None:
    for f in Dossier._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))
    steps_forget(target)
