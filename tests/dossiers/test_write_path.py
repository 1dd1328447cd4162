"""The transition's read (the lock query, compiled once) and write (rows saved with the dossier at the end)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from chinhquyen.core.audit import audit_verify
from chinhquyen.directory.models import StaffRole
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import Dossier, DossierEvent
from chinhquyen.dossiers.services import dossier_forward, transition_apply
from chinhquyen.dossiers.services.base import dossier_lock, roles_of_locked
from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db

STEP_FIELDS = ("id", "dossier_id", "order", "name", "agency_id", "role", "state", "started_at", "due_at")


def test_the_lock_reads_what_the_orm_reads_with_the_actors_roles():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    expected = Dossier.objects.select_related("active_step", "procedure", "receiving_agency").get(pk=dossier.pk)

    with transaction.atomic():
        locked = dossier_lock(dossier=dossier.pk, related=("procedure", "receiving_agency"), user=world.front_desk)

    fields = [f.attname for f in Dossier._meta.concrete_fields]
    assert [getattr(locked, f) for f in fields] == [getattr(expected, f) for f in fields]
    assert [getattr(locked.active_step, f) for f in STEP_FIELDS] == [
        getattr(expected.active_step, f) for f in STEP_FIELDS
    ]
    assert (locked.procedure.code, locked.receiving_agency.code) == (world.procedure.code, world.agency.code)
    assert locked.applicant_user_id == world.applicant.user_id
    assert roles_of_locked(locked) == frozenset({(world.agency.pk, "front_desk")})
    assert locked._state.adding is False


@pytest.mark.django_db(transaction=True)
def test_the_lock_refuses_outside_a_transaction():
    with pytest.raises(transaction.TransactionManagementError):
        dossier_lock(dossier=1)


def test_the_lock_of_a_missing_dossier_raises_does_not_exist():
    with transaction.atomic(), pytest.raises(Dossier.DoesNotExist):
        dossier_lock(dossier=987654321)


def test_a_role_revoked_counts_at_once_for_the_same_user_object():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    StaffRole.objects.filter(user=world.specialist).delete()

    with pytest.raises(TransitionRefused) as info:
        dossier_forward(by=world.specialist, dossier=dossier)

    assert info.value.code == "role_required"


def test_an_anonymous_user_holds_no_role():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    with pytest.raises(TransitionRefused) as info:
        dossier_forward(by=AnonymousUser(), dossier=dossier)

    assert info.value.code == "role_required"


def test_rows_saved_later_are_written_once_each_with_the_dossier():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    with transition_apply(by=world.specialist, dossier=dossier, action="claim") as c:
        step = c.dossier.active_step
        step.assignee = world.specialist
        c.save_later(step, "assignee")
        step.name = "Thẩm định lại"
        c.save_later(step, "name", "assignee")
        assert c.later == [(step, ("assignee", "name"))]
        with pytest.raises(ValueError, match=r"Change\.set"):
            c.save_later(c.dossier, "code")

    step.refresh_from_db()
    assert (step.assignee_id, step.name) == (world.specialist.pk, "Thẩm định lại")
    assert Dossier.objects.get(pk=dossier.pk).version == dossier.version
    assert DossierEvent.objects.filter(dossier=dossier, action="claim").count() == 1
    assert audit_verify().ok is True
