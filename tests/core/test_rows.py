"""core.rows: plain INSERT and UPDATE statements leave rows and instances as save() would."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chinhquyen.core.rows import row_insert, row_update, rows_insert
from chinhquyen.integrations.models import IdempotencyRecord

pytestmark = pytest.mark.django_db


def _record(key: str, digest: str = "a" * 64) -> IdempotencyRecord:
    return IdempotencyRecord(
        caller="key:1", key=key, request_hash=digest, method="POST", path="/api/v1/dossiers", created_at=timezone.now()
    )


def test_insert_sets_the_key_in_one_statement():
    record = _record("k1")
    with CaptureQueriesContext(connection) as queries:
        assert row_insert(record) is True
    assert len(queries) == 1
    assert record.pk is not None
    assert record._state.adding is False
    stored = IdempotencyRecord.objects.get(pk=record.pk)
    assert (stored.caller, stored.key, stored.response_headers) == ("key:1", "k1", {})


def test_insert_unless_a_row_with_the_same_unique_values_exists():
    assert row_insert(_record("k2"), unless=("caller", "key")) is True
    again = _record("k2", digest="b" * 64)

    assert row_insert(again, unless=("caller", "key")) is False
    assert again.pk is None
    assert again._state.adding is True
    assert list(IdempotencyRecord.objects.values_list("key", "request_hash")) == [("k2", "a" * 64)]


def test_many_rows_in_one_statement_get_their_keys_in_order():
    records = [_record(f"m{n}") for n in range(3)]
    with CaptureQueriesContext(connection) as queries:
        rows_insert(records)
    assert len(queries) == 1
    assert [IdempotencyRecord.objects.get(pk=r.pk).key for r in records] == ["m0", "m1", "m2"]


def test_many_rows_unless_some_exist_insert_the_others_and_say_which():
    row_insert(_record("k2", digest="b" * 64))
    records = [_record("k1"), _record("k2"), _record("k3")]

    with CaptureQueriesContext(connection) as queries:
        inserted = rows_insert(records, unless=("caller", "key"))

    assert len(queries) == 1
    assert inserted == [records[0], records[2]]
    assert records[1].pk is None
    assert records[1]._state.adding is True
    stored = dict(IdempotencyRecord.objects.values_list("key", "pk"))
    assert (stored["k1"], stored["k3"]) == (records[0].pk, records[2].pk)
    assert IdempotencyRecord.objects.get(key="k2").request_hash == "b" * 64
    assert rows_insert([_record("k1"), _record("k3")], unless=("caller", "key")) == []


def test_update_writes_only_the_fields_named():
    record = _record("u1")
    row_insert(record)
    record.status_code, record.response_headers, record.path = 201, {"ETag": '"1"'}, "/elsewhere"

    row_update(record, ["status_code", "response_headers"])

    stored = IdempotencyRecord.objects.get(pk=record.pk)
    assert (stored.status_code, stored.response_headers, stored.path) == (201, {"ETag": '"1"'}, "/api/v1/dossiers")
