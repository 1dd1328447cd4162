"""A role given in the admin makes the account an official's (``is_staff``), as ``staff_role_grant`` does: a
citizen's account given a role there cannot stay signed in on the portal as a citizen."""

import pytest
from django.urls import reverse

from chinhquyen.directory.models import Role, StaffRole
from chinhquyen.identity.backends import NationalIdentityBackend
from tests.directory.test_admin_permission_escalation import _form_post
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_role_added_on_its_own_page_makes_the_account_an_officials(admin_client):
    citizen = UserFactory(username="citizen", is_staff=False)
    assert NationalIdentityBackend().get_user(citizen.pk) == citizen  # their portal session counts

    response = admin_client.post(
        reverse("admin:directory_staffrole_add"),
        {"user": citizen.pk, "agency": AgencyFactory().pk, "role": Role.SPECIALIST},
    )

    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.is_staff is True
    assert NationalIdentityBackend().get_user(citizen.pk) is None  # ... and no longer


def test_a_role_added_among_the_accounts_roles_too(admin_client):
    citizen = UserFactory(username="citizen2", is_staff=False)
    agency = AgencyFactory()
    url = reverse("admin:directory_user_change", args=[citizen.pk])

    response = _form_post(
        admin_client,
        url,
        **{
            "staff_roles-TOTAL_FORMS": "1",
            "staff_roles-0-agency": str(agency.pk),
            "staff_roles-0-role": Role.LEADER,
            "staff_roles-0-user": str(citizen.pk),
        },
    )

    assert response.status_code == 302
    citizen.refresh_from_db()
    assert (citizen.is_staff, list(StaffRole.objects.values_list("role", flat=True))) == (True, [Role.LEADER])


def test_an_account_page_saved_without_roles_is_left_as_it_was(admin_client):
    citizen = UserFactory(username="citizen3", is_staff=False)

    response = _form_post(admin_client, reverse("admin:directory_user_change", args=[citizen.pk]), first_name="An")

    assert response.status_code == 302
    citizen.refresh_from_db()
    assert (citizen.first_name, citizen.is_staff) == ("An", False)
