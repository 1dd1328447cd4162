"""The directory's admin lists cost the same few queries however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AgencyFactory, StaffRoleFactory

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _sub_agencies(count: int) -> None:
    parent = AgencyFactory()
    for _n in range(count):
        AgencyFactory(parent=parent)


@pytest.mark.parametrize(
    ("url", "add_rows"),
    [
        pytest.param("admin:directory_agency_changelist", _sub_agencies, id="agencies-under-a-parent"),
        pytest.param(
            "admin:directory_staffrole_changelist", lambda n: StaffRoleFactory.create_batch(n), id="staff-roles"
        ),
    ],
)
def test_a_list_page_does_not_query_once_per_row(admin_client, url, add_rows):
    add_rows(2)
    few = _queries(admin_client, reverse(url))

    add_rows(10)

    assert _queries(admin_client, reverse(url)) == few
