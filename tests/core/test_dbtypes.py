"""core.dbtypes: PostgreSQL timestamps are read by psycopg's own loader, in the connection's time zone."""

import datetime

import pytest
from django.db import connection
from psycopg.pq import Format

from chinhquyen.core.dbtypes import _TimestamptzLoader
from chinhquyen.directory.models import User
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a loader of PostgreSQL's psycopg backend"),
]

HANOI = datetime.timezone(datetime.timedelta(hours=7))


def _loader() -> type:
    connection.ensure_connection()
    return connection.connection.adapters.get_loader(1184, Format.TEXT)


def test_the_connection_reads_timestamps_with_the_wrapping_loader_and_django_keeps_it():
    assert issubclass(_loader(), _TimestamptzLoader)
    assert _loader().timezone is datetime.UTC
    with connection.cursor() as cursor:  # Django re-registers its own when the time zone differs
        cursor.execute("SELECT 1")
    assert issubclass(_loader(), _TimestamptzLoader)


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2026, 11, 23, 10, 4, 5, 123456, tzinfo=HANOI),
        datetime.datetime(2026, 1, 1, 0, 0, tzinfo=datetime.UTC),
        datetime.datetime(1899, 12, 31, 23, 59, 59, 999999, tzinfo=HANOI),
        datetime.datetime(1, 1, 1, 7, 0, tzinfo=HANOI),
    ],
)
def test_a_timestamp_comes_back_as_the_same_instant_in_utc(value: datetime.datetime):
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", [value])
        (read,) = cursor.fetchone()
    assert read == value
    assert read.tzinfo is datetime.UTC
    assert read.utcoffset() == datetime.timedelta(0)


def test_a_model_field_reads_back_what_was_saved():
    joined = datetime.datetime(2026, 3, 8, 15, 0, 0, 500000, tzinfo=HANOI)
    user = UserFactory(date_joined=joined)
    read = User.objects.values_list("date_joined", flat=True).get(pk=user.pk)
    assert read == joined
    assert read == datetime.datetime(2026, 3, 8, 8, 0, 0, 500000, tzinfo=datetime.UTC)
    assert read.tzinfo is datetime.UTC
