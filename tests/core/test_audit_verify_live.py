"""audit_verify on a live system, and against the chain head: entries appended while it walks are newer, not a
break; a chain the head does not end is one.
"""

import json
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from chinhquyen.core import audit
from chinhquyen.core.audit import BreakReason, audit_record, audit_verify, entry_hash
from chinhquyen.core.models import AuditChainHead, AuditEntry

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")


def _entries(count: int) -> list[AuditEntry]:
    return [audit_record(actor=None, action="test.write", target=f"n:{n}", data={"n": n}) for n in range(count)]


def _raw(sql: str, params: list) -> None:
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=table), params)


def _rehash(sequence: int, *, data: dict, prev_hash: str) -> str:
    """Rewrite one row's data and prev_hash with a hash of its own, as anyone able to write the rows can."""
    entry = AuditEntry.objects.get(sequence=sequence)
    digest = entry_hash(
        sequence=sequence,
        at=entry.at,
        actor_name=entry.actor_name,
        action=entry.action,
        target=entry.target,
        data=data,
        prev_hash=prev_hash,
    )
    sql = "UPDATE {table} SET data = %s, prev_hash = %s, hash = %s WHERE sequence = %s"
    if connection.vendor == "postgresql":
        sql = "UPDATE {table} SET data = CAST(%s AS jsonb), prev_hash = %s, hash = %s WHERE sequence = %s"
    _raw(sql, [json.dumps(data), prev_hash, digest, sequence])
    return digest


def _append_forged(*, sequence: int, prev_hash: str) -> None:
    """An entry chained to the tip but written around audit_record: the head never moved for it."""
    at = AuditEntry.objects.get(sequence=sequence - 1).at
    digest = entry_hash(
        sequence=sequence, at=at, actor_name="", action="forged", target="x", data={}, prev_hash=prev_hash
    )
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    _raw(
        "INSERT INTO {table} (sequence, at, actor_name, action, target, data, prev_hash, hash) "
        "VALUES (%s, %s, '', 'forged', 'x', " + cast + ", %s, %s)",
        [sequence, at, "{}", prev_hash, digest],
    )


def _commit_from_another_connection() -> None:
    """Append one entry in a transaction of another connection, committed when this returns."""
    errors: list[BaseException] = []

    def write() -> None:
        try:
            with transaction.atomic():
                audit_record(actor=None, action="test.live", target="live", data={})
        except BaseException as exc:  # raised again in the calling thread
            errors.append(exc)
        finally:
            connections.close_all()

    writer = threading.Thread(target=write)
    writer.start()
    writer.join()
    assert errors == []


# --- Entries appended while it runs ------------------------------------------------------------


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("in_callers_transaction", [False, True], ids=["alone", "in-a-read-committed-transaction"])
def test_an_entry_committed_while_the_chain_is_walked_is_newer_not_a_truncation(monkeypatch, in_callers_transaction):
    _entries(3)
    hashed = audit.entry_hash
    calls = []

    def hash_and_commit_another_entry_on_the_first_row(**fields):
        if not calls:
            _commit_from_another_connection()
        calls.append(fields["sequence"])
        return hashed(**fields)

    monkeypatch.setattr(audit, "entry_hash", hash_and_commit_another_entry_on_the_first_row)

    if in_callers_transaction:
        with transaction.atomic():
            result = audit_verify()
    else:
        result = audit_verify()

    assert (result.ok, result.count, result.broken_at, result.reason) == (True, 3, None, None)
    assert calls == [1, 2, 3]
    monkeypatch.undo()
    assert (audit_verify().ok, audit_verify().count) == (True, 4)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_entry_committed_after_the_head_was_read_is_walked_as_a_newer_one(monkeypatch):
    # In a caller's READ COMMITTED transaction the walk sees what was committed after the head was read.
    _entries(3)
    names_recorded = audit._names_recorded

    def commit_another_entry_then_read_the_names():
        _commit_from_another_connection()
        return names_recorded()

    monkeypatch.setattr(audit, "_names_recorded", commit_another_entry_then_read_the_names)

    with transaction.atomic():
        result = audit_verify()

    assert (result.ok, result.count, result.broken_at, result.reason) == (True, 4, None, None)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_verify_while_another_connection_keeps_appending_reports_no_break():
    _entries(500)
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            while not stop.is_set():
                with transaction.atomic():
                    audit_record(actor=None, action="test.live", target="live", data={})
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        results = [audit_verify() for _ in range(5)]
    finally:
        stop.set()
        thread.join()

    assert errors == []
    assert [(r.ok, r.broken_at, r.reason) for r in results] == [(True, None, None)] * 5
    assert all(r.count >= 500 for r in results)
    final = audit_verify()
    assert (final.ok, final.count) == (True, AuditChainHead.objects.get().last_sequence)


# --- The head ends the chain -------------------------------------------------------------------


def test_a_rewritten_last_entry_is_found_through_the_head():
    entries = _entries(3)
    _rehash(3, data={"n": 999}, prev_hash=entries[1].hash)

    result = audit_verify()

    assert (result.ok, result.broken_at, result.reason, result.count) == (False, 3, BreakReason.HEAD_MISMATCH, 3)
    assert result.problem == "the chain head holds another hash for this entry: the chain was rewritten up to here"


def test_a_rewritten_middle_with_its_tail_rehashed_is_found_through_the_head():
    entries = _entries(5)
    prev_hash = entries[0].hash
    for entry in entries[1:]:
        data = {"n": 999} if entry.sequence == 2 else entry.data
        prev_hash = _rehash(entry.sequence, data=data, prev_hash=prev_hash)

    result = audit_verify()

    assert (result.ok, result.broken_at, result.reason, result.count) == (False, 5, BreakReason.HEAD_MISMATCH, 5)


def test_an_entry_appended_around_the_head_is_found():
    entries = _entries(3)
    _append_forged(sequence=4, prev_hash=entries[2].hash)

    result = audit_verify()

    assert (result.ok, result.broken_at, result.reason, result.count) == (False, 4, BreakReason.HEAD_MISMATCH, 4)
    assert result.problem == "the chain head ends at entry 3: this entry was not appended through it"


def test_a_head_moved_with_the_rewritten_tip_verifies_alone_as_before():
    # Whoever rewrites the head too is found only through an anchor (see test_audit's rebuilt chain).
    entries = _entries(3)
    digest = _rehash(3, data={"n": 999}, prev_hash=entries[1].hash)
    AuditChainHead.objects.filter(pk=1).update(last_hash=digest)

    assert (audit_verify().ok, audit_verify().count) == (True, 3)


def test_without_a_head_the_chain_verifies_on_its_own_as_before():
    # A lost head is rebuilt from the last entry on the next append (test_audit_append).
    _entries(2)
    AuditChainHead.objects.all().delete()

    assert (audit_verify().ok, audit_verify().count) == (True, 2)


def test_the_command_names_a_head_mismatch(capsys):
    entries = _entries(3)
    _rehash(3, data={"n": 999}, prev_hash=entries[1].hash)

    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_verify")

    assert exit_info.value.code == 1
    assert capsys.readouterr().err.strip() == (
        "BROKEN at sequence 3: head mismatch: the chain head holds another hash for this entry: the chain was "
        "rewritten up to here (3 entries verified)"
    )
