"""The hash covers an entry's actor name, not its link to the user: audit_verify checks the link apart."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from chinhquyen.core.audit import ActorMismatch, audit_record, audit_verify
from chinhquyen.core.models import AuditEntry
from chinhquyen.directory.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _link(sequence: int, user_id: int) -> None:
    """What someone with write access to the table could do: point an entry at another user."""
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET actor_id = %s WHERE sequence = %s", [user_id, sequence])  # noqa: S608


def _entry(actor) -> AuditEntry:
    return audit_record(actor=actor, action="dossier.receive", target="dossier:1", data={})


def test_an_actor_link_pointed_at_another_user_is_reported_apart_from_the_hashes():
    alice, framed = UserFactory(username="alice"), UserFactory(username="framed")
    _entry(alice)
    entry = _entry(alice)
    _entry(None)

    _link(entry.sequence, framed.pk)

    result = audit_verify()
    assert (result.ok, result.count, result.broken_at) == (True, 3, None)
    assert (result.actor_mismatch_count, result.actor_mismatches) == (
        1,
        (ActorMismatch(sequence=entry.sequence, actor_name="alice", actor_id=framed.pk, username="framed"),),
    )


def test_a_link_added_to_an_entry_without_actor_is_reported():
    framed = UserFactory(username="framed")
    entry = _entry(None)

    _link(entry.sequence, framed.pk)

    assert audit_verify().actor_mismatches == (ActorMismatch(entry.sequence, "", framed.pk, "framed"),)


def test_an_actor_renamed_in_the_admin_is_no_mismatch(admin_client):
    alice = UserFactory(username="alice")
    _entry(alice)
    form = {
        "username": "alice.nguyen",
        "first_name": "",
        "last_name": "",
        "email": "",
        "phone": "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "staff_roles-TOTAL_FORMS": "0",
        "staff_roles-INITIAL_FORMS": "0",
    }

    response = admin_client.post(reverse("admin:directory_user_change", args=[alice.pk]), form)
    _entry(User.objects.get(pk=alice.pk))

    assert response.status_code == 302
    rename = AuditEntry.objects.get(action="user.rename")
    assert (rename.actor_name, rename.target, rename.data) == (
        "admin",
        f"user:{alice.pk}",
        {"username": ["alice", "alice.nguyen"]},
    )
    result = audit_verify()
    assert (result.ok, result.actor_mismatch_count) == (True, 0)


def test_a_rename_that_went_around_the_orm_is_reported():
    alice = UserFactory(username="alice")
    entry = _entry(alice)

    User.objects.filter(pk=alice.pk).update(username="alice.nguyen")

    assert audit_verify().actor_mismatches == (ActorMismatch(entry.sequence, "alice", alice.pk, "alice.nguyen"),)


def test_a_deleted_actor_is_no_mismatch():
    alice = UserFactory(username="alice")
    _entry(alice)

    alice.delete()

    result = audit_verify()
    assert (result.ok, result.actor_mismatch_count) == (True, 0)


def test_a_mismatch_is_reported_with_a_broken_chain_too():
    alice, framed = UserFactory(username="alice"), UserFactory(username="framed")
    first = _entry(alice)
    second = _entry(alice)
    _link(first.sequence, framed.pk)
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE sequence = %s", [second.sequence])  # noqa: S608

    result = audit_verify()

    assert (result.ok, result.broken_at, str(result.reason)) == (False, second.sequence, "truncated")
    assert result.actor_mismatches == (ActorMismatch(first.sequence, "alice", framed.pk, "framed"),)


def test_the_command_names_the_mismatch_and_exits_1(capsys):
    alice, framed = UserFactory(username="alice"), UserFactory(username="framed")
    entry = _entry(alice)
    count = AuditEntry.objects.count()
    _link(entry.sequence, framed.pk)

    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_verify")

    assert exit_info.value.code == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        f"ACTOR LINK MISMATCH at sequence {entry.sequence}: written by 'alice' (hashed), but the actor link points "
        f"to user {framed.pk}, now 'framed', who never had that name in the chain. The hash does not cover the "
        "link: it was re-pointed in the database, or the user was renamed without a user.rename entry (before "
        "renames were recorded).",
        f"The chain verifies ({count} entries), but the actor link of 1 of them does not match the hashed actor name.",
    ]


def test_the_admin_shows_the_hashed_actor_name_not_the_link(admin_client):
    alice, framed = UserFactory(username="alice"), UserFactory(username="framed")
    entry = _entry(alice)
    _link(entry.sequence, framed.pk)

    page = admin_client.get(reverse("admin:core_auditentry_change", args=[entry.pk])).content.decode()

    assert "alice" in page
    assert "framed" not in page
