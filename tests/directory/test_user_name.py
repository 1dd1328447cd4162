"""Officials' names read in Vietnamese order: family and middle names, then the given name."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_full_name_puts_the_family_name_first():
    user = UserFactory(first_name="Lan", last_name="Nguyễn Thị")

    assert user.get_full_name() == "Nguyễn Thị Lan"


def test_full_name_of_an_account_with_one_part_has_no_stray_space():
    assert UserFactory(first_name="", last_name="Công ty TNHH Tràng An Xanh").get_full_name() == (
        "Công ty TNHH Tràng An Xanh"
    )
    assert UserFactory(first_name="Cổng quốc gia", last_name="").get_full_name() == "Cổng quốc gia"
