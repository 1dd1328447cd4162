"""Deleting a user takes the audit chain head last, after the database has unassigned the user's dossier steps
(``SET_NULL``), as a transition does: its rows first, the head at the end. Written before, the ``user.delete``
entry held the head while the unassignment waited for a step row that a transition held, and that transition
waited for the head: a deadlock, which PostgreSQL broke by failing one of them."""

import threading
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection, connections, transaction

from chinhquyen.core.audit import audit_actor
from chinhquyen.core.models import AuditEntry
from chinhquyen.directory.models import StaffRole
from chinhquyen.dossiers.models import Dossier, DossierStep, StepState
from chinhquyen.dossiers.services import (
    dossier_claim,
    dossier_consult_agency,
    dossier_forward,
    dossier_send_back,
    processing,
)
from tests.dossiers.factories import AgencyFactory, World, officer, vn
from tests.factories import UserFactory
from tests.locks import backend_pid, waiting_on_a_lock

pytestmark = pytest.mark.django_db


def _last_sequence() -> int:
    last = AuditEntry.objects.order_by("-sequence").first()
    return last.sequence if last else 0


def _sent_back(world: World) -> Dossier:
    """The leader claimed their step and sent the dossier back: the specialist's step is active again and the
    leader's waits, pending, still assigned to the leader."""
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_claim(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 8, 30))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 9, 0))
    dossier = dossier_claim(by=world.leader, dossier=dossier, at=vn(2026, 3, 2, 9, 30))
    return dossier_send_back(by=world.leader, dossier=dossier, reason="Bổ sung ý kiến", at=vn(2026, 3, 2, 10, 0))


def _leaders_step(world: World, dossier: Dossier) -> DossierStep:
    return DossierStep.objects.get(dossier=dossier, role="leader")


def test_the_leaders_pending_step_is_theirs_after_a_send_back():
    world = World()
    dossier = _sent_back(world)

    step = _leaders_step(world, dossier)

    assert (step.state, step.assignee_id) == (StepState.PENDING, world.leader.pk)


def test_the_user_delete_entry_follows_the_cascade_and_keeps_what_the_user_held():
    world = World()
    dossier = _sent_back(world)
    leader = world.leader
    leader.groups.add(Group.objects.create(name="editors"))
    leader.user_permissions.add(Permission.objects.get(content_type__app_label="directory", codename="change_user"))
    admin = UserFactory(username="quantri")
    target, username = f"user:{leader.pk}", leader.username
    mark = _last_sequence()

    with audit_actor(admin):
        leader.delete()

    entries = AuditEntry.objects.filter(sequence__gt=mark).order_by("sequence")
    rows = list(entries.values_list("actor_name", "action", "target", "data"))
    assert [action for _, action, _, _ in rows] == ["staff_role.revoke", "user.delete"]
    assert rows[-1] == (
        "quantri",
        "user.delete",
        target,
        {
            "username": username,
            "is_staff": True,
            "is_superuser": False,
            "is_active": True,
            "groups": ["editors"],
            "user_permissions": ["directory.change_user"],
        },
    )
    assert _leaders_step(world, dossier).assignee_id is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_deleting_a_user_while_a_transition_holds_their_step_does_not_deadlock(monkeypatch):
    """A consultation shifts the later steps (the leader's pending one among them) and then, at its end, takes
    the chain head; the leader's account is deleted in between. The deletion waits for the consultation's step
    row without holding the head, so the consultation finishes, then the deletion."""
    world = World()
    dossier = _sent_back(world)
    partner = AgencyFactory()
    officer(partner, "specialist")
    leader_step = _leaders_step(world, dossier)
    shifted, deleting, go_on = threading.Event(), threading.Event(), threading.Event()
    pids: list[int] = []
    errors: list[tuple[str, BaseException]] = []
    add_hours = processing.deadline_add_working_hours

    def paused_once(**kwargs: Any) -> Any:
        # Called after the later steps were shifted (their rows locked), before the transition's last statement.
        if not shifted.is_set():
            shifted.set()
            go_on.wait()
        return add_hours(**kwargs)

    monkeypatch.setattr(processing, "deadline_add_working_hours", paused_once)

    def consultation() -> None:
        try:
            dossier_consult_agency(
                by=world.specialist,
                dossier=Dossier.objects.get(pk=dossier.pk),
                agency=partner,
                question="Ý kiến về hiện trạng?",
                at=vn(2026, 3, 2, 10, 30),
            )
        except BaseException as exc:  # reported by the main thread
            errors.append(("consultation", exc))
        finally:
            shifted.set()  # failed before the pause: the deletion must not wait for it
            connections.close_all()

    def deletion() -> None:
        try:
            shifted.wait()
            pids.append(backend_pid())
            deleting.set()
            with transaction.atomic():
                type(world.leader)._base_manager.get(pk=world.leader.pk).delete()
        except BaseException as exc:  # reported by the main thread
            errors.append(("deletion", exc))
        finally:
            deleting.set()
            connections.close_all()

    threads = [threading.Thread(target=consultation), threading.Thread(target=deletion)]
    for thread in threads:
        thread.start()
    try:
        deleting.wait()
        while pids and not waiting_on_a_lock(pids[0]) and threads[1].is_alive():
            threading.Event().wait(0.01)
    finally:
        go_on.set()  # whatever happened, no thread is left waiting
        for thread in threads:
            thread.join()

    assert errors == []
    after = DossierStep.objects.get(pk=leader_step.pk)
    assert (after.state, after.assignee_id, after.order) == (StepState.PENDING, None, leader_step.order + 2)
    assert Dossier.objects.get(pk=dossier.pk).active_step.consultation is True
    assert not StaffRole.objects.filter(user_id=world.leader.pk).exists()
    assert list(AuditEntry.objects.filter(target=f"user:{world.leader.pk}").order_by("sequence").values_list("action"))[
        -2:
    ] == [("staff_role.revoke",), ("user.delete",)]
