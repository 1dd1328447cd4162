"""An agency made inactive takes away every role held in it (StaffRole.objects.in_force): a permission change."""

import pytest
from django.core import serializers
from django.urls import reverse

from chinhquyen.core.audit import audit_actor, audit_verify
from chinhquyen.core.models import AuditEntry
from tests.factories import AgencyFactory, StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def _last_sequence() -> int:
    last = AuditEntry.objects.order_by("-sequence").first()
    return last.sequence if last else 0


def _entries_after(sequence: int) -> list[tuple[str, str, str, dict]]:
    rows = AuditEntry.objects.filter(sequence__gt=sequence).order_by("sequence")
    return list(rows.values_list("actor_name", "action", "target", "data"))


def _agency_form(agency, **changes) -> dict[str, str]:
    """The admin's change form as it stands, ``is_active`` ticked as the agency is, with ``changes``."""
    data = {
        "code": agency.code,
        "name": agency.name,
        "name_en": "",
        "kind": agency.kind,
        "parent": "",
        "division_code": "",
        "address": "",
        "phone": "",
        "email": "",
    }
    if agency.is_active:
        data["is_active"] = "on"
    data.update(changes)
    return data


def test_deactivating_an_agency_records_the_officials_whose_roles_it_switches_off():
    agency = AgencyFactory(code="000.03.00.H37")
    leader = StaffRoleFactory(agency=agency, role="leader")
    specialist = StaffRoleFactory(agency=agency, role="specialist")
    StaffRoleFactory(agency=agency, user=leader.user, role="front_desk")  # two roles, one official
    StaffRoleFactory(role="leader")  # another agency's: untouched
    mark = _last_sequence()

    with audit_actor(UserFactory(username="quantri")):
        agency.is_active = False
        agency.save()

    users = sorted([leader.user_id, specialist.user_id])
    assert _entries_after(mark) == [
        ("quantri", "agency.deactivate", f"agency:{agency.pk}", {"agency": "000.03.00.H37", "users": users})
    ]
    assert audit_verify().ok is True


def test_reactivating_an_agency_records_the_officials_whose_roles_it_switches_on():
    agency = AgencyFactory(code="000.03.00.H37", is_active=False)
    role = StaffRoleFactory(agency=agency, role="leader")
    mark = _last_sequence()

    agency.is_active = True
    agency.save()

    assert _entries_after(mark) == [
        ("", "agency.activate", f"agency:{agency.pk}", {"agency": "000.03.00.H37", "users": [role.user_id]})
    ]


def test_an_agency_without_roles_is_recorded_with_no_officials():
    agency = AgencyFactory(code="000.03.00.H37")
    mark = _last_sequence()

    agency.is_active = False
    agency.save(update_fields=["is_active"])

    assert _entries_after(mark) == [
        ("", "agency.deactivate", f"agency:{agency.pk}", {"agency": "000.03.00.H37", "users": []})
    ]


def test_saves_that_leave_is_active_as_it_was_write_nothing():
    agency = AgencyFactory()
    StaffRoleFactory(agency=agency)
    mark = _last_sequence()

    agency.name = "Sở mới"
    agency.save()
    agency.save(update_fields=["name"])
    AgencyFactory(is_active=False)  # created inactive: nobody held a role in it

    assert _entries_after(mark) == []


def test_a_fixture_loaded_agency_writes_nothing():
    agency = AgencyFactory(is_active=True)
    StaffRoleFactory(agency=agency)
    agency.is_active = False
    fixture = serializers.serialize("json", [agency])
    mark = _last_sequence()

    for loaded in serializers.deserialize("json", fixture):
        loaded.save()  # raw: as loaddata does

    agency.refresh_from_db()
    assert agency.is_active is False
    assert _entries_after(mark) == []


def test_an_agency_deactivated_then_reactivated_in_the_admin_is_recorded_with_its_actor(admin_client):
    agency = AgencyFactory(code="000.03.00.H37")
    role = StaffRoleFactory(agency=agency, role="leader")
    url = reverse("admin:directory_agency_change", args=[agency.pk])
    mark = _last_sequence()

    response = admin_client.post(url, _agency_form(agency, is_active=""))
    assert response.status_code == 302
    agency.refresh_from_db()
    response = admin_client.post(url, _agency_form(agency, is_active="on"))
    assert response.status_code == 302
    agency.refresh_from_db()
    response = admin_client.post(url, _agency_form(agency, name="Sở đổi tên"))  # still active: nothing
    assert response.status_code == 302

    data = {"agency": "000.03.00.H37", "users": [role.user_id]}
    assert _entries_after(mark) == [
        ("admin", "agency.deactivate", f"agency:{agency.pk}", data),
        ("admin", "agency.activate", f"agency:{agency.pk}", data),
    ]
