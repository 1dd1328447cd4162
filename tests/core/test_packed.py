"""core.packed: child rows packed into their parent's row come back as the ORM reads them."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import OuterRef

from chinhquyen.core.packed import packed, unpacked
from chinhquyen.directory.models import Applicant, StaffRole, User
from tests.factories import AgencyFactory, StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

NAMES = ("pk", "role", "agency_id", "agency__code", "user__is_active", "user__date_joined", "user__last_login")


def _roles_of(user: User) -> list[dict]:
    rows = StaffRole.objects.filter(user_id=OuterRef("pk"))
    text = User.objects.filter(pk=user.pk).annotate(roles=packed(rows, NAMES, parent="user_id")).get().roles
    return sorted(unpacked(text, StaffRole, NAMES), key=lambda row: row["pk"])


def test_values_come_back_with_the_types_the_orm_gives():
    joined = datetime(2026, 3, 2, 1, 2, 3, 456789, tzinfo=UTC)
    user = UserFactory(date_joined=joined, last_login=None, is_active=False)
    first, second = AgencyFactory(code="001.00.00.H99"), AgencyFactory(code="002.00.00.H99")
    StaffRoleFactory(user=user, agency=second, role="leader")
    StaffRoleFactory(user=user, agency=first, role="specialist")

    rows = _roles_of(user)

    expected = list(StaffRole.objects.filter(user=user).order_by("pk").values_list(*NAMES))
    assert [tuple(row.values()) for row in rows] == expected
    assert [(r["role"], r["agency__code"], r["user__is_active"]) for r in rows] == [
        ("leader", "002.00.00.H99", False),
        ("specialist", "001.00.00.H99", False),
    ]
    assert rows[0]["user__date_joined"] == joined
    assert rows[0]["user__date_joined"].tzinfo is UTC
    assert rows[0]["user__last_login"] is None


def test_no_child_rows_is_an_empty_list():
    assert _roles_of(UserFactory()) == []


def test_a_field_json_would_change_is_refused():
    with pytest.raises(ImproperlyConfigured, match="Applicant: birth_date would lose its type in JSON"):
        unpacked("[]", Applicant, ("pk", "name", "birth_date"))
