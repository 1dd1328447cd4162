"""Permission changes reach the audit chain: groups, deleted users, moved staff roles, TOTP devices."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from chinhquyen.core.models import AuditEntry
from chinhquyen.directory.models import StaffRole
from tests.factories import AgencyFactory, StaffRoleFactory, UserFactory
from tests.office.auth_helpers import totp_code

pytestmark = pytest.mark.django_db

KEY = "3132333435363738393031323334353637383930"


def _last_sequence() -> int:
    last = AuditEntry.objects.order_by("-sequence").first()
    return last.sequence if last else 0


def _entries_after(sequence: int) -> list[tuple[str, str, str, dict]]:
    rows = AuditEntry.objects.filter(sequence__gt=sequence).order_by("sequence")
    return list(rows.values_list("actor_name", "action", "target", "data"))


def _permission(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label="directory", codename=codename)


# --- Groups ---------------------------------------------------------------------------------


def test_a_groups_permissions_changed_in_the_admin_are_recorded_with_their_names(admin_client):
    group = Group.objects.create(name="Biên tập")
    group.permissions.add(_permission("view_user"))
    UserFactory(username="member").groups.add(group)
    mark = _last_sequence()

    response = admin_client.post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {"name": "Biên tập", "permissions": [_permission("change_user").pk]},
    )

    assert response.status_code == 302
    target = f"group:{group.pk}"
    assert _entries_after(mark) == [
        ("admin", "group.permissions.remove", target, {"group": "Biên tập", "permissions": ["directory.view_user"]}),
        ("admin", "group.permissions.add", target, {"group": "Biên tập", "permissions": ["directory.change_user"]}),
    ]


def test_a_groups_permissions_changed_from_either_side_are_recorded_per_group():
    editors, readers = Group.objects.create(name="editors"), Group.objects.create(name="readers")
    change, view = _permission("change_user"), _permission("view_user")
    mark = _last_sequence()

    editors.permissions.add(view, change)
    editors.permissions.add(change)  # already there: nothing changes, nothing is written
    view.group_set.add(readers)
    change.group_set.remove(editors)
    view.group_set.clear()
    editors.permissions.clear()  # nothing left: nothing is written

    assert _entries_after(mark) == [
        (
            "",
            "group.permissions.add",
            f"group:{editors.pk}",
            {"group": "editors", "permissions": ["directory.change_user", "directory.view_user"]},
        ),
        (
            "",
            "group.permissions.add",
            f"group:{readers.pk}",
            {"group": "readers", "permissions": ["directory.view_user"]},
        ),
        (
            "",
            "group.permissions.remove",
            f"group:{editors.pk}",
            {"group": "editors", "permissions": ["directory.change_user"]},
        ),
        (
            "",
            "group.permissions.clear",
            f"group:{editors.pk}",
            {"group": "editors", "permissions": ["directory.view_user"]},
        ),
        (
            "",
            "group.permissions.clear",
            f"group:{readers.pk}",
            {"group": "readers", "permissions": ["directory.view_user"]},
        ),
    ]


def test_deleting_a_group_records_it_and_each_members_loss(admin_client):
    group = Group.objects.create(name="editors")
    group.permissions.add(_permission("change_user"))
    bao, an = UserFactory(username="bao"), UserFactory(username="an")
    group.user_set.add(bao, an)
    mark = _last_sequence()

    response = admin_client.post(reverse("admin:auth_group_delete", args=[group.pk]), {"post": "yes"})

    assert (response.status_code, Group.objects.count()) == (302, 0)
    assert _entries_after(mark) == [
        (
            "admin",
            "group.delete",
            f"group:{group.pk}",
            {"group": "editors", "permissions": ["directory.change_user"], "members": ["an", "bao"]},
        ),
        ("admin", "user.groups.remove", f"user:{bao.pk}", {"groups": ["editors"]}),
        ("admin", "user.groups.remove", f"user:{an.pk}", {"groups": ["editors"]}),
    ]


# --- Users ----------------------------------------------------------------------------------


def test_deleting_a_user_records_what_they_held(admin_client):
    agency = AgencyFactory(code="000.03.00.H37")
    victim = UserFactory(username="quantri2", is_staff=True, is_superuser=True)
    victim.groups.add(Group.objects.create(name="editors"))
    victim.user_permissions.add(_permission("change_user"))
    StaffRole.objects.create(user=victim, agency=agency, role="leader")
    device = TOTPDevice.objects.create(user=victim, name="phone", confirmed=True)
    mark = _last_sequence()

    response = admin_client.post(reverse("admin:directory_user_delete", args=[victim.pk]), {"post": "yes"})

    assert response.status_code == 302
    target = f"user:{victim.pk}"
    *cascaded, last = _entries_after(mark)
    # Written last, once the rows the deletion changes are written: the chain head is taken at the end.
    assert last == (
        "admin",
        "user.delete",
        target,
        {
            "username": "quantri2",
            "is_staff": True,
            "is_superuser": True,
            "is_active": True,
            "groups": ["editors"],
            "user_permissions": ["directory.change_user"],
        },
    )
    # The collector deletes the user's rows in an order of its own.
    assert sorted(cascaded) == [
        ("admin", "otp.device.remove", target, {"device": device.persistent_id, "name": "phone", "confirmed": True}),
        (
            "admin",
            "staff_role.revoke",
            target,
            {"agency": "000.03.00.H37", "agency_id": agency.pk, "role": "leader", "title": ""},
        ),
    ]


def test_an_administrator_deleting_their_own_account_is_recorded_by_name(admin_client, admin_user):
    StaffRole.objects.create(user=admin_user, agency=AgencyFactory(code="000.03.00.H37"), role="province_admin")
    mark = _last_sequence()

    response = admin_client.post(reverse("admin:directory_user_delete", args=[admin_user.pk]), {"post": "yes"})

    # The user's row is gone: entries written while it went keep the name, without a link (no broken key).
    assert response.status_code == 302
    entries = AuditEntry.objects.filter(sequence__gt=mark).order_by("sequence")
    assert sorted(entries.values_list("actor_id", "actor_name", "action")) == [
        (None, "admin", "otp.device.remove"),
        (None, "admin", "staff_role.revoke"),
        (None, "admin", "user.delete"),
    ]


# --- Staff roles ----------------------------------------------------------------------------


def test_moving_a_staff_role_to_another_official_in_the_admin_revokes_it_from_the_first(admin_client):
    agency = AgencyFactory(code="000.03.00.H37")
    alice, bob = UserFactory(username="alice", is_staff=True), UserFactory(username="bob", is_staff=True)
    role = StaffRole.objects.create(user=alice, agency=agency, role="leader")
    mark = _last_sequence()

    admin_client.post(
        reverse("admin:directory_staffrole_change", args=[role.pk]),
        {"user": bob.pk, "agency": agency.pk, "role": "specialist", "title": ""},
    )

    changed = {"user_id": [alice.pk, bob.pk], "role": ["leader", "specialist"]}
    common = {"agency": "000.03.00.H37", "agency_id": agency.pk, "title": "", "changed": changed}
    assert _entries_after(mark) == [
        ("admin", "staff_role.revoke", f"user:{alice.pk}", {**common, "role": "leader"}),
        ("admin", "staff_role.grant", f"user:{bob.pk}", {**common, "role": "specialist"}),
    ]


@pytest.mark.parametrize(
    "moved", ["user", "agency", "role"], ids=["to_another_user", "to_another_agency", "to_another_role"]
)
def test_any_move_of_a_staff_role_is_a_revoke_and_a_grant(moved):
    first_agency, other_agency = AgencyFactory(code="000.03.00.H37"), AgencyFactory(code="000.04.00.H37")
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    role = StaffRole.objects.create(user=alice, agency=first_agency, role="leader")
    mark = _last_sequence()

    new = {"user": bob, "agency": other_agency, "role": "specialist"}[moved]
    setattr(role, moved, new)
    role.save()

    old_value = {"user": alice.pk, "agency": first_agency.pk, "role": "leader"}[moved]
    new_value = {"user": bob.pk, "agency": other_agency.pk, "role": "specialist"}[moved]
    changed = {"user_id" if moved == "user" else "agency_id" if moved == "agency" else "role": [old_value, new_value]}
    after = StaffRole.objects.select_related("agency").get(pk=role.pk)
    old_data = {"agency": "000.03.00.H37", "agency_id": first_agency.pk, "role": "leader", "title": ""}
    new_data = {"agency": after.agency.code, "agency_id": after.agency_id, "role": after.role, "title": ""}
    assert _entries_after(mark) == [
        ("", "staff_role.revoke", f"user:{alice.pk}", {**old_data, "changed": changed}),
        ("", "staff_role.grant", f"user:{after.user_id}", {**new_data, "changed": changed}),
    ]


def test_a_new_title_is_a_change_and_a_save_without_change_writes_nothing():
    role = StaffRoleFactory(user__username="canbo", agency__code="000.03.00.H37", role="leader")
    mark = _last_sequence()

    role.save()
    role.title = "Phó giám đốc"
    role.save()

    assert _entries_after(mark) == [
        (
            "",
            "staff_role.change",
            f"user:{role.user_id}",
            {
                "agency": "000.03.00.H37",
                "agency_id": role.agency_id,
                "role": "leader",
                "title": "Phó giám đốc",
                "changed": {"title": ["", "Phó giám đốc"]},
            },
        )
    ]


# --- TOTP devices ---------------------------------------------------------------------------


def test_the_admin_shows_no_devices_secret_nor_its_qr_code(admin_client):
    official = UserFactory(username="canbo", is_staff=True)
    device = TOTPDevice.objects.create(user=official, name="phone", key=KEY, confirmed=True)

    page = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    config = admin_client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk]))
    qrcode = admin_client.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[device.pk]))

    assert page.status_code == 200
    assert KEY not in page.content.decode()
    assert (config.status_code, qrcode.status_code) == (403, 403)


def _device_form(user, **values):
    form = {
        "user": user.pk,
        "name": "phone",
        "confirmed": "on",
        "step": 30,
        "t0": 0,
        "digits": 6,
        "tolerance": 1,
        "drift": 0,
        "throttling_failure_count": 0,
    }
    form.update(values)
    return {k: v for k, v in form.items() if v is not None}


def test_devices_added_changed_and_deleted_in_the_admin_are_recorded(admin_client):
    official = UserFactory(username="canbo", is_staff=True)
    mark = _last_sequence()

    admin_client.post(reverse("admin:otp_totp_totpdevice_add"), _device_form(official, key=KEY))
    device = TOTPDevice.objects.get(user=official)
    admin_client.post(
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk]),
        _device_form(official, confirmed=None, tolerance=5),
    )
    admin_client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})

    target, name = f"user:{official.pk}", device.persistent_id
    assert _entries_after(mark) == [
        ("admin", "otp.device.add", target, {"device": name, "name": "phone", "confirmed": True}),
        (
            "admin",
            "otp.device.change",
            target,
            {"device": name, "name": "phone", "confirmed": False, "changed": ["confirmed", "tolerance"]},
        ),
        ("admin", "otp.device.remove", target, {"device": name, "name": "phone", "confirmed": False}),
    ]


def test_a_device_given_to_another_official_is_removed_from_one_and_added_to_the_other(admin_client):
    first, second = UserFactory(username="canbo1", is_staff=True), UserFactory(username="canbo2", is_staff=True)
    device = TOTPDevice.objects.create(user=first, name="phone", key=KEY, confirmed=True)
    mark = _last_sequence()

    admin_client.post(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]), _device_form(second))

    data = {"device": device.persistent_id, "name": "phone", "confirmed": True}
    assert _entries_after(mark) == [
        ("admin", "otp.device.remove", f"user:{first.pk}", data),
        ("admin", "otp.device.add", f"user:{second.pk}", data),
    ]


def test_a_new_key_is_recorded_by_name_only():
    device = TOTPDevice.objects.create(user=UserFactory(username="canbo"), name="phone", key=KEY, confirmed=True)
    mark = _last_sequence()

    device = TOTPDevice.objects.get(pk=device.pk)
    device.key = "00" * 20
    device.save()

    assert _entries_after(mark) == [
        (
            "",
            "otp.device.change",
            f"user:{device.user_id}",
            {"device": device.persistent_id, "name": "phone", "confirmed": True, "changed": ["key"]},
        )
    ]


def test_using_a_device_writes_no_entry():
    device = TOTPDevice.objects.create(user=UserFactory(username="canbo"), name="phone", confirmed=True)
    mark = _last_sequence()

    device = TOTPDevice.objects.get(pk=device.pk)
    assert device.verify_token(totp_code(device)) is True  # saves last_t, drift, last use
    assert device.verify_token("000000") is False  # saves the throttling counters

    assert _entries_after(mark) == []


def test_the_office_enrolment_is_recorded_once(client):
    official = StaffRoleFactory(user__username="canbo", role="specialist").user
    client.post("/office/auth/login/", {"username": "canbo", "password": "pw-test-123", "next": "/office/"})
    mark = _last_sequence()

    client.get("/office/auth/totp/setup/")
    device = TOTPDevice.objects.get(user=official)
    client.post("/office/auth/totp/setup/", {"code": totp_code(device)})

    device.refresh_from_db()
    entries = [entry for entry in _entries_after(mark) if entry[1].startswith("otp.")]
    assert device.confirmed is True
    assert entries == [
        # Before the code is accepted nobody is signed in yet.
        (
            "",
            "otp.device.add",
            f"user:{official.pk}",
            {"device": device.persistent_id, "name": "office", "confirmed": False},
        ),
        ("canbo", "otp.enrol", f"user:{official.pk}", {"device": device.persistent_id}),
    ]
