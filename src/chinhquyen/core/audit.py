"""Append-only, hash-chained audit log.

Each entry's hash is SHA-256 over a canonical JSON of its fields and the previous entry's hash, so
changing, removing or reordering a stored row breaks the chain at that row and :func:`audit_verify`
reports where. Writers lock the single :class:`AuditChainHead` row, so two concurrent entries never
share a parent; call :func:`audit_record` late in a transaction to hold that lock briefly.
"""

import contextlib
import enum
import hashlib
import json
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .models import GENESIS_HASH, AuditChainHead, AuditEntry

HEAD_PK = 1

# The user on whose behalf the current request or job acts, for entries written by signal handlers
# that cannot see the request (see AuditActorMiddleware and audit_actor).
_current_actor: ContextVar[Callable[[], Any] | None] = ContextVar("audit_actor", default=None)


def canonical_json(value: Any) -> str:
    """Serialise deterministically: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(
    *, sequence: int, at: datetime, actor_name: str, action: str, target: str, data: Any, prev_hash: str
) -> str:
    payload = {
        "sequence": sequence,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor_name,
        "action": action,
        "target": target,
        "data": data,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def _lock_head() -> AuditChainHead:
    """Return the chain head locked for update, creating it on first use."""
    head = AuditChainHead.objects.select_for_update().filter(pk=HEAD_PK).first()
    if head is not None:
        return head
    last = AuditEntry.objects.order_by("-sequence").only("sequence", "hash").first()
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(
                pk=HEAD_PK,
                last_sequence=last.sequence if last else 0,
                last_hash=last.hash if last else GENESIS_HASH,
            )
    except IntegrityError:
        pass  # Another writer created it first; its row is locked below after it commits.
    return AuditChainHead.objects.select_for_update().get(pk=HEAD_PK)


def _resolve_actor(actor: Any) -> Any:
    if actor is None:
        get_actor = _current_actor.get()
        actor = get_actor() if get_actor is not None else None
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor


def audit_record(*, actor: Any, action: str, target: str, data: dict[str, Any]) -> AuditEntry:
    """Append one entry; ``actor`` is a user or None (then the current request's user, if any)."""
    actor = _resolve_actor(actor)
    # Store exactly what is hashed: the JSON round trip turns dates, UUIDs and tuples into what the
    # JSON column will give back when the chain is verified.
    stored_data = json.loads(canonical_json(data))
    actor_name = actor.get_username() if actor is not None else ""
    # No savepoint: a failed entry must fail the caller's whole transaction anyway, and this saves
    # two round trips on the dossier services' hot path.
    with transaction.atomic(savepoint=False):
        head = _lock_head()
        sequence = head.last_sequence + 1
        at = timezone.now()
        digest = entry_hash(
            sequence=sequence,
            at=at,
            actor_name=actor_name,
            action=action,
            target=target,
            data=stored_data,
            prev_hash=head.last_hash,
        )
        entry = AuditEntry(
            sequence=sequence,
            at=at,
            actor=actor,
            actor_name=actor_name,
            action=action,
            target=target,
            data=stored_data,
            prev_hash=head.last_hash,
            hash=digest,
        )
        entry.save(force_insert=True)
        AuditChainHead.objects.filter(pk=HEAD_PK).update(last_sequence=sequence, last_hash=digest)
    return entry


class BreakReason(enum.StrEnum):
    HASH_MISMATCH = "hash mismatch"
    PREV_HASH_MISMATCH = "prev_hash mismatch"
    GAP = "gap"
    TRUNCATED = "truncated"


@dataclass(frozen=True)
class VerifyResult:
    """``ok`` with ``count`` entries, or the first broken link: its sequence number and why."""

    ok: bool
    count: int
    broken_at: int | None = None
    reason: BreakReason | None = None


def audit_verify() -> VerifyResult:
    """Walk the chain in sequence order and report the first broken link."""
    expected_sequence = 1
    prev_hash = GENESIS_HASH
    count = 0
    fields = ("sequence", "at", "actor_name", "action", "target", "data", "prev_hash", "hash")
    for row in AuditEntry.objects.order_by("sequence").values_list(*fields).iterator(chunk_size=2000):
        sequence, at, actor_name, action, target, data, stored_prev, stored_hash = row
        if sequence != expected_sequence:
            return VerifyResult(ok=False, count=count, broken_at=expected_sequence, reason=BreakReason.GAP)
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
            return VerifyResult(ok=False, count=count, broken_at=sequence, reason=BreakReason.HASH_MISMATCH)
        if stored_prev != prev_hash:
            return VerifyResult(ok=False, count=count, broken_at=sequence, reason=BreakReason.PREV_HASH_MISMATCH)
        prev_hash = stored_hash
        expected_sequence += 1
        count += 1
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
    if head is not None and head.last_sequence > count:
        # Rows removed from the end leave a consistent chain; only the head remembers them.
        return VerifyResult(ok=False, count=count, broken_at=count + 1, reason=BreakReason.TRUNCATED)
    return VerifyResult(ok=True, count=count)


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
USER_FLAGS = ("is_staff", "is_superuser", "is_active")
M2M_ACTIONS = {"post_add": "add", "post_remove": "remove", "pre_clear": "clear"}


def _user_target(user_id: Any) -> str:
    return f"user:{user_id}"


def _staff_role_data(instance: Any, *, raw: bool = False) -> dict[str, Any]:
    data = {"agency_id": instance.agency_id, "role": instance.role, "title": instance.title}
    if not raw:  # fixtures load rows before the rows they point to
        data["agency"] = instance.agency.code
    return data


def _staff_role_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    data = _staff_role_data(instance, raw=raw)
    action = "staff_role.grant" if created else "staff_role.change"
    audit_record(actor=None, action=action, target=_user_target(instance.user_id), data=data)


def _staff_role_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    data = _staff_role_data(instance)
    audit_record(actor=None, action="staff_role.revoke", target=_user_target(instance.user_id), data=data)


def _user_flags_before(sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    # Remember the stored flags so the post_save handler can tell what changed; saves that only
    # touch other columns (last_login on every sign-in) cost nothing.
    instance._audit_flags_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(USER_FLAGS):
        return
    instance._audit_flags_before = sender._base_manager.filter(pk=instance.pk).values(*USER_FLAGS).first()


def _user_flags_after(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    before = getattr(instance, "_audit_flags_before", None)
    if created:
        changed = {flag: [None, True] for flag in ("is_staff", "is_superuser") if getattr(instance, flag)}
    elif before is not None:
        changed = {f: [before[f], getattr(instance, f)] for f in USER_FLAGS if before[f] != getattr(instance, f)}
    else:
        changed = {}
    if changed:
        data = {"username": instance.get_username(), "changed": changed}
        audit_record(actor=None, action="user.flags", target=_user_target(instance.pk), data=data)


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


def connect_permission_signals() -> None:
    """Record permission changes (staff roles, user flags, groups, permissions) in the audit log."""
    from django.conf import settings
    from django.db.models import signals

    signals.post_save.connect(_staff_role_saved, sender=STAFF_ROLE_MODEL, dispatch_uid="audit_staff_role_saved")
    signals.post_delete.connect(_staff_role_deleted, sender=STAFF_ROLE_MODEL, dispatch_uid="audit_staff_role_deleted")
    user_model = settings.AUTH_USER_MODEL
    signals.pre_save.connect(_user_flags_before, sender=user_model, dispatch_uid="audit_user_flags_before")
    signals.post_save.connect(_user_flags_after, sender=user_model, dispatch_uid="audit_user_flags_after")
    # The auto-created through models have no stable string name: filter inside the handler.
    signals.m2m_changed.connect(_user_m2m_changed, dispatch_uid="audit_user_m2m_changed")
