"""Accounts are matched by e-mail in any letter case (``email__iexact``): on PostgreSQL an index on
``UPPER(email)`` serves that match (``user_email_upper``), so the sign-up's lookup does not read every account."""

import pytest
from django.db import connection

from chinhquyen.directory.models import User
from chinhquyen.identity.models import Channel
from chinhquyen.identity.selectors import identity_accounts_at_address

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="an expression index's plan: PostgreSQL only"),
]


def plan(queryset) -> str:
    """PostgreSQL's plan for ``queryset`` when a sequential scan is the last resort."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test's transaction only
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    "queryset",
    [
        pytest.param(lambda: User.objects.filter(email__iexact="CongDan@Example.VN"), id="iexact"),
        pytest.param(
            lambda: identity_accounts_at_address(channel=Channel.EMAIL, address="congdan@example.vn"),
            id="identity-accounts-at-address",
        ),
    ],
)
def test_the_case_insensitive_email_match_uses_the_upper_email_index(queryset):
    assert "user_email_upper" in plan(queryset())
