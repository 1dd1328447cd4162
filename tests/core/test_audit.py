"""The audit log is an append-only hash chain: every change to a stored row is found at that row."""

import datetime as dt
import json
import threading
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.http import HttpResponse

from chinhquyen.core.audit import (
    AuditActorMiddleware,
    AuditAnchor,
    BreakReason,
    audit_actor,
    audit_anchor_current,
    audit_record,
    audit_verify,
    entry_hash,
)
from chinhquyen.core.models import GENESIS_HASH, AuditChainHead, AuditEntry, AuditImmutableError
from tests.factories import AgencyFactory, StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def _three_entries(actor=None):
    return [
        audit_record(actor=actor, action="dossier.receive", target=f"dossier:{n}", data={"n": n}) for n in (1, 2, 3)
    ]


def _raw(sql, params=()):
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=table), params)


def test_entries_form_a_chain_that_verifies():
    user = UserFactory(username="canbo")
    first, second, third = _three_entries(actor=user)

    assert [first.sequence, second.sequence, third.sequence] == [1, 2, 3]
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert third.actor_name == "canbo"
    assert audit_verify().ok is True
    assert audit_verify().count == 3


def test_hash_is_deterministic_over_the_stored_row():
    entry = audit_record(
        actor=None,
        action="fee.set",
        target="procedure:7",
        data={"amount": Decimal("15000.50"), "on": dt.date(2026, 1, 2), "tags": ("a", "b")},
    )
    stored = AuditEntry.objects.get(pk=entry.pk)

    assert stored.data == {"amount": "15000.50", "on": "2026-01-02", "tags": ["a", "b"]}
    recomputed = entry_hash(
        sequence=stored.sequence,
        at=stored.at,
        actor_name=stored.actor_name,
        action=stored.action,
        target=stored.target,
        data=stored.data,
        prev_hash=stored.prev_hash,
    )
    assert recomputed == entry.hash
    assert audit_verify().ok is True


def test_recording_costs_one_statement_on_postgresql_three_on_sqlite(django_assert_num_queries):
    audit_record(actor=None, action="x", target="y", data={})  # creates the chain head

    # PostgreSQL: move the head, hash and insert in one statement. SQLite: move the head, store its hash, insert.
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 3):
        audit_record(actor=None, action="x", target="y", data={})


def test_tampered_data_is_found_at_its_sequence():
    _three_entries()

    if connection.vendor == "postgresql":
        _raw("UPDATE {table} SET data = CAST(%s AS jsonb) WHERE sequence = 2", ['{"n": 99}'])
    else:
        _raw("UPDATE {table} SET data = %s WHERE sequence = 2", ['{"n": 99}'])

    result = audit_verify()
    assert (result.ok, result.broken_at, result.reason, result.count) == (False, 2, BreakReason.HASH_MISMATCH, 1)


def test_rewritten_prev_hash_is_found():
    _three_entries()

    _raw("UPDATE {table} SET prev_hash = %s WHERE sequence = 3", [GENESIS_HASH])

    result = audit_verify()
    assert (result.broken_at, result.reason) == (3, BreakReason.HASH_MISMATCH)


def test_deleted_row_is_found_as_a_gap():
    _three_entries()

    _raw("DELETE FROM {table} WHERE sequence = 2")

    result = audit_verify()
    assert (result.ok, result.broken_at, result.reason) == (False, 2, BreakReason.GAP)


def test_deleted_tail_is_found_through_the_chain_head():
    _three_entries()

    _raw("DELETE FROM {table} WHERE sequence = 3")

    result = audit_verify()
    assert (result.ok, result.broken_at, result.reason) == (False, 3, BreakReason.TRUNCATED)


def test_entries_refuse_updates_and_deletes_through_the_orm():
    entry = audit_record(actor=None, action="x", target="y", data={})

    entry.action = "changed"
    with pytest.raises(AuditImmutableError):
        entry.save()
    with pytest.raises(AuditImmutableError):
        entry.delete()
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="changed")
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.all().delete()


def test_deleting_the_actor_keeps_the_chain_valid():
    user = UserFactory(username="roi-di")
    entry = audit_record(actor=user, action="x", target="y", data={})

    user.delete()

    entry = AuditEntry.objects.get(pk=entry.pk)
    assert (entry.actor_id, entry.actor_name) == (None, "roi-di")
    assert audit_verify().ok is True


def test_signal_entries_take_the_actor_from_the_context():
    admin = UserFactory(username="quantri")
    with audit_actor(admin):
        StaffRoleFactory(user__username="canbo", role="leader")

    entry = AuditEntry.objects.get(action="staff_role.grant")
    assert entry.actor_name == "quantri"


def test_middleware_makes_the_request_user_the_actor_of_signal_entries(rf):
    admin = UserFactory(username="quantri")
    request = rf.post("/admin/directory/staffrole/add/")
    request.user = admin

    def grant(request):
        StaffRoleFactory(user__username="canbo")
        return HttpResponse()

    AuditActorMiddleware(grant)(request)
    audit_record(actor=None, action="after.request", target="x", data={})

    actors = dict(AuditEntry.objects.values_list("action", "actor_name"))
    assert (actors["staff_role.grant"], actors["after.request"]) == ("quantri", "")


def test_staff_role_grant_and_revoke_write_entries():
    agency = AgencyFactory(code="000.03.00.H37")
    role = StaffRoleFactory(user__username="canbo", agency=agency, role="front_desk")
    user_id = role.user_id

    role.delete()

    entries = list(AuditEntry.objects.filter(action__startswith="staff_role").values_list("action", "target", "data"))
    expected_data = {"agency": "000.03.00.H37", "agency_id": agency.pk, "role": "front_desk", "title": ""}
    assert entries == [
        ("staff_role.grant", f"user:{user_id}", expected_data),
        ("staff_role.revoke", f"user:{user_id}", expected_data),
    ]
    assert audit_verify().ok is True


def test_user_flag_changes_write_entries_but_sign_ins_do_not():
    user = UserFactory(username="canbo")

    user.is_superuser = True
    user.save()
    user.last_login = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    user.save(update_fields=["last_login"])

    entries = list(AuditEntry.objects.filter(target=f"user:{user.pk}").values_list("action", "data"))
    assert entries == [("user.flags", {"username": "canbo", "changed": {"is_superuser": [False, True]}})]


def test_group_changes_write_entries_from_both_sides():
    user = UserFactory(username="canbo")
    group = Group.objects.create(name="Biên tập")

    user.groups.add(group)
    user.groups.add(group)  # already a member: nothing changes, nothing is written
    group.user_set.remove(user)

    actions = list(AuditEntry.objects.filter(target=f"user:{user.pk}").values_list("action", "data"))
    assert actions == [("user.groups.add", {"groups": ["Biên tập"]}), ("user.groups.remove", {"groups": ["Biên tập"]})]


def test_command_reports_ok_and_breaks(capsys):
    _three_entries()

    call_command("audit_verify")
    assert capsys.readouterr().out.strip() == "OK: 3 entries"

    _raw("DELETE FROM {table} WHERE sequence = 1")
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_verify")
    assert exit_info.value.code == 1
    assert capsys.readouterr().err.strip() == "BROKEN at sequence 1: gap (0 entries verified)"


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_share_a_parent():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; row locks need PostgreSQL")
    writers, per_writer = 8, 10
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(per_writer):
                with transaction.atomic():
                    audit_record(actor=None, action="test.write", target=f"writer:{n}", data={"i": i})
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    result = audit_verify()
    assert (result.ok, result.count) == (True, writers * per_writer)
    prev_hashes = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(set(prev_hashes)) == writers * per_writer


def _rebuild_from(sequence, data):
    """What someone able to write the rows and the head could do: change an entry, rehash what follows."""
    fields = ("sequence", "at", "actor_name", "action", "target", "data", "prev_hash")
    rows = list(AuditEntry.objects.filter(sequence__gte=sequence).order_by("sequence").values_list(*fields))
    prev = AuditEntry.objects.get(sequence=sequence - 1).hash if sequence > 1 else GENESIS_HASH
    for seq, at, actor_name, action, target, old_data, _prev in rows:
        new_data = data if seq == sequence else old_data
        digest = entry_hash(
            sequence=seq, at=at, actor_name=actor_name, action=action, target=target, data=new_data, prev_hash=prev
        )
        sql = "UPDATE {table} SET data = %s, prev_hash = %s, hash = %s WHERE sequence = %s"
        if connection.vendor == "postgresql":
            sql = "UPDATE {table} SET data = CAST(%s AS jsonb), prev_hash = %s, hash = %s WHERE sequence = %s"
        _raw(sql, [json.dumps(new_data), prev, digest, seq])
        prev = digest
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev)


def test_the_current_anchor_is_the_chains_tip():
    assert audit_anchor_current() is None

    third = _three_entries()[-1]

    assert audit_anchor_current() == AuditAnchor(sequence=3, hash=third.hash)
    assert audit_verify(anchors=[AuditAnchor(sequence=3, hash=third.hash)]).ok


def test_a_rebuilt_chain_verifies_alone_but_not_against_an_anchor():
    _three_entries()
    anchor = audit_anchor_current()

    _rebuild_from(2, {"n": 99})

    assert audit_verify().ok
    result = audit_verify(anchors=[anchor])
    assert (result.ok, result.broken_at, result.reason, result.count) == (False, 3, BreakReason.ANCHOR_MISMATCH, 2)


def test_a_tail_removed_with_the_head_rewound_is_found_through_an_anchor():
    entries = _three_entries()
    anchor = audit_anchor_current()

    _raw("DELETE FROM {table} WHERE sequence = 3")
    AuditChainHead.objects.filter(pk=1).update(last_sequence=2, last_hash=entries[1].hash)

    assert audit_verify().ok
    result = audit_verify(anchors=[anchor])
    assert (result.ok, result.broken_at, result.reason) == (False, 3, BreakReason.TRUNCATED)


def test_anchor_and_verify_commands(capsys, tmp_path):
    with pytest.raises(CommandError, match="The audit log is empty: there is nothing to anchor yet."):
        call_command("audit_anchor")
    third = _three_entries()[-1]

    call_command("audit_anchor")
    line = capsys.readouterr().out.strip()
    anchors = tmp_path / "anchors.jsonl"
    anchors.write_text(line + "\n\n", encoding="utf-8")
    call_command("audit_verify", anchors=anchors)

    # The timestamp's own tests: tests/dossiers/test_audit_anchor_timestamps.py.
    assert {k: v for k, v in json.loads(line).items() if k not in ("at", "timestamp")} == {
        "sequence": 3,
        "hash": third.hash,
    }
    assert capsys.readouterr().out.strip() == "OK: 3 entries, 1 anchors, 1 timestamped"
    _rebuild_from(3, {"n": 7})
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_verify", anchors=anchors)
    assert exit_info.value.code == 1
    assert capsys.readouterr().err.strip() == "BROKEN at sequence 3: anchor mismatch (2 entries verified)"


@pytest.mark.parametrize(
    "text",
    [
        '{"sequence": 3}',
        "not json",
        '{"sequence": 0, "hash": "ab"}',
        "[1, 2]",
        '{"sequence": 3, "hash": "ab", "timestamp": "not base64!"}',
        '{"sequence": 3, "hash": "ab", "timestamp": 5}',
    ],
)
def test_a_bad_anchors_file_is_refused_with_its_line(tmp_path, text):
    anchors = tmp_path / "anchors.jsonl"
    anchors.write_text("\n" + text + "\n", encoding="utf-8")

    with pytest.raises(CommandError) as info:
        call_command("audit_verify", anchors=anchors)

    assert str(info.value) == f"{anchors}, line 2: not an anchor as audit_anchor prints it"


def test_a_missing_anchors_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Cannot read the anchors file"):
        call_command("audit_verify", anchors=tmp_path / "none.jsonl")
