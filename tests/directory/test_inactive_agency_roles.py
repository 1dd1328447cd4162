"""A role held in an inactive agency (dissolved, or merged into another) grants nothing: not the office pages,
not a transition, not an API credential, not a step to take, not a petition, not oversight. The admin still
lists the role, so that the province administrator can remove it."""

import pytest
from django.urls import reverse
from django.utils import translation

from chinhquyen.core.errors import InvalidInput, NotAllowed
from chinhquyen.directory.models import Role, StaffRole
from chinhquyen.directory.selectors import is_province_admin, roles_agency_ids, user_has_role, user_roles
from chinhquyen.dossiers import selectors as dossier_selectors
from chinhquyen.dossiers import transitions as dossier_transitions
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.services import dossier_claim, dossier_forward, dossier_send_back
from chinhquyen.dossiers.services.steps import assignee_check
from chinhquyen.feedback import services as petition_services
from chinhquyen.feedback import transitions as petition_transitions
from chinhquyen.feedback.errors import PetitionRefused
from chinhquyen.identity.selectors import user_is_official
from chinhquyen.integrations.services import api_key_issue, officer_token_issue, system_create
from chinhquyen.office.forms import ReassignForm
from chinhquyen.office.views.common import front_desk_agencies, officer_agency_ids
from tests.api.helpers import admin_user, api_client, post_json, system_make, token_for
from tests.dossiers.factories import World, officer, template_add
from tests.factories import AgencyFactory, StaffRoleFactory, UserFactory
from tests.feedback.helpers import agency_with_staff, petition
from tests.office.auth_helpers import officer_login, totp_code, totp_device_for

pytestmark = pytest.mark.django_db

PASSWORD = "pw-test-123"  # tests.factories.UserFactory's
REFUSED_PAGE = "Your account does not hold a role that may see this page."


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in their source language, whatever LANGUAGE_CODE says.
    with translation.override("en"):
        yield


def _dissolve(agency) -> None:
    agency.is_active = False
    agency.save(update_fields=["is_active"])


# --- The definition ------------------------------------------------------------------------------------


def test_only_the_roles_in_an_active_agency_are_in_force():
    active, merged = AgencyFactory(), AgencyFactory()
    user = officer(active, Role.SPECIALIST)
    StaffRole.objects.create(user=user, agency=merged, role=Role.LEADER)

    _dissolve(merged)

    assert {(r.agency_id, r.role) for r in StaffRole.objects.in_force().filter(user=user)} == {
        (active.pk, "specialist")
    }
    assert StaffRole.objects.filter(user=user).count() == 2  # kept, for the admin to list and remove
    assert [(r.agency, r.role) for r in user_roles(user=user)] == [(active, "specialist")]
    assert (user_has_role(user=user, role=Role.SPECIALIST), user_has_role(user=user, role=Role.LEADER)) == (True, False)
    assert dossier_transitions.user_roles_load(user=user) == {(active.pk, "specialist")}
    assert petition_transitions.user_roles_load(user=user) == {(active.pk, "specialist")}


def test_the_admin_still_lists_a_role_in_an_inactive_agency(admin_client):
    role = StaffRoleFactory(role=Role.FRONT_DESK)
    _dissolve(role.agency)

    response = admin_client.get(reverse("admin:directory_staffrole_changelist"))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [role]


# --- The office ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page", ["office:inbox", "office:reception", "office:search", "office:auth:account"], ids=lambda p: p
)
def test_an_official_whose_only_agency_is_inactive_is_refused_the_office_pages(client, page):
    world = World()
    officer_login(client, world.front_desk)
    assert client.get(reverse(page)).status_code == 200

    _dissolve(world.agency)
    response = client.get(reverse(page), headers={"Accept-Language": "en"})

    assert response.status_code == 403
    assert REFUSED_PAGE in response.content.decode()


def test_signing_in_with_only_roles_in_an_inactive_agency_is_refused_as_without_roles(client):
    world = World()
    device = totp_device_for(world.front_desk)
    _dissolve(world.agency)

    client.post(
        reverse("office:auth:login"),
        {"username": world.front_desk.username, "password": PASSWORD, "next": "/office/"},
        headers={"Accept-Language": "en"},
    )
    signed_in = client.post(reverse("office:auth:code"), {"code": totp_code(device)})
    landing = client.get(signed_in["Location"], headers={"Accept-Language": "en"})

    # A staff account passes both steps, as one whose roles were all removed does, and is told at once.
    assert (signed_in.status_code, signed_in["Location"]) == (302, reverse("office:auth:account"))
    assert landing.status_code == 403
    assert REFUSED_PAGE in landing.content.decode()


def test_an_account_not_staff_with_only_roles_in_an_inactive_agency_is_refused_at_the_password(client):
    user = UserFactory()
    StaffRole.objects.create(user=user, agency=AgencyFactory(), role=Role.SPECIALIST)
    _dissolve(user.staff_roles.get().agency)

    response = client.post(
        reverse("office:auth:login"),
        {"username": user.username, "password": PASSWORD},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    assert [str(e) for e in response.context["form"].non_field_errors()] == ["The username or password is not correct."]


def test_the_counters_and_agencies_of_an_official_are_the_active_ones():
    active, merged = AgencyFactory(name="Trung tâm mới"), AgencyFactory(name="Bộ phận cũ")
    user = officer(active, Role.FRONT_DESK)
    StaffRole.objects.create(user=user, agency=merged, role=Role.FRONT_DESK)

    _dissolve(merged)

    assert list(front_desk_agencies(user)) == [active]
    assert officer_agency_ids(user) == [active.pk]
    assert officer_agency_ids(user, Role.FRONT_DESK) == [active.pk]


# --- Transitions -------------------------------------------------------------------------------------


def test_a_transition_is_refused_with_role_required():
    world = World()
    dossier = world.received()
    assert "claim" in dossier_transitions.transition_actions(dossier=dossier, user=world.specialist)

    _dissolve(world.agency)

    with pytest.raises(TransitionRefused) as claimed:
        dossier_claim(by=world.specialist, dossier=dossier)  # the roles read by the lock query
    with pytest.raises(TransitionRefused) as forwarded:
        dossier_forward(by=world.specialist, dossier=dossier)
    assert (claimed.value.code, forwarded.value.code) == ("role_required", "role_required")
    assert dossier_transitions.transition_actions(dossier=dossier, user=world.specialist) == []
    dossier.active_step.refresh_from_db()
    assert dossier.active_step.assignee_id is None


# --- API credentials ---------------------------------------------------------------------------------


def test_an_officer_token_is_not_issued_and_an_issued_one_acts_with_no_role():
    world = World()
    dossier = world.received()
    client = api_client(token_for(world.specialist))
    assert client.get("/api/v1/meta/me").json()["roles"] == [f"{world.agency.code}:specialist"]

    _dissolve(world.agency)
    me = client.get("/api/v1/meta/me")
    claim = post_json(client, f"/api/v1/dossiers/{dossier.pk}/claim", {})
    with pytest.raises(InvalidInput) as issued:
        officer_token_issue(by=world.specialist, user=world.specialist, name="laptop")

    assert (me.status_code, me.json()["roles"]) == (200, [])
    assert (claim.status_code, claim.json()["code"]) == (404, "dossier_not_found")
    assert (issued.value.code, issued.value.field) == ("not_an_officer", "user")


def test_a_systems_key_acts_with_no_role_in_an_inactive_agency():
    world = World()
    _system, secret = system_make(roles=((world.agency, Role.SUPERVISOR),))

    before = api_client(secret).get("/api/v1/meta/me").json()["roles"]
    _dissolve(world.agency)
    after = api_client(secret).get("/api/v1/meta/me").json()["roles"]

    assert (before, after) == ([f"{world.agency.code}:supervisor"], [])


def test_a_province_administrator_role_in_an_inactive_agency_manages_no_credentials():
    province = AgencyFactory()
    administrator = officer(province, Role.PROVINCE_ADMIN)
    system = system_create(by=admin_user(), code="app", name="App")
    assert is_province_admin(administrator) is True

    _dissolve(province)

    assert is_province_admin(administrator) is False
    with pytest.raises(NotAllowed):
        api_key_issue(by=administrator, system=system, name="k", scopes=["catalog:read"])


# --- Assignees ---------------------------------------------------------------------------------------


def test_an_official_of_an_inactive_agency_is_neither_offered_nor_accepted_as_assignee():
    world = World()
    step = world.received().active_step
    assert list(ReassignForm(step=step).fields["to_user"].queryset) == [world.specialist]

    _dissolve(world.agency)

    assert list(ReassignForm(step=step).fields["to_user"].queryset) == []
    with pytest.raises(TransitionRefused) as refused:
        assignee_check(user=world.specialist, step=step)
    assert (refused.value.code, refused.value.field) == ("assignee_role", "to_user")


def test_a_dossier_is_not_sent_back_to_a_step_at_an_agency_become_inactive():
    world = World()
    commune = AgencyFactory(name="UBND xã cũ")
    template_add(
        world.procedure, [("Thẩm định tại xã", "specialist", commune, "30"), ("Phê duyệt", "leader", None, "10")]
    )
    examiner = officer(commune, Role.SPECIALIST)
    dossier = dossier_claim(by=examiner, dossier=world.received())
    dossier = dossier_forward(by=examiner, dossier=dossier)
    version = dossier.version

    _dissolve(commune)
    with pytest.raises(TransitionRefused) as refused:
        dossier_send_back(by=world.leader, dossier=dossier, reason="Thiếu chữ ký")

    # Nobody at the dissolved commune could take it back up: the leader keeps it, nothing changed.
    assert (refused.value.code, refused.value.field) == ("agency_inactive", None)
    dossier.refresh_from_db()
    assert (dossier.version, dossier.active_step.name) == (version, "Phê duyệt")


def test_a_dossier_is_not_forwarded_to_an_official_of_an_inactive_agency():
    world = World()
    commune = AgencyFactory(name="UBND xã cũ")
    template_add(world.procedure, [("Thụ lý", "specialist", None, "30"), ("Ý kiến của xã", "leader", commune, "10")])
    chairman = officer(commune, Role.LEADER)
    dossier = world.received()
    _dissolve(commune)

    with pytest.raises(TransitionRefused) as refused:
        dossier_forward(by=world.specialist, dossier=dossier, to_user=chairman)

    assert (refused.value.code, refused.value.field) == ("agency_inactive", None)
    dossier.refresh_from_db()
    assert dossier.active_step.name == "Thụ lý"


# --- Petitions ---------------------------------------------------------------------------------------


def test_a_petition_action_is_refused_with_role_required():
    staffed = agency_with_staff()
    filed = petition(about=staffed.agency)
    assert "note" in petition_transitions.transition_actions(petition=filed, user=staffed.leader)

    _dissolve(staffed.agency)

    assert petition_transitions.transition_actions(petition=filed, user=staffed.leader) == []
    with pytest.raises(PetitionRefused) as refused:
        petition_services.petition_note_add(petition=filed, by=staffed.leader, note="Đã liên hệ")
    assert refused.value.code == "role_required"


# --- Oversight ---------------------------------------------------------------------------------------


def test_a_supervisor_of_an_inactive_agency_oversees_nothing():
    province = AgencyFactory(name="UBND tỉnh")
    unit = World()
    unit.agency.parent = province
    unit.agency.save(update_fields=["parent"])
    dossier = unit.received()
    supervisor = officer(province, Role.SUPERVISOR)
    assert list(dossier_selectors.dossier_visible_to(officer=supervisor)) == [dossier]

    _dissolve(province)

    assert roles_agency_ids(roles=dossier_transitions.user_roles_load(user=supervisor)) == set()
    assert list(dossier_selectors.dossier_visible_to(officer=supervisor)) == []


# --- Not a grant: the portal keeps refusing an official's account -----------------------------------------


def test_an_officials_account_stays_an_officials_when_its_agency_becomes_inactive():
    user = UserFactory()
    StaffRole.objects.create(user=user, agency=AgencyFactory(), role=Role.SPECIALIST)

    _dissolve(user.staff_roles.get().agency)

    assert user_is_official(user=user) is True
