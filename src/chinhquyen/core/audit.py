"""Append-only, hash-chained audit log.

Each entry's hash is SHA-256 over a canonical JSON of its fields and the previous entry's hash, so
changing, removing or reordering a stored row breaks the chain at that row and :func:`audit_verify`
reports where. Writers lock the single :class:`AuditChainHead` row by updating it, so two concurrent
entries never share a parent; call :func:`audit_record` late in a transaction to hold that lock briefly.
On PostgreSQL one statement moves the head, hashes and inserts the entry.
"""

import contextlib
import enum
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .anchor_stamps import StampCheck, anchor_stamper
from .models import GENESIS_HASH, AuditChainHead, AuditEntry

HEAD_PK = 1

# The user on whose behalf the current request or job acts, for entries written by signal handlers
# that cannot see the request (see AuditActorMiddleware and audit_actor).
_current_actor: ContextVar[Callable[[], Any] | None] = ContextVar("audit_actor", default=None)
# Users being deleted: the collector clears the links to them before the cascade's handlers write entries
# (their staff roles revoked, their devices removed), so those entries keep the name and no link.
_users_deleting: ContextVar[frozenset[Any]] = ContextVar("audit_users_deleting", default=frozenset())


def canonical_json(value: Any) -> str:
    """Serialise deterministically: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(
    *, sequence: int, at: datetime, actor_name: str, action: str, target: str, data: Any, prev_hash: str
) -> str:
    payload = {
        "sequence": sequence,
        "at": _iso(at),
        "actor": actor_name,
        "action": action,
        "target": target,
        "data": data,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


@dataclass(frozen=True)
class HashParts:
    """The canonical JSON that :func:`entry_hash` hashes, cut around the two values only the chain head knows.

    ``prefix + prev_hash + middle + str(sequence) + suffix`` is that JSON exactly: its keys sort as action,
    actor, at, data, prev_hash, sequence, target, and a hex digest or an integer needs no escaping. So the
    database can finish the hash in the statement that moves the head.
    """

    prefix: str
    middle: str
    suffix: str

    @classmethod
    def of(cls, *, at: datetime, actor_name: str, action: str, target: str, data: Any) -> "HashParts":
        known = canonical_json({"action": action, "actor": actor_name, "at": _iso(at), "data": data})
        return cls(known[:-1] + ',"prev_hash":"', '","sequence":', ',"target":' + canonical_json(target) + "}")

    def digest(self, *, prev_hash: str, sequence: int) -> str:
        text = f"{self.prefix}{prev_hash}{self.middle}{sequence}{self.suffix}"
        return hashlib.sha256(text.encode()).hexdigest()


def _head_create() -> None:
    """Create the chain head on first use, from the last stored entry if any."""
    last = AuditEntry.objects.order_by("-sequence").only("sequence", "hash", "prev_hash").first()
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(
                pk=HEAD_PK,
                last_sequence=last.sequence if last else 0,
                last_hash=last.hash if last else GENESIS_HASH,
                prev_hash=last.prev_hash if last else GENESIS_HASH,
            )
    except IntegrityError:
        pass  # Another writer created it first; the append waits for its commit on the row lock.


def audit_actor_current() -> Any:
    """Who the current request or job acts for (``AuditActorMiddleware``, :func:`audit_actor`), else None."""
    return _resolve_actor(None)


def _resolve_actor(actor: Any) -> Any:
    if actor is None:
        get_actor = _current_actor.get()
        actor = get_actor() if get_actor is not None else None
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor


# The name of the WITH item of audit_append_ctes returning the new entry's id, sequence, prev_hash, hash.
AUDIT_ENTRY = "audit_entry"
_ENTRY_COLUMNS = ("sequence", "at", "actor_id", "actor_name", "action", "target", "data", "prev_hash", "hash")


@dataclass(frozen=True)
class PendingEntry:
    """An entry ready to be appended: everything but its place in the chain (see :func:`audit_entry_prepare`)."""

    actor: Any
    actor_name: str
    action: str
    target: str
    at: datetime
    data: Any  # as the JSON column gives it back
    data_json: str
    parts: HashParts

    def params(self, connection: BaseDatabaseWrapper) -> list[Any]:
        """The values of the columns ``at`` to ``data``."""
        actor_id = self.actor.pk if self.actor is not None else None
        at = connection.ops.adapt_datetimefield_value(self.at)
        return [at, actor_id, self.actor_name, self.action, self.target, self.data_json]

    def entry(self, *, pk: int, sequence: int, prev_hash: str, digest: str, alias: str) -> AuditEntry:
        entry = AuditEntry(
            pk=pk,
            sequence=sequence,
            at=self.at,
            actor=self.actor,
            actor_name=self.actor_name,
            action=self.action,
            target=self.target,
            data=self.data,
            prev_hash=prev_hash,
            hash=digest,
        )
        entry._state.adding = False
        entry._state.db = alias
        return entry


def audit_entry_prepare(*, actor: Any, action: str, target: str, data: dict[str, Any]) -> PendingEntry:
    """Resolve the actor, fix the time and serialise the data of an entry; nothing is written yet.

    ``at`` is taken here, just before the head is locked: ``sequence``, not ``at``, orders the chain.
    """
    actor = _resolve_actor(actor)
    # Store exactly what is hashed: the JSON round trip turns dates, UUIDs and tuples into what the
    # JSON column will give back when the chain is verified.
    data_json = canonical_json(data)
    stored = json.loads(data_json)
    actor_name = actor.get_username() if actor is not None else ""
    if actor is not None and actor.pk in _users_deleting.get():
        actor = None
    at = timezone.now()
    parts = HashParts.of(at=at, actor_name=actor_name, action=action, target=target, data=stored)
    return PendingEntry(actor, actor_name, action, target, at, stored, data_json, parts)


def audit_append_ctes(entry: PendingEntry, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
    """Two PostgreSQL WITH items that append ``entry``: ``audit_head``, then :data:`AUDIT_ENTRY`.

    :data:`AUDIT_ENTRY` returns ``id, sequence, prev_hash, hash``; it is empty when there is no chain head yet.
    Put them in the last statement of a transaction, so the head stays locked only until the commit.

    The UPDATE locks the head row; a concurrent writer's UPDATE waits for the commit and then re-reads the
    row it updates (READ COMMITTED), so every entry's parent is the entry committed before it. Every SET
    expression reads the row as it was, so ``prev_hash`` gets the old ``last_hash``, and the database
    finishes the hash (:class:`HashParts`) with the new ``last_sequence``.
    """
    head, table, columns = _names(connection)
    sql = (
        f"audit_head AS (UPDATE {head} SET last_sequence = last_sequence + 1, prev_hash = last_hash, "  # noqa: S608 - names only
        "last_hash = encode(sha256(convert_to("
        "%s || last_hash || %s || CAST(last_sequence + 1 AS text) || %s, 'UTF8')), 'hex') "
        "WHERE id = %s RETURNING last_sequence, prev_hash, last_hash), "
        f"{AUDIT_ENTRY} AS (INSERT INTO {table} ({columns}) "
        "SELECT last_sequence, %s, %s, %s, %s, %s, CAST(%s AS jsonb), prev_hash, last_hash FROM audit_head "
        "RETURNING id, sequence, prev_hash, hash)"
    )
    parts = entry.parts
    return sql, [parts.prefix, parts.middle, parts.suffix, HEAD_PK, *entry.params(connection)]


def _names(connection: BaseDatabaseWrapper) -> tuple[str, str, str]:
    q = connection.ops.quote_name
    return q(AuditChainHead._meta.db_table), q(AuditEntry._meta.db_table), ", ".join(map(q, _ENTRY_COLUMNS))


def _append_postgresql(cursor: Any, connection: BaseDatabaseWrapper, entry: PendingEntry) -> Any:
    ctes, params = audit_append_ctes(entry, connection)
    cursor.execute(f"WITH {ctes} SELECT id, sequence, prev_hash, hash FROM {AUDIT_ENTRY}", params)  # noqa: S608
    return cursor.fetchone()


def _append_other(cursor: Any, connection: BaseDatabaseWrapper, entry: PendingEntry) -> Any:
    """Move the head, hash in Python, insert: three statements (SQLite serialises writers anyway)."""
    head, table, columns = _names(connection)
    cursor.execute(
        f"UPDATE {head} SET last_sequence = last_sequence + 1, prev_hash = last_hash "  # noqa: S608 - names only
        "WHERE id = %s RETURNING last_sequence, prev_hash",
        [HEAD_PK],
    )
    row = cursor.fetchone()
    if row is None:
        return None
    sequence, prev_hash = row
    digest = entry.parts.digest(prev_hash=prev_hash, sequence=sequence)
    cursor.execute(f"UPDATE {head} SET last_hash = %s WHERE id = %s", [digest, HEAD_PK])  # noqa: S608 - names only
    cursor.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(_ENTRY_COLUMNS))}) RETURNING id",  # noqa: S608
        [sequence, *entry.params(connection), prev_hash, digest],
    )
    (pk,) = cursor.fetchone()
    return pk, sequence, prev_hash, digest


def audit_entry_write(entry: PendingEntry) -> AuditEntry:
    """Append a prepared entry (one statement on PostgreSQL, three elsewhere), creating the head on first use."""
    connection = transaction.get_connection()
    append = _append_postgresql if connection.vendor == "postgresql" else _append_other
    # No savepoint: a failed entry must fail the caller's whole transaction anyway.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        row = append(cursor, connection, entry)
        if row is None:  # no head yet: the first entry of this database
            _head_create()
            row = append(cursor, connection, entry)
    pk, sequence, prev_hash, digest = row
    return entry.entry(pk=pk, sequence=sequence, prev_hash=prev_hash, digest=digest, alias=connection.alias)


def audit_record(*, actor: Any, action: str, target: str, data: dict[str, Any]) -> AuditEntry:
    """Append one entry; ``actor`` is a user or None (then the current request's user, if any)."""
    return audit_entry_write(audit_entry_prepare(actor=actor, action=action, target=target, data=data))


class BreakReason(enum.StrEnum):
    HASH_MISMATCH = "hash mismatch"
    PREV_HASH_MISMATCH = "prev_hash mismatch"
    GAP = "gap"
    TRUNCATED = "truncated"
    HEAD_MISMATCH = "head mismatch"
    ANCHOR_MISMATCH = "anchor mismatch"
    ANCHOR_TIMESTAMP_INVALID = "anchor timestamp invalid"


@dataclass(frozen=True)
class AuditAnchor:
    """The chain's tip as copied outside the database (mốc neo): entry ``sequence`` had ``hash``.

    Whoever can rewrite the rows and the head can build a new chain that verifies; an anchor kept where they
    cannot reach (another host, a mailbox, paper) tells that chain from the one that was. ``timestamp``, a DER
    RFC 3161 token over the hash, proves when the anchor was taken, whoever keeps it (``core.anchor_stamps``).
    """

    sequence: int
    hash: str
    timestamp: bytes | None = None


def audit_anchor_current() -> AuditAnchor | None:
    """The chain's tip now, to copy outside the database; None while the log is empty."""
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
    if head is None or head.last_sequence == 0:
        return None
    return AuditAnchor(sequence=head.last_sequence, hash=head.last_hash)


@dataclass(frozen=True)
class ActorMismatch:
    """An entry whose actor link points to a user the chain never knew by the entry's ``actor_name``.

    The hash covers ``actor_name``, not the link (``actor_id``), so such an entry still verifies: either
    the link was re-pointed in the database, or the user was renamed without a ``user.rename`` entry
    (before renames were recorded, or by a write that went around the ORM).
    """

    sequence: int
    actor_name: str
    actor_id: int
    username: str  # the linked user's username now


# At most this many mismatches are kept for the report; all are counted.
ACTOR_MISMATCHES_KEPT = 100


@dataclass(frozen=True)
class VerifyResult:
    """``ok`` with ``count`` entries, or the first broken link: its sequence number and why.

    ``stamped``: the anchors' timestamps checked and valid; ``problem``: what is wrong with an invalid one.
    ``ok`` is the chain's verdict; ``actor_mismatches`` (the first :data:`ACTOR_MISMATCHES_KEPT` of
    ``actor_mismatch_count``, up to the break if any) are links outside the hashes that disagree with them.
    """

    ok: bool
    count: int
    broken_at: int | None = None
    reason: BreakReason | None = None
    stamped: int = 0
    problem: str = ""
    actor_mismatches: tuple[ActorMismatch, ...] = ()
    actor_mismatch_count: int = 0


def _names_recorded() -> dict[int, set[str]]:
    """Every username each user has had, by the chain's ``user.rename`` entries."""
    names: dict[int, set[str]] = {}
    for target, data in AuditEntry.objects.filter(action=USER_RENAME).values_list("target", "data"):
        try:
            user_id = int(target.removeprefix("user:"))
            names.setdefault(user_id, set()).update(str(name) for name in data["username"])
        except (ValueError, TypeError, KeyError):
            continue  # an altered row: the walk reports its hash
    return names


def audit_verify(*, anchors: Iterable[AuditAnchor] = ()) -> VerifyResult:
    """Walk the chain in sequence order and report the first broken link.

    Each of ``anchors`` must still be in the chain: its entry present with the hash copied at the time, and
    its timestamp, if it has one, valid over that hash and not older than the entry. The chain head must end
    the chain: its entry present with the hash it holds, and no entry beyond it. Entries appended while the
    chain is walked are newer than the head read first, not a break. Entries whose actor link disagrees with
    their hashed actor name are reported too (:class:`ActorMismatch`).
    """
    with _one_snapshot():
        return _verify(list(anchors))


@contextlib.contextmanager
def _one_snapshot() -> Iterator[None]:
    """Run the block's reads in one snapshot: on PostgreSQL, outside a transaction, a read-only REPEATABLE READ one.

    Inside a caller's transaction its isolation level stays (it cannot change after the first query), and on
    SQLite each statement reads on its own; :func:`_verify` gives the same verdict either way. The snapshot
    also keeps the users' names and the entries naming them in step.
    """
    connection = transaction.get_connection()
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    # The health check's SELECT 1 must not be the transaction's first query: the isolation level must.
    connection.close_if_health_check_failed()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _verify(anchors: list[AuditAnchor]) -> VerifyResult:
    from django.contrib.auth import get_user_model

    anchored = {a.sequence: a.hash for a in anchors}
    # A quiet day's anchors repeat the same tip, each with its own token: check them all.
    tokens: dict[int, list[bytes]] = {}
    for anchor in anchors:
        if anchor.timestamp is not None:
            tokens.setdefault(anchor.sequence, []).append(anchor.timestamp)
    # The head first: the entries it counts were committed with it, so the walk finds them all.
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
    head_sequence = head.last_sequence if head is not None else 0
    head_entry_hash = None
    renamed = _names_recorded()
    mismatches: list[ActorMismatch] = []
    expected_sequence = 1
    prev_hash = GENESIS_HASH
    count = stamped = mismatch_count = 0

    def broken(sequence: int, reason: BreakReason, problem: str = "") -> VerifyResult:
        return VerifyResult(
            ok=False,
            count=count,
            broken_at=sequence,
            reason=reason,
            problem=problem,
            actor_mismatches=tuple(mismatches),
            actor_mismatch_count=mismatch_count,
        )

    hashed = ("sequence", "at", "actor_name", "action", "target", "data", "prev_hash", "hash")
    fields = (*hashed, "actor_id", f"actor__{get_user_model().USERNAME_FIELD}")
    for row in AuditEntry.objects.order_by("sequence").values_list(*fields).iterator(chunk_size=2000):
        sequence, at, actor_name, action, target, data, stored_prev, stored_hash, actor_id, username = row
        if sequence != expected_sequence:
            return broken(expected_sequence, BreakReason.GAP)
        digest = entry_hash(
            sequence=sequence,
            at=at,
            actor_name=actor_name,
            action=action,
            target=target,
            data=data,
            prev_hash=stored_prev,
        )
        if digest != stored_hash:
            return broken(sequence, BreakReason.HASH_MISMATCH)
        if stored_prev != prev_hash:
            return broken(sequence, BreakReason.PREV_HASH_MISMATCH)
        if anchored.get(sequence, stored_hash) != stored_hash:
            return broken(sequence, BreakReason.ANCHOR_MISMATCH)
        for token in tokens.get(sequence, ()):
            check = _anchor_stamp_check(token, digest=stored_hash, entry_at=at)
            if not check.valid:
                return broken(sequence, BreakReason.ANCHOR_TIMESTAMP_INVALID, check.problem)
            stamped += 1
        if actor_id is not None and actor_name != username and actor_name not in renamed.get(actor_id, ()):
            mismatch_count += 1
            if len(mismatches) < ACTOR_MISMATCHES_KEPT:
                mismatches.append(ActorMismatch(sequence, actor_name, actor_id, username))
        if sequence == head_sequence:
            head_entry_hash = stored_hash
        prev_hash = stored_hash
        expected_sequence += 1
        count += 1
    remembered = max([count, *anchored, head_sequence])
    if remembered > count:
        # Rows removed from the end leave a consistent chain; only the head and the anchors remember them.
        return broken(count + 1, BreakReason.TRUNCATED)
    if head is not None:
        mismatch = _head_mismatch(head, count=count, head_entry_hash=head_entry_hash, last_hash=prev_hash)
        if mismatch is not None:
            return broken(*mismatch)
    return VerifyResult(
        ok=True, count=count, stamped=stamped, actor_mismatches=tuple(mismatches), actor_mismatch_count=mismatch_count
    )


_HEAD_HASH_DIFFERS = "the chain head holds another hash for this entry: the chain was rewritten up to here"


def _head_mismatch(
    head: AuditChainHead, *, count: int, head_entry_hash: str | None, last_hash: str
) -> tuple[int, BreakReason, str] | None:
    """Where and how the head, read before the walk, disagrees with the ``count`` entries walked; None if it ends them.

    A chain rewritten from some entry on and rehashed to its end agrees with itself, but not with the hash the
    head kept of its last entry. Entries beyond the head were appended after it was read, or around it: the head
    read again covers the former.
    """
    if head.last_sequence and head_entry_hash != head.last_hash:
        return head.last_sequence, BreakReason.HEAD_MISMATCH, _HEAD_HASH_DIFFERS
    if count == head.last_sequence:
        return None
    now = AuditChainHead.objects.filter(pk=HEAD_PK).first()
    if now is None:
        return None  # lost meanwhile: the next append rebuilds it from the last entry
    if now.last_sequence < count:
        problem = f"the chain head ends at entry {now.last_sequence}: this entry was not appended through it"
        return now.last_sequence + 1, BreakReason.HEAD_MISMATCH, problem
    if now.last_sequence == count and now.last_hash != last_hash:
        return count, BreakReason.HEAD_MISMATCH, _HEAD_HASH_DIFFERS
    return None


def _anchor_stamp_check(token: bytes, *, digest: str, entry_at: datetime) -> StampCheck:
    stamper = anchor_stamper()
    if stamper is None:
        return StampCheck(valid=False, problem="no timestamp checker is installed")
    check = stamper.check(token, bytes.fromhex(digest))
    if check.valid and check.at is not None and check.at < entry_at:
        # A genuine token over an entry's hash cannot predate the entry.
        return StampCheck(valid=False, at=check.at, problem="stamped before the entry was written")
    return check


@contextlib.contextmanager
def audit_actor(user: Any) -> Iterator[None]:
    """Attribute entries written by signal handlers inside the block to ``user`` (jobs, commands)."""
    token = _current_actor.set(lambda: user)
    try:
        yield
    finally:
        _current_actor.reset(token)


class AuditActorMiddleware:
    """Make the request's user the actor of entries written by signal handlers during the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Resolve lazily: reading request.user here would hit the session on every request.
        token = _current_actor.set(lambda: getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            _current_actor.reset(token)


# --- Permission changes -------------------------------------------------------------------
# Senders are given as "app_label.Model" strings: core sits below the directory app and never imports it.
STAFF_ROLE_MODEL = "directory.StaffRole"
AGENCY_MODEL = "directory.Agency"
GROUP_MODEL = "auth.Group"
TOTP_DEVICE_MODEL = "otp_totp.TOTPDevice"
USER_FLAGS = ("is_staff", "is_superuser", "is_active")
M2M_ACTIONS = {"post_add": "add", "post_remove": "remove", "pre_clear": "clear"}
# What a staff role gives: a change to any of them takes a role from one holder and gives one to another.
STAFF_ROLE_HOLDING = ("user_id", "agency_id", "role")
# What makes a TOTP device a second factor: whether it counts, its secret and how its codes are checked.
# Not drift, last_t, throttling or last use: every sign-in changes those.
DEVICE_FIELDS = ("confirmed", "key", "step", "t0", "digits", "tolerance")
USER_RENAME = "user.rename"


def _user_target(user_id: Any) -> str:
    return f"user:{user_id}"


def _group_target(group_id: Any) -> str:
    return f"group:{group_id}"


def _permission_names(permissions: Any) -> list[str]:
    """``app_label.codename`` of each permission, as ``user.has_perm`` names them, sorted."""
    pairs = permissions.values_list("content_type__app_label", "codename")
    return sorted(f"{app_label}.{codename}" for app_label, codename in pairs)


def _staff_role_data(instance: Any, *, raw: bool = False) -> dict[str, Any]:
    data = {"agency_id": instance.agency_id, "role": instance.role, "title": instance.title}
    if not raw:  # fixtures load rows before the rows they point to
        data["agency"] = instance.agency.code
    return data


def _staff_role_before(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    # Remember the stored row: when an edit moves the role to another user, agency or role, the
    # post_save handler revokes what the old holder had.
    instance._audit_before = None
    if raw or instance.pk is None:
        return
    fields = (*STAFF_ROLE_HOLDING, "title", "agency__code")
    instance._audit_before = sender._base_manager.filter(pk=instance.pk).values(*fields).first()


def _staff_role_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    data = _staff_role_data(instance, raw=raw)
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if created or before is None:
        action = "staff_role.grant" if created else "staff_role.change"
        audit_record(actor=None, action=action, target=_user_target(instance.user_id), data=data)
        return
    fields = (*STAFF_ROLE_HOLDING, "title")
    changed = {f: [before[f], getattr(instance, f)] for f in fields if before[f] != getattr(instance, f)}
    if not changed:
        return  # saved as it was: nobody gained or lost anything
    if not set(changed) & set(STAFF_ROLE_HOLDING):
        data["changed"] = changed
        audit_record(actor=None, action="staff_role.change", target=_user_target(instance.user_id), data=data)
        return
    # The old holder's part of the chain shows the loss, the new holder's the gain; both tell the edit.
    old = {"agency_id": before["agency_id"], "role": before["role"], "title": before["title"]}
    old["agency"] = before["agency__code"]
    target = _user_target(before["user_id"])
    audit_record(actor=None, action="staff_role.revoke", target=target, data={**old, "changed": changed})
    target = _user_target(instance.user_id)
    audit_record(actor=None, action="staff_role.grant", target=target, data={**data, "changed": changed})


def _staff_role_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    data = _staff_role_data(instance)
    audit_record(actor=None, action="staff_role.revoke", target=_user_target(instance.user_id), data=data)


def _agency_before(sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    # Remember whether the stored agency was active: its roles grant something only while it is
    # (StaffRole.objects.in_force), so the flag switches every role held in it off or on.
    instance._audit_agency_was_active = None
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    instance._audit_agency_was_active = (
        sender._base_manager.filter(pk=instance.pk).values_list("is_active", flat=True).first()
    )


def _agency_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    was_active = getattr(instance, "_audit_agency_was_active", None)
    instance._audit_agency_was_active = None
    if raw or created or was_active is None or was_active == instance.is_active:
        return
    # Each official once, whatever roles they hold there: their roles go (or come back) with the agency.
    holders = instance.staff_roles.values_list("user_id", flat=True).distinct().order_by("user_id")
    data = {"agency": instance.code, "users": list(holders)}
    action = "agency.activate" if instance.is_active else "agency.deactivate"
    audit_record(actor=None, action=action, target=f"agency:{instance.pk}", data=data)


def _user_before(sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    # Remember the stored flags and username so the post_save handler can tell what changed; saves that
    # only touch other columns (last_login on every sign-in) cost nothing.
    instance._audit_user_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    watched = (*USER_FLAGS, sender.USERNAME_FIELD)
    if update_fields is not None and not set(update_fields) & set(watched):
        return
    instance._audit_user_before = sender._base_manager.filter(pk=instance.pk).values(*watched).first()


def _user_after(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    before = getattr(instance, "_audit_user_before", None)
    if created:
        changed = {flag: [None, True] for flag in ("is_staff", "is_superuser") if getattr(instance, flag)}
    elif before is not None:
        changed = {f: [before[f], getattr(instance, f)] for f in USER_FLAGS if before[f] != getattr(instance, f)}
    else:
        changed = {}
    if changed:
        data = {"username": instance.get_username(), "changed": changed}
        audit_record(actor=None, action="user.flags", target=_user_target(instance.pk), data=data)
    if before is not None and before[sender.USERNAME_FIELD] != instance.get_username():
        # Entries name their actor by username: audit_verify needs every name a user has had.
        data = {"username": [before[sender.USERNAME_FIELD], instance.get_username()]}
        audit_record(actor=None, action=USER_RENAME, target=_user_target(instance.pk), data=data)


def _user_deleting(sender: Any, instance: Any, **kwargs: Any) -> None:
    # pre_delete: the memberships are still there to read. Deleting the user removes them without an
    # m2m signal; its staff roles and devices are recorded as each is deleted. Read only: the entry is
    # written in post_delete (see _user_deleted).
    _users_deleting.set(_users_deleting.get() | {instance.pk})
    instance._audit_user_deleting = {
        "username": instance.get_username(),
        **{flag: getattr(instance, flag) for flag in USER_FLAGS},
        "groups": sorted(instance.groups.values_list("name", flat=True)),
        "user_permissions": _permission_names(instance.user_permissions.all()),
    }


def _user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    # post_delete: the entry takes the chain head only once the collector has written the rows the deletion
    # changes (the SET_NULL of dossier steps among them), as a transition takes it last. Taken first, it would
    # be held while those rows wait for a transaction that itself waits for the head: a deadlock.
    data = instance.__dict__.pop("_audit_user_deleting", None)
    if data is not None:
        audit_record(actor=None, action="user.delete", target=_user_target(instance.pk), data=data)
    _users_deleting.set(_users_deleting.get() - {instance.pk})


def _user_m2m_changed(
    sender: Any, instance: Any, action: str, reverse: bool, model: Any, pk_set: Any, **kwargs: Any
) -> None:
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    relation = next(
        (name for name in ("groups", "user_permissions") if sender is getattr(user_model, name).through), None
    )
    if relation is None or action not in M2M_ACTIONS:
        return
    verb = M2M_ACTIONS[action]
    if reverse:
        # group.user_set.add(user…) and friends: one entry per user whose permissions changed.
        users = model._base_manager.filter(pk__in=pk_set) if pk_set else model._base_manager.none()
        if verb == "clear":
            users = model._base_manager.filter(**{relation: instance})
        user_ids = sorted(users.values_list("pk", flat=True))
        names = [str(instance)]
    else:
        related = (
            model._base_manager.filter(pk__in=pk_set or ()) if verb != "clear" else getattr(instance, relation).all()
        )
        names = sorted(str(obj) for obj in related)
        user_ids = [instance.pk] if names else []
    for user_id in user_ids:
        audit_record(actor=None, action=f"user.{relation}.{verb}", target=_user_target(user_id), data={relation: names})


def _group_permissions_changed(
    sender: Any, instance: Any, action: str, reverse: bool, model: Any, pk_set: Any, **kwargs: Any
) -> None:
    """A group's permissions reach every member: one entry per group, naming the permissions."""
    from django.contrib.auth.models import Group

    if sender is not Group.permissions.through or action not in M2M_ACTIONS:
        return
    verb = M2M_ACTIONS[action]
    if reverse:  # permission.group_set.add(group…)
        groups = model._base_manager.filter(pk__in=pk_set or ())
        if verb == "clear":
            groups = model._base_manager.filter(permissions=instance)
        names = _permission_names(instance._meta.model._base_manager.filter(pk=instance.pk))
        changes = [(group, names) for group in groups.order_by("pk")]
    else:
        permissions = model._base_manager.filter(pk__in=pk_set or ()) if verb != "clear" else instance.permissions
        names = _permission_names(permissions.all())
        changes = [(instance, names)] if names else []
    for group, names in changes:
        data = {"group": group.name, "permissions": names}
        audit_record(actor=None, action=f"group.permissions.{verb}", target=_group_target(group.pk), data=data)


def _group_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    # pre_delete: the members and permissions are still there to read. The members lose the group
    # without an m2m signal, so each one's part of the chain gets the entry group.user_set.clear() writes.
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    members = list(
        user_model._base_manager.filter(groups=instance).order_by("pk").values_list("pk", user_model.USERNAME_FIELD)
    )
    data = {
        "group": instance.name,
        "permissions": _permission_names(instance.permissions.all()),
        "members": sorted(name for _pk, name in members),
    }
    audit_record(actor=None, action="group.delete", target=_group_target(instance.pk), data=data)
    for user_id, _name in members:
        audit_record(
            actor=None, action="user.groups.remove", target=_user_target(user_id), data={"groups": [str(instance)]}
        )


_NOT_LOADED = object()


def _device_state(instance: Any) -> dict[str, Any]:
    # Read __dict__: a deferred field must not cost a query each time a device is loaded.
    return {name: instance.__dict__.get(name, _NOT_LOADED) for name in ("user_id", *DEVICE_FIELDS)}


def _device_data(instance: Any) -> dict[str, Any]:
    return {"device": instance.persistent_id, "name": instance.name, "confirmed": instance.confirmed}


def _device_loaded(sender: Any, instance: Any, **kwargs: Any) -> None:
    # Kept from the load rather than read again before each save: every sign-in saves the device.
    instance._audit_device_before = _device_state(instance)


def _device_saved(
    sender: Any, instance: Any, created: bool, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    before = getattr(instance, "_audit_device_before", {})
    instance._audit_device_before = _device_state(instance)
    if raw:
        return
    data = _device_data(instance)
    if created:
        audit_record(actor=None, action="otp.device.add", target=_user_target(instance.user_id), data=data)
        return
    old_user = before.get("user_id", _NOT_LOADED)
    if old_user is not _NOT_LOADED and old_user != instance.user_id:
        # Another official's second factor now: the old holder loses it, the new one gains it.
        audit_record(actor=None, action="otp.device.remove", target=_user_target(old_user), data=data)
        audit_record(actor=None, action="otp.device.add", target=_user_target(instance.user_id), data=data)
        return
    known = [name for name in DEVICE_FIELDS if before.get(name, _NOT_LOADED) is not _NOT_LOADED]
    changed = [name for name in known if before[name] != getattr(instance, name)]
    if not changed:
        return
    if changed == ["confirmed"] and instance.confirmed and update_fields == frozenset({"confirmed"}):
        # The office's enrolment (office.auth.flow.enrolment_confirm) confirms this way once the official
        # typed a code, and records it as otp.enrol itself.
        return
    # Names only: the key itself never goes into the log.
    data["changed"] = changed
    audit_record(actor=None, action="otp.device.change", target=_user_target(instance.user_id), data=data)


def _device_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    audit_record(
        actor=None, action="otp.device.remove", target=_user_target(instance.user_id), data=_device_data(instance)
    )


def connect_permission_signals() -> None:
    """Record permission changes (staff roles, agencies, users, groups, permissions, TOTP devices) in the audit log."""
    from django.conf import settings
    from django.db.models import signals

    signals.pre_save.connect(_staff_role_before, sender=STAFF_ROLE_MODEL, dispatch_uid="audit_staff_role_before")
    signals.post_save.connect(_staff_role_saved, sender=STAFF_ROLE_MODEL, dispatch_uid="audit_staff_role_saved")
    signals.post_delete.connect(_staff_role_deleted, sender=STAFF_ROLE_MODEL, dispatch_uid="audit_staff_role_deleted")
    # An agency cannot be deleted while roles are held in it (PROTECT): only its active flag matters.
    signals.pre_save.connect(_agency_before, sender=AGENCY_MODEL, dispatch_uid="audit_agency_before")
    signals.post_save.connect(_agency_saved, sender=AGENCY_MODEL, dispatch_uid="audit_agency_saved")
    user_model = settings.AUTH_USER_MODEL
    signals.pre_save.connect(_user_before, sender=user_model, dispatch_uid="audit_user_flags_before")
    signals.post_save.connect(_user_after, sender=user_model, dispatch_uid="audit_user_flags_after")
    signals.pre_delete.connect(_user_deleting, sender=user_model, dispatch_uid="audit_user_deleting")
    signals.post_delete.connect(_user_deleted, sender=user_model, dispatch_uid="audit_user_deleted")
    signals.pre_delete.connect(_group_deleted, sender=GROUP_MODEL, dispatch_uid="audit_group_deleted")
    # The auto-created through models have no stable string name: filter inside the handlers.
    signals.m2m_changed.connect(_user_m2m_changed, dispatch_uid="audit_user_m2m_changed")
    signals.m2m_changed.connect(_group_permissions_changed, dispatch_uid="audit_group_permissions_changed")
    signals.post_init.connect(_device_loaded, sender=TOTP_DEVICE_MODEL, dispatch_uid="audit_device_loaded")
    signals.post_save.connect(_device_saved, sender=TOTP_DEVICE_MODEL, dispatch_uid="audit_device_saved")
    signals.post_delete.connect(_device_deleted, sender=TOTP_DEVICE_MODEL, dispatch_uid="audit_device_deleted")
