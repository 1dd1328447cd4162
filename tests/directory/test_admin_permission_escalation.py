"""A staff member allowed to manage accounts and roles in the admin, but not a superuser, cannot raise anyone's
powers above their own: superuser status, permissions and groups, the province administrator's role (credentials,
hand-overs) and a superuser's account (its password) stay with superusers and province administrators."""

from datetime import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chinhquyen.directory.models import Role, StaffRole
from tests.factories import AgencyFactory, StaffRoleFactory, UserFactory
from tests.office.auth_helpers import officer_login

pytestmark = pytest.mark.django_db

MANAGER_PERMS = [
    f"{action}_{model}" for model in ("user", "staffrole", "group") for action in ("view", "add", "change", "delete")
]


@pytest.fixture
def manager():
    """A staff member given every permission over accounts, roles and groups (an IT help desk, say)."""
    user = UserFactory(username="helpdesk", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=MANAGER_PERMS))
    return user


@pytest.fixture
def client_of(manager):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    officer_login(client, manager)
    return client


def _form_post(client: Client, url: str, **changes):
    """Post an admin change page back as it was shown (its inline rows included), with ``changes``."""
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data: dict = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False or name == "password":
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, datetime):
            local = timezone.localtime(value)
            data |= {f"{name}_0": local.date().isoformat(), f"{name}_1": local.time().isoformat()}
        elif isinstance(value, list | tuple):
            data[name] = [str(getattr(v, "pk", v)) for v in value]
        else:
            data[name] = str(getattr(value, "pk", value))
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= {f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()}
        for subform in formset.initial_forms:
            for name in subform.fields:
                value = subform.instance.pk if name == "id" else subform.initial.get(name)
                if value is not None:
                    data[subform.add_prefix(name)] = str(getattr(value, "pk", value))
    return client.post(url, data | changes)


def test_a_manager_cannot_make_themselves_superuser_nor_give_themselves_permissions(client_of, manager):
    everything = Group.objects.create(name="everything")
    everything.permissions.set(Permission.objects.all())
    url = reverse("admin:directory_user_change", args=[manager.pk])

    response = _form_post(
        client_of,
        url,
        is_superuser="on",
        groups=[str(everything.pk)],
        user_permissions=[str(p.pk) for p in Permission.objects.all()],
    )

    assert response.status_code == 302
    manager.refresh_from_db()
    assert (manager.is_superuser, list(manager.groups.all())) == (False, [])
    assert sorted(manager.user_permissions.values_list("codename", flat=True)) == sorted(MANAGER_PERMS)


def test_a_manager_still_edits_an_officials_name_and_roles(client_of):
    role = StaffRoleFactory(user=UserFactory(username="officer", is_staff=True), role=Role.SPECIALIST)
    url = reverse("admin:directory_user_change", args=[role.user.pk])

    response = _form_post(client_of, url, first_name="Thị B", **{"staff_roles-0-role": Role.LEADER})

    assert response.status_code == 302
    role.refresh_from_db()
    assert (role.user.first_name, role.role) == ("Thị B", Role.LEADER)


def test_a_superusers_account_and_password_are_out_of_a_managers_reach(client_of):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)

    page = client_of.get(reverse("admin:directory_user_change", args=[root.pk]))
    password = client_of.post(
        reverse("admin:auth_user_password_change", args=[root.pk]),
        {"password1": "taken-over-123", "password2": "taken-over-123", "usable_password": "true"},
    )
    deleted = client_of.post(reverse("admin:directory_user_delete", args=[root.pk]), {"post": "yes"})

    assert page.status_code == 200  # shown, read-only
    assert page.context["has_change_permission"] is False
    assert (password.status_code, deleted.status_code) == (403, 403)
    root.refresh_from_db()
    assert root.check_password("pw-test-123")


def test_a_manager_cannot_grant_the_province_administrators_role(client_of, manager):
    agency = AgencyFactory()
    add = reverse("admin:directory_staffrole_add")

    response = client_of.post(add, {"user": manager.pk, "agency": agency.pk, "role": Role.PROVINCE_ADMIN})

    assert response.status_code == 200
    assert [e.code for e in response.context["adminform"].form.errors.as_data()["role"]] == ["province_admin_role"]
    assert not StaffRole.objects.filter(role=Role.PROVINCE_ADMIN).exists()


def test_nor_through_the_accounts_roles(client_of, manager):
    agency = AgencyFactory()
    role = StaffRoleFactory(user=manager, agency=agency, role=Role.SPECIALIST)
    url = reverse("admin:directory_user_change", args=[manager.pk])

    response = _form_post(client_of, url, **{"staff_roles-0-role": Role.PROVINCE_ADMIN})

    assert response.status_code == 200
    role.refresh_from_db()
    assert role.role == Role.SPECIALIST


def test_nor_delete_it_among_the_accounts_roles(client_of):
    holder = StaffRoleFactory(user=UserFactory(username="province", is_staff=True), role=Role.PROVINCE_ADMIN)
    url = reverse("admin:directory_user_change", args=[holder.user.pk])

    response = _form_post(client_of, url, **{"staff_roles-0-DELETE": "on"})

    assert response.status_code == 200
    assert [i.formset.non_form_errors().as_data()[0].code for i in response.context["inline_admin_formsets"]] == [
        "province_admin_role"
    ]
    assert StaffRole.objects.filter(pk=holder.pk).exists()


def test_nor_delete_the_account_holding_it(client_of):
    holder = StaffRoleFactory(user=UserFactory(username="province", is_staff=True), role=Role.PROVINCE_ADMIN)

    response = client_of.post(reverse("admin:directory_user_delete", args=[holder.user.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert StaffRole.objects.filter(pk=holder.pk).exists()


def test_nor_take_it_from_a_province_administrator(client_of):
    holder = StaffRoleFactory(user=UserFactory(username="province", is_staff=True), role=Role.PROVINCE_ADMIN)
    url = reverse("admin:directory_staffrole_delete", args=[holder.pk])

    assert client_of.post(url, {"post": "yes"}).status_code == 403
    assert (
        client_of.get(reverse("admin:directory_staffrole_change", args=[holder.pk])).context["has_change_permission"]
        is False
    )
    assert StaffRole.objects.filter(pk=holder.pk).exists()


def test_a_manager_cannot_add_permissions_to_a_group(client_of, manager):
    helpdesk = Group.objects.create(name="helpdesk")
    manager.groups.add(helpdesk)
    url = reverse("admin:auth_group_change", args=[helpdesk.pk])

    response = client_of.post(url, {"name": "helpdesk", "permissions": [str(p.pk) for p in Permission.objects.all()]})

    assert response.status_code == 302
    assert list(helpdesk.permissions.all()) == []


def test_a_province_administrator_grants_the_role(admin_client, admin_user):
    agency = AgencyFactory()
    officer = UserFactory(username="deputy", is_staff=True)

    response = admin_client.post(
        reverse("admin:directory_staffrole_add"), {"user": officer.pk, "agency": agency.pk, "role": Role.PROVINCE_ADMIN}
    )

    assert response.status_code == 302
    assert list(StaffRole.objects.values_list("user__username", "role")) == [("deputy", Role.PROVINCE_ADMIN)]
