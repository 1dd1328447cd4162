"""The result is approved at the last leader's step (spec §1: the agency leader assigns, the specialist drafts, the
leader approves): a leader's step with another leader's step after it assigns or reviews, and approving there
would approve a result nobody has drafted yet. A send-back needs its reason, as the office's form asks."""

import pytest

from chinhquyen.core.errors import InvalidInput
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.selectors import dossier_actions_for
from chinhquyen.dossiers.services import dossier_approve, dossier_forward, dossier_send_back
from tests.dossiers.factories import World, template_add, vn

pytestmark = pytest.mark.django_db

# The chain of spec §1, in one agency: assignment, draft, approval, numbering, return.
ASSIGNED_FIRST = [
    ("Lãnh đạo phân công", "leader", None, "4"),
    ("Chuyên viên thẩm định", "specialist", None, "20"),
    ("Lãnh đạo phê duyệt", "leader", None, "8"),
    ("Văn thư vào sổ, đóng dấu", "specialist", None, "4"),
    ("Trả kết quả", "front_desk", None, "4"),
]


def _refused(call, **kwargs) -> str:
    with pytest.raises(TransitionRefused) as info:
        call(**kwargs)
    return info.value.code


def test_the_assigning_leader_does_not_approve_but_forwards():
    """A received dossier (status 2) is never approved; one sent back to the assignment (status 4) was the gap."""
    world = World()
    template_add(world.procedure, ASSIGNED_FIRST)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    assert "approve" not in dossier_actions_for(dossier=dossier, user=world.leader)
    dossier = dossier_forward(by=world.leader, dossier=dossier, at=vn(2026, 3, 2, 9, 0))
    dossier = dossier_send_back(by=world.specialist, dossier=dossier, reason="Phân công lại", at=vn(2026, 3, 2, 10, 0))
    assert (dossier.status, dossier.active_step.name) == (4, "Lãnh đạo phân công")

    assert _refused(dossier_approve, by=world.leader, dossier=dossier, at=vn(2026, 3, 2, 11, 0)) == "leader_step_later"
    actions = dossier_actions_for(dossier=dossier, user=world.leader)
    assert ("approve" in actions, "forward" in actions) == (False, True)

    dossier.refresh_from_db()
    assert (dossier.approved_at, dossier.active_step.name) == (None, "Lãnh đạo phân công")
    assert list(dossier.events.values_list("action", flat=True)) == ["create", "receive", "forward", "send_back"]


def test_the_last_leader_approves_and_the_numbering_step_follows():
    world = World()
    template_add(world.procedure, ASSIGNED_FIRST)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=world.leader, dossier=dossier, at=vn(2026, 3, 2, 9, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 10, 0))
    assert "approve" in dossier_actions_for(dossier=dossier, user=world.leader)

    dossier = dossier_approve(by=world.leader, dossier=dossier, at=vn(2026, 3, 2, 11, 0))

    assert (dossier.approved_at, dossier.active_step.name) == (vn(2026, 3, 2, 11, 0), "Văn thư vào sổ, đóng dấu")


def test_two_leader_steps_in_a_row_approve_at_the_second():
    world = World()
    template_add(
        world.procedure,
        [
            ("Chuyên viên thẩm định", "specialist", None, "24"),
            ("Lãnh đạo phòng xem xét", "leader", None, "8"),
            ("Lãnh đạo cơ quan phê duyệt", "leader", None, "8"),
        ],
    )
    dossier = dossier_forward(by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)))

    assert _refused(dossier_approve, by=world.leader, dossier=dossier) == "leader_step_later"
    dossier = dossier_forward(by=world.leader, dossier=dossier)
    dossier = dossier_approve(by=world.leader, dossier=dossier, at=vn(2026, 3, 3, 8, 0))

    assert (dossier.approved_at, dossier.active_step.role) == (vn(2026, 3, 3, 8, 0), "front_desk")


def test_a_single_leader_step_before_the_specialist_still_approves():
    """A process whose only leader's step comes first (the catalog allows it) still has a step to approve at."""
    world = World()
    template_add(world.procedure, [("Lãnh đạo", "leader", None, "8"), ("Vào sổ", "specialist", None, "32")])
    dossier = dossier_forward(by=world.leader, dossier=world.received(at=vn(2026, 3, 2, 8, 0)))
    dossier = dossier_send_back(by=world.specialist, dossier=dossier, reason="Chưa duyệt", at=vn(2026, 3, 2, 9, 0))

    dossier = dossier_approve(by=world.leader, dossier=dossier, at=vn(2026, 3, 2, 10, 0))

    assert (dossier.approved_at, dossier.active_step.name) == (vn(2026, 3, 2, 10, 0), "Vào sổ")


@pytest.mark.parametrize("reason", ["", "   ", "\u200b\n"])
def test_a_send_back_without_a_reason_is_refused_and_nothing_changes(reason):
    world = World()
    template_add(world.procedure, ASSIGNED_FIRST)
    dossier = dossier_forward(by=world.leader, dossier=world.received(at=vn(2026, 3, 2, 8, 0)))

    with pytest.raises(InvalidInput) as info:
        dossier_send_back(by=world.specialist, dossier=dossier, reason=reason)

    assert (info.value.code, info.value.field) == ("reason_required", "reason")
    dossier.refresh_from_db()
    assert (dossier.version, dossier.active_step.name) == (2, "Chuyên viên thẩm định")
    assert not dossier.events.filter(action="send_back").exists()
