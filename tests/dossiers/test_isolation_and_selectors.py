"""Agency isolation, the inbox, search, lookup and the applicant's view."""

import pytest

from chinhquyen.dossiers.errors import DossierNotFound, TransitionRefused
from chinhquyen.dossiers.selectors import (
    dossier_get_for_applicant,
    dossier_get_for_officer,
    dossier_inbox,
    dossier_search,
)
from chinhquyen.dossiers.services import dossier_forward, dossier_receive
from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db


def test_officer_of_agency_a_cannot_get_or_act_on_agency_b_dossier():
    a, b = World(), World()
    dossier_b = b.received(at=vn(2026, 3, 2, 8, 0))

    with pytest.raises(DossierNotFound):
        dossier_get_for_officer(officer=a.specialist, code_or_pk=dossier_b.code)
    with pytest.raises(DossierNotFound):
        dossier_get_for_officer(officer=a.front_desk, code_or_pk=dossier_b.pk)
    with pytest.raises(TransitionRefused) as info:
        dossier_forward(by=a.specialist, dossier=dossier_b)
    assert info.value.code == "role_required"
    assert dossier_search(officer=a.leader) == []
    assert dossier_inbox(officer=a.specialist) == []
    assert dossier_get_for_officer(officer=b.specialist, code_or_pk=dossier_b.code) == dossier_b


def test_front_desk_of_another_agency_cannot_receive():
    a, b = World(), World()
    draft = b.draft()

    with pytest.raises(TransitionRefused) as info:
        dossier_receive(by=a.front_desk, dossier=draft)

    assert info.value.code == "role_required"


def test_applicant_sees_only_own_dossiers():
    a, b = World(), World()
    dossier = a.draft()

    assert dossier_get_for_applicant(user=a.applicant.user, pk=dossier.pk) == dossier
    with pytest.raises(DossierNotFound):
        dossier_get_for_applicant(user=b.applicant.user, pk=dossier.pk)


def test_inbox_urgency_order_with_due_soon_and_overdue_flags():
    world = World(days=2)
    late = world.received(at=vn(2026, 3, 2, 8, 0))
    soon = world.received(at=vn(2026, 3, 4, 8, 0))
    later = world.received(at=vn(2026, 3, 9, 8, 0))
    world.draft()  # the front desk's queue, not the specialist's

    rows = dossier_inbox(officer=world.specialist, now=vn(2026, 3, 5, 8, 0))

    assert [(r.dossier.pk, r.overdue, r.due_soon) for r in rows] == [
        (late.pk, True, False),
        (soon.pk, False, True),
        (later.pk, False, False),
    ]
    front = dossier_inbox(officer=world.front_desk, now=vn(2026, 3, 5, 8, 0))
    assert [r.dossier.status for r in front] == [0]


def test_search_by_code_applicant_and_dates():
    world = World()
    first = world.received(at=vn(2026, 3, 2, 8, 0))
    second = world.received(at=vn(2026, 3, 3, 8, 0))

    assert dossier_search(officer=world.leader, code=first.code) == [first]
    assert dossier_search(officer=world.leader, applicant=world.applicant.personal_id) == [second, first]
    from datetime import date

    found = dossier_search(officer=world.leader, received_from=date(2026, 3, 3), received_to=date(2026, 3, 3))
    assert found == [second]
    assert dossier_search(officer=world.leader, status=2, procedure_id=world.procedure.pk) == [second, first]


def test_inbox_and_search_queries_do_not_grow_with_dossiers(django_assert_num_queries):
    world = World()
    for day in (2, 3, 4, 5):
        world.received(at=vn(2026, 3, day, 8, 0))

    with django_assert_num_queries(2):  # the officer's roles, then the dossiers with their joins
        rows = dossier_inbox(officer=world.specialist, now=vn(2026, 3, 5, 8, 0))
        assert [r.step.role for r in rows] == ["specialist"] * 4
    with django_assert_num_queries(2):
        found = dossier_search(officer=world.leader)
        assert {d.procedure.code for d in found} == {world.procedure.code}


def test_online_dossier_waits_in_front_desk_queue_and_is_received():
    from chinhquyen.dossiers.services import dossier_submit_online

    world = World()
    dossier = dossier_submit_online(
        by=world.applicant.user,
        applicant=world.applicant,
        procedure=world.procedure,
        receiving_agency=world.agency,
        form_data={"ho_ten": "Trần Thị Bình"},
    )

    assert [r.dossier for r in dossier_inbox(officer=world.front_desk)] == [dossier]
    dossier = dossier_receive(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 2, 8, 0))
    assert (dossier.status, dossier.channel) == (2, 2)
    assert dossier.applicant_snapshot["personal_id"] == world.applicant.personal_id
