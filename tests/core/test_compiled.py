"""core.compiled: a queryset compiled once per connection gives what the ORM gives, with new arguments."""

from datetime import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections
from django.db.models import F, Value
from django.test.utils import CaptureQueriesContext

from chinhquyen.core.compiled import compiled
from chinhquyen.directory.models import Agency, StaffRole, User
from tests.factories import AgencyFactory, StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


@compiled(user_id=int, role=str)
def roles_of(user_id: int, role: str):  # type: ignore[no-untyped-def]
    return (
        StaffRole.objects.select_related("agency", "user")
        .filter(user_id=user_id, role=role)
        .annotate(agency_code=F("agency__code"), one=Value(1))
        .order_by("agency__code")
    )


@compiled(username=str)
def joined_of(username: str):  # type: ignore[no-untyped-def]
    return User.objects.filter(username=username).values_list("date_joined", flat=True)[:1]


@compiled(code=str)
def agency_pair(code: str):  # type: ignore[no-untyped-def]
    return Agency.objects.filter(code=code).values_list("pk", "name")


def test_instances_with_related_objects_and_annotations_for_each_set_of_arguments():
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    first, second = AgencyFactory(code="001.00.00.H99"), AgencyFactory(code="002.00.00.H99")
    StaffRoleFactory(user=alice, agency=second, role="leader")
    StaffRoleFactory(user=alice, agency=first, role="leader")
    StaffRoleFactory(user=bob, agency=first, role="specialist")

    with CaptureQueriesContext(connection) as queries:
        found = roles_of(user_id=alice.pk, role="leader")
        assert [(r.agency.code, r.user.username, r.agency_code, r.one) for r in found] == [
            ("001.00.00.H99", "alice", "001.00.00.H99", 1),
            ("002.00.00.H99", "alice", "002.00.00.H99", 1),
        ]
    assert len(queries) == 1  # the related objects came with the row

    assert [(r.user.username, r.role) for r in roles_of(user_id=bob.pk, role="specialist")] == [("bob", "specialist")]
    assert roles_of(user_id=bob.pk, role="leader") == []
    assert found[0]._state.adding is False
    assert found[0]._state.db == "default"


def test_values_go_through_the_fields_converters():
    user = UserFactory(username="carol")
    assert joined_of(username="carol") == [user.date_joined]
    assert isinstance(joined_of(username="carol")[0], datetime)
    assert joined_of(username="nobody") == []


def test_tuples_and_the_sql_is_compiled_once_per_connection():
    agency = AgencyFactory(code="003.00.00.H99", name="Sở Tư pháp")
    assert agency_pair(code="003.00.00.H99") == [(agency.pk, "Sở Tư pháp")]
    plans = connections["default"].__dict__["_compiled_queries"]
    plan = plans[agency_pair]
    assert agency_pair(code="nothing") == []
    assert plans[agency_pair] is plan
    # The argument's place holds the marker; the real value never stays in the plan.
    assert "003.00.00.H99" not in plan.params


def test_an_argument_the_sql_does_not_receive_unchanged_is_refused_at_first_use():
    @compiled(name=str)
    def by_name_part(name: str):  # type: ignore[no-untyped-def]
        return Agency.objects.filter(name__icontains=name)

    with pytest.raises(ImproperlyConfigured, match="the arguments do not reach the SQL unchanged"):
        by_name_part(name="Sở")


def test_only_int_and_str_arguments():
    with pytest.raises(ImproperlyConfigured, match="argument at is a <class 'datetime.datetime'>"):
        compiled(at=datetime)(lambda at: Agency.objects.filter(created_at=at))


def test_querysets_with_prefetching_are_refused():
    @compiled(code=str)
    def prefetching(code: str):  # type: ignore[no-untyped-def]
        return Agency.objects.filter(code=code).prefetch_related("staff_roles")

    with pytest.raises(ImproperlyConfigured, match="without prefetching"):
        prefetching(code="x")


def test_queries_run_together_give_what_each_gives_alone(django_assert_num_queries):
    from chinhquyen.core.compiled import compiled_together

    alice = UserFactory(username="alice")
    agency = AgencyFactory(code="004.00.00.H99", name="Sở Y tế")
    StaffRoleFactory(user=alice, agency=agency, role="leader")
    alone = (roles_of(user_id=alice.pk, role="leader"), agency_pair(code="004.00.00.H99"), joined_of(username="x"))

    # One statement each, through Django's cursor (counted and logged); one round trip on PostgreSQL.
    with django_assert_num_queries(3):
        roles, pair, joined = compiled_together(
            (roles_of, {"user_id": alice.pk, "role": "leader"}),
            (agency_pair, {"code": "004.00.00.H99"}),
            (joined_of, {"username": "x"}),
        )

    assert [r.pk for r in roles] == [r.pk for r in alone[0]]
    assert roles[0].agency.code == "004.00.00.H99"
    assert (pair, joined) == (alone[1], alone[2]) == ([(agency.pk, "Sở Y tế")], [])
