"""An officer who leaves gives back the active steps they hold: the account deactivated, or the step's role in
its agency removed or moved, the step goes to everyone holding the role, with a line in the timeline."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse

from chinhquyen.core.audit import audit_actor
from chinhquyen.core.models import AuditEntry
from chinhquyen.directory.models import StaffRole, User
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import Dossier, DossierEvent, DossierStatus, StepState
from chinhquyen.dossiers.selectors import dossier_actions_for, dossier_inbox, dossier_timeline
from chinhquyen.dossiers.services import (
    dossier_claim,
    dossier_consult_agency,
    dossier_forward,
    dossier_reassign,
    dossier_request_payment,
    officer_steps_release,
)
from tests.dossiers.factories import AgencyFactory, World, officer, vn
from tests.locks import backend_pid, waiting_on_a_lock

pytestmark = pytest.mark.django_db

REASON = "The officer holding this step has left it."
NOW = vn(2026, 3, 2, 11, 0)


@pytest.fixture(autouse=True)
def _site_in_english(settings):
    # The reason is a record, written in the site's language (as the steps' names are).
    settings.LANGUAGE_CODE = "en"


def _claimed(world: World) -> Dossier:
    """A dossier received, its specialist's step claimed by the world's specialist."""
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    return dossier_claim(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 8, 30))


def _fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_related("active_step").get(pk=dossier.pk)


def _releases(dossier: Dossier) -> list[tuple]:
    events = DossierEvent.objects.filter(dossier=dossier, action="release").order_by("pk")
    return list(events.values_list("actor_id", "internal", "reason", "from_status", "to_status", "data"))


def _role(user: User, world: World, role: str = "specialist") -> StaffRole:
    return StaffRole.objects.get(user=user, agency=world.agency, role=role)


def _deactivate(user: User) -> None:
    user.is_active = False
    user.save()


# --- Each way of leaving -------------------------------------------------------------------------


def test_a_deactivated_officers_active_step_goes_back_to_the_pool():
    world = World()
    colleague = officer(world.agency, "specialist")
    dossier = _claimed(world)
    with pytest.raises(TransitionRefused) as refused:
        dossier_claim(by=colleague, dossier=_fresh(dossier))
    assert refused.value.code == "assigned_to_other"

    _deactivate(world.specialist)

    after = _fresh(dossier)
    step = after.active_step
    assert (step.state, step.assignee_id) == (StepState.ACTIVE, None)
    assert after.version == dossier.version + 1
    data = {"step": step.pk, "from_user": world.specialist.pk}
    assert _releases(after) == [(None, True, REASON, DossierStatus.RECEIVED, DossierStatus.RECEIVED, data)]
    assert [row.dossier.pk for row in dossier_inbox(officer=colleague, now=NOW)] == [dossier.pk]
    assert "claim" in dossier_actions_for(dossier=after, user=colleague)


def test_a_deleted_role_gives_the_step_back():
    world = World()
    dossier = _claimed(world)

    _role(world.specialist, world).delete()

    after = _fresh(dossier)
    assert after.active_step.assignee_id is None
    assert [data["from_user"] for *_, data in _releases(after)] == [world.specialist.pk]


@pytest.mark.parametrize("moved", ["agency", "role", "user"], ids=["other_agency", "other_role", "other_official"])
def test_a_role_moved_away_gives_the_step_back(moved):
    world = World()
    dossier = _claimed(world)
    role = _role(world.specialist, world)

    setattr(role, moved, {"agency": AgencyFactory(), "role": "leader", "user": officer(world.agency)}[moved])
    role.save()

    after = _fresh(dossier)
    assert after.active_step.assignee_id is None
    assert [data["from_user"] for *_, data in _releases(after)] == [world.specialist.pk]


def test_a_role_saved_unchanged_or_given_a_new_title_keeps_the_step():
    world = World()
    dossier = _claimed(world)
    role = _role(world.specialist, world)

    role.save()
    role.title = "Chuyên viên chính"
    role.save()

    after = _fresh(dossier)
    assert (after.active_step.assignee_id, after.version) == (world.specialist.pk, dossier.version)
    assert _releases(after) == []


def test_a_step_waiting_for_a_payment_is_given_back_too():
    world = World()
    dossier = dossier_request_payment(by=world.specialist, dossier=_claimed(world), amount=50000)

    _deactivate(world.specialist)

    after = _fresh(dossier)
    assert (after.status, after.active_step.assignee_id) == (DossierStatus.PAYMENT_REQUIRED, None)
    assert [(frm, to) for _, _, _, frm, to, _ in _releases(after)] == [
        (DossierStatus.PAYMENT_REQUIRED, DossierStatus.PAYMENT_REQUIRED)
    ]


def test_deleting_the_account_unassigns_the_step_without_a_release():
    world = World()
    dossier = _claimed(world)

    world.specialist.delete()

    # The step's assignee is cleared by the deletion itself (SET_NULL) before the roles go: nothing is left.
    assert _fresh(dossier).active_step.assignee_id is None
    assert _releases(dossier) == []


# --- What is kept ----------------------------------------------------------------------------------


def test_a_step_in_another_agency_where_the_officer_still_holds_the_role_is_kept():
    here, there = World(), World()
    both = officer(here.agency, "specialist")
    StaffRole.objects.create(user=both, agency=there.agency, role="specialist")
    left = dossier_claim(by=both, dossier=here.received(at=vn(2026, 3, 2, 8, 0)), at=vn(2026, 3, 2, 8, 30))
    kept = dossier_claim(by=both, dossier=there.received(at=vn(2026, 3, 2, 8, 0)), at=vn(2026, 3, 2, 8, 30))

    _role(both, here).delete()

    assert _fresh(left).active_step.assignee_id is None
    assert (_fresh(kept).active_step.assignee_id, _fresh(kept).version) == (both.pk, kept.version)
    assert _releases(kept) == []


def test_a_pending_step_of_the_officer_is_left_to_start_unassigned():
    world = World()
    partner = AgencyFactory()
    partner_specialist = officer(partner, "specialist")
    dossier = _claimed(world)
    dossier = dossier_consult_agency(
        by=world.specialist, dossier=dossier, agency=partner, question="Ý kiến?", at=vn(2026, 3, 2, 9, 0)
    )

    _deactivate(world.specialist)

    # The answer's step waits, still the asker's; nothing is written while the partner holds the dossier.
    twin = dossier.steps.get(state=StepState.PENDING, agency=world.agency, role="specialist")
    assert twin.assignee_id == world.specialist.pk
    assert (_releases(dossier), _fresh(dossier).version) == ([], dossier.version)
    # It starts with nobody (services.steps._start), when the answer comes back.
    after = dossier_forward(by=partner_specialist, dossier=_fresh(dossier), note="Đồng ý", at=vn(2026, 3, 2, 10, 0))
    assert (after.active_step.pk, after.active_step.assignee_id) == (twin.pk, None)
    assert _releases(after) == []


def test_an_applicant_account_deactivated_changes_no_dossier():
    world = World()
    dossier = _claimed(world)

    _deactivate(world.applicant.user)

    after = _fresh(dossier)
    assert (after.active_step.assignee_id, after.version) == (world.specialist.pk, dossier.version)
    assert DossierEvent.objects.filter(action="release").count() == 0


def test_a_release_called_again_changes_nothing():
    world = World()
    dossier = _claimed(world)
    _deactivate(world.specialist)

    assert officer_steps_release(officer=world.specialist) == []
    assert len(_releases(dossier)) == 1


# --- The timeline row and what follows -------------------------------------------------------------


def test_the_release_names_who_made_the_change_and_is_audited():
    world = World()
    admin = User.objects.create_user(username="quantri", password="x", is_staff=True)  # noqa: S106
    dossier = _claimed(world)

    with audit_actor(admin):
        _deactivate(world.specialist)

    after = _fresh(dossier)
    step = after.active_step
    data = {"step": step.pk, "from_user": world.specialist.pk}
    assert _releases(after) == [(admin.pk, True, REASON, DossierStatus.RECEIVED, DossierStatus.RECEIVED, data)]
    entry = AuditEntry.objects.get(action="dossier.release")
    assert (entry.actor_name, entry.target, entry.data) == (
        "quantri",
        f"dossier:{dossier.pk}",
        {"from": 2, "to": 2, "reason": REASON, "version": after.version, **data},
    )


def test_without_an_actor_the_release_is_the_platforms_and_still_audited():
    world = World()
    dossier = _claimed(world)

    _deactivate(world.specialist)

    entry = AuditEntry.objects.get(action="dossier.release")
    assert (entry.actor_name, entry.target) == ("", f"dossier:{dossier.pk}")
    assert entry.data["from_user"] == world.specialist.pk


def test_the_release_is_hidden_from_the_applicant():
    world = World()
    dossier = _claimed(world)

    _deactivate(world.specialist)

    assert "release" in [e.action for e in dossier_timeline(dossier=dossier)]
    assert "release" not in [e.action for e in dossier_timeline(dossier=dossier, for_applicant=True)]


def test_a_colleague_then_claims_and_forwards():
    world = World()
    colleague = officer(world.agency, "specialist")
    dossier = _claimed(world)
    _deactivate(world.specialist)

    dossier = dossier_claim(by=colleague, dossier=_fresh(dossier), at=vn(2026, 3, 2, 10, 0))
    assert dossier.active_step.assignee_id == colleague.pk
    dossier = dossier_forward(by=colleague, dossier=dossier, at=vn(2026, 3, 2, 10, 30))

    assert (dossier.status, dossier.active_step.role) == (DossierStatus.PROCESSING, "leader")
    first = dossier.steps.get(role="specialist")
    assert (first.state, first.assignee_id) == (StepState.DONE, colleague.pk)


def test_a_step_not_active_in_the_dossier_any_more_is_not_released():
    world = World()
    dossier = _claimed(world)
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 9, 0))

    _deactivate(world.specialist)

    done = dossier.steps.get(role="specialist")
    assert (done.state, done.assignee_id) == (StepState.DONE, world.specialist.pk)
    assert _releases(dossier) == []


# --- Through the admin --------------------------------------------------------------------------------


def _user_form(user: User, role: StaffRole, *, active: bool, delete_role: bool = False) -> dict[str, str]:
    form = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "phone": "",
        "is_staff": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "staff_roles-TOTAL_FORMS": "1",
        "staff_roles-INITIAL_FORMS": "1",
        "staff_roles-0-id": str(role.pk),
        "staff_roles-0-user": str(user.pk),
        "staff_roles-0-agency": str(role.agency_id),
        "staff_roles-0-role": role.role,
        "staff_roles-0-title": "",
    }
    if active:
        form["is_active"] = "on"
    if delete_role:
        form["staff_roles-0-DELETE"] = "on"
    return form


@pytest.mark.parametrize(
    ("active", "delete_role"), [(False, False), (True, True)], ids=["account_deactivated", "role_deleted_inline"]
)
def test_the_admins_user_form_releases_in_the_admins_name(admin_client, admin_user, active, delete_role):
    world = World()
    dossier = _claimed(world)
    form = _user_form(world.specialist, _role(world.specialist, world), active=active, delete_role=delete_role)

    response = admin_client.post(reverse("admin:directory_user_change", args=[world.specialist.pk]), form)

    assert response.status_code == 302
    after = _fresh(dossier)
    assert after.active_step.assignee_id is None
    assert [(actor, reason) for actor, _, reason, *_ in _releases(after)] == [(admin_user.pk, REASON)]


def test_the_staff_role_admin_releases_on_a_move_and_on_delete_selected(admin_client, admin_user):
    world, other = World(), World()
    moved = _claimed(world)
    holder = officer(other.agency, "specialist")
    deleted = dossier_claim(by=holder, dossier=other.received(at=vn(2026, 3, 2, 8, 0)), at=vn(2026, 3, 2, 8, 30))
    role = _role(world.specialist, world)

    admin_client.post(
        reverse("admin:directory_staffrole_change", args=[role.pk]),
        {"user": world.specialist.pk, "agency": AgencyFactory().pk, "role": "specialist", "title": ""},
    )
    admin_client.post(
        reverse("admin:directory_staffrole_changelist"),
        {"action": "delete_selected", "_selected_action": [_role(holder, other).pk], "post": "yes"},
    )

    assert (_fresh(moved).active_step.assignee_id, _fresh(deleted).active_step.assignee_id) == (None, None)
    assert [actor for actor, *_ in _releases(moved)] == [admin_user.pk]
    assert [actor for actor, *_ in _releases(deleted)] == [admin_user.pk]
    assert StaffRole.objects.filter(user=holder).count() == 0


# --- Lock order ------------------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("leaving", ["account_deactivated", "role_deleted"])
def test_an_officer_leaving_while_a_colleague_acts_on_their_dossier_does_not_deadlock(leaving):
    """The departure locks the officer's dossiers before its audit entry takes the chain head, as a transition
    does: a transition holding one of those dossiers finishes first, then the step is released."""
    world = World()
    dossier = _claimed(world)
    colleague = officer(world.agency, "specialist")
    locked, leaving_started, leaving_waits = threading.Event(), threading.Event(), threading.Event()
    pids: list[int] = []
    errors: list[tuple[str, BaseException]] = []

    def leader() -> None:
        try:
            with transaction.atomic():
                Dossier.objects.select_for_update().get(pk=dossier.pk)  # a transition under way holds the dossier
                locked.set()
                leaving_waits.wait()
                dossier_reassign(by=world.leader, dossier=_fresh(dossier), to_user=colleague)
        except BaseException as exc:  # reported by the main thread
            errors.append(("leader", exc))
        finally:
            connections.close_all()

    def departure() -> None:
        try:
            locked.wait()
            pids.append(backend_pid())
            leaving_started.set()
            with transaction.atomic():
                if leaving == "account_deactivated":
                    _deactivate(world.specialist)
                else:
                    _role(world.specialist, world).delete()
        except BaseException as exc:  # reported by the main thread
            errors.append(("departure", exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=leader), threading.Thread(target=departure)]
    for thread in threads:
        thread.start()
    leaving_started.wait()
    while not waiting_on_a_lock(pids[0]) and threads[1].is_alive():
        threading.Event().wait(0.01)
    leaving_waits.set()
    for thread in threads:
        thread.join()

    assert errors == []
    assert _fresh(dossier).active_step.assignee_id == colleague.pk  # reassigned first: nothing left to release
