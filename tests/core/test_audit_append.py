"""How an entry is appended: the hash finished by the database, the head moved in the same statement."""

import datetime as dt

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from chinhquyen.core.audit import HashParts, audit_record, audit_verify, canonical_json, entry_hash
from chinhquyen.core.models import GENESIS_HASH, AuditChainHead, AuditEntry

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(), children, max_size=3),
    max_leaves=8,
)
instants = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 1, 1), timezones=st.just(dt.UTC))


@settings(deadline=None, max_examples=200)
@given(
    at=instants,
    actor_name=st.text(),
    action=st.text(),
    target=st.text(),
    data=st.dictionaries(st.text(), json_values, max_size=4),
    prev_hash=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    sequence=st.integers(min_value=1, max_value=2**62),
)
def test_the_parts_around_prev_hash_and_sequence_are_the_canonical_json(
    at, actor_name, action, target, data, prev_hash, sequence
):
    parts = HashParts.of(at=at, actor_name=actor_name, action=action, target=target, data=data)
    payload = {
        "sequence": sequence,
        "at": at.isoformat(timespec="microseconds"),
        "actor": actor_name,
        "action": action,
        "target": target,
        "data": data,
        "prev_hash": prev_hash,
    }

    assert parts.prefix + prev_hash + parts.middle + str(sequence) + parts.suffix == canonical_json(payload)
    assert parts.digest(prev_hash=prev_hash, sequence=sequence) == entry_hash(
        sequence=sequence, at=at, actor_name=actor_name, action=action, target=target, data=data, prev_hash=prev_hash
    )


AWKWARD = [
    pytest.param("Hồ sơ đã tiếp nhận ✓ 🏛", id="vietnamese-and-emoji"),
    pytest.param('quote " backslash \\ slash /', id="json-escapes"),
    pytest.param("line\nbreak\ttab\x01control", id="control-characters"),
    pytest.param("%s %(name)s %% {0} ' ;--", id="placeholders-and-sql"),
    pytest.param("e\u0301 vs \u00e9", id="unnormalised-unicode"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("text", AWKWARD)
def test_awkward_text_hashes_the_same_in_the_database_and_in_python(text):
    audit_record(actor=None, action="first", target="x", data={})
    entry = audit_record(actor=None, action=f"a.{text}", target=text, data={text: [text, 1.5, None, True]})

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.hash == entry.hash
    assert stored.hash == entry_hash(
        sequence=stored.sequence,
        at=stored.at,
        actor_name=stored.actor_name,
        action=stored.action,
        target=stored.target,
        data=stored.data,
        prev_hash=stored.prev_hash,
    )
    assert audit_verify().ok is True


@pytest.mark.django_db
def test_the_head_holds_the_last_link_after_each_append():
    first = audit_record(actor=None, action="x", target="y", data={"n": 1})
    second = audit_record(actor=None, action="x", target="y", data={"n": 2})

    head = AuditChainHead.objects.get()
    assert (head.last_sequence, head.last_hash, head.prev_hash) == (2, second.hash, first.hash)
    assert (first.prev_hash, second.prev_hash) == (GENESIS_HASH, first.hash)


@pytest.mark.django_db
def test_a_lost_head_is_rebuilt_from_the_last_entry():
    audit_record(actor=None, action="x", target="y", data={})
    second = audit_record(actor=None, action="x", target="y", data={})
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(AuditChainHead._meta.db_table)}")  # noqa: S608

    third = audit_record(actor=None, action="x", target="y", data={})

    assert (third.sequence, third.prev_hash) == (3, second.hash)
    assert audit_verify().ok is True
    assert audit_verify().count == 3
