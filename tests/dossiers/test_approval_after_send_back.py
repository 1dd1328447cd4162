"""An approval stands for what was approved: sending the dossier back to the approving leader's step, or before
it, withdraws it, so the result is issued only once a leader approves the reworked file (and in their name).
A send-back between steps after the approval leaves it standing."""

import pytest

from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import Dossier, DossierStatus
from chinhquyen.dossiers.selectors import dossier_actions_for
from chinhquyen.dossiers.services import (
    dossier_approve,
    dossier_forward,
    dossier_issue_result,
    dossier_reassign,
    dossier_return,
    dossier_send_back,
)
from tests.dossiers.factories import World, officer, template_add, vn
from tests.dossiers.test_documents_data import text_of

pytestmark = pytest.mark.django_db

# Approved at the leader's step, then entered in the register by a specialist before the front desk.
WITH_REGISTER_STEP = [
    ("Thẩm định", "specialist", None, "16"),
    ("Phê duyệt", "leader", None, "8"),
    ("Vào sổ", "specialist", None, "8"),
    ("Trả kết quả", "front_desk", None, "8"),
]


def _named(user, family: str, given: str):
    user.last_name, user.first_name = family, given
    user.save(update_fields=["last_name", "first_name"])
    return user


def _approved(world: World) -> Dossier:
    """Received 2 March 08:00, forwarded 09:00, approved 10:00: the front desk's step is active."""
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 9, 0))
    return dossier_approve(by=world.leader, dossier=dossier, at=vn(2026, 3, 2, 10, 0))


def _refused(call, **kwargs) -> str:
    with pytest.raises(TransitionRefused) as info:
        call(**kwargs)
    return info.value.code


def test_the_front_desk_sending_back_to_the_approving_leader_withdraws_the_approval():
    world = World()
    dossier = _approved(world)

    dossier = dossier_send_back(by=world.front_desk, dossier=dossier, reason="Sai tên", at=vn(2026, 3, 2, 11, 0))

    assert (dossier.active_step.role, dossier.approved_at) == ("leader", None)
    event = dossier.events.get(action="send_back")
    assert (event.data["approval_withdrawn"], event.reason) == (True, "Sai tên")
    assert "approve" in dossier_actions_for(dossier=dossier, user=world.leader)


def test_a_reworked_dossier_forwarded_without_approval_cannot_be_issued_nor_returned():
    world = World()
    dossier = _approved(world)
    dossier = dossier_send_back(by=world.front_desk, dossier=dossier, reason="Sai tên", at=vn(2026, 3, 2, 11, 0))
    dossier = dossier_send_back(by=world.leader, dossier=dossier, reason="Làm lại", at=vn(2026, 3, 2, 13, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, note="Đã sửa", at=vn(2026, 3, 2, 14, 0))

    dossier = dossier_forward(by=world.leader, dossier=dossier, at=vn(2026, 3, 2, 15, 0))  # not approved

    assert (dossier.active_step.role, dossier.approved_at) == ("front_desk", None)
    assert "issue_result" not in dossier_actions_for(dossier=dossier, user=world.front_desk)
    assert _refused(dossier_issue_result, by=world.front_desk, dossier=dossier, text="Kết quả") == "not_approved"
    assert _refused(dossier_return, by=world.front_desk, dossier=dossier, method="counter") == "transition_not_allowed"
    dossier.refresh_from_db()
    assert (dossier.status, dossier.resolved_at) == (DossierStatus.PROCESSING, None)


def test_a_written_result_is_signed_by_the_leader_who_approved_the_reworked_dossier():
    world = World()
    _named(world.leader, "Lê Văn", "Cường")
    second = _named(officer(world.agency, "leader"), "Phạm Thị", "Dung")
    dossier = _approved(world)
    dossier = dossier_send_back(by=world.front_desk, dossier=dossier, reason="Sai tên", at=vn(2026, 3, 2, 11, 0))

    dossier = dossier_reassign(by=second, dossier=dossier, to_user=second, at=vn(2026, 3, 2, 13, 0))
    dossier = dossier_approve(by=second, dossier=dossier, at=vn(2026, 3, 2, 14, 0))
    dossier = dossier_issue_result(by=world.front_desk, dossier=dossier, text="Đồng ý.", at=vn(2026, 3, 2, 15, 0))

    assert (dossier.status, dossier.approved_at) == (DossierStatus.RESOLVED, vn(2026, 3, 2, 14, 0))
    text = text_of(dossier.documents.get(kind="result").file.read())
    assert ("Phạm Thị Dung" in text, "Lê Văn Cường" in text) == (True, False)


def test_sending_back_between_steps_after_the_approval_keeps_it():
    world = World()
    template_add(world.procedure, WITH_REGISTER_STEP)
    dossier = _approved(world)  # the register step is active
    approved_at = dossier.approved_at
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 11, 0))

    dossier = dossier_send_back(by=world.front_desk, dossier=dossier, reason="Thiếu số", at=vn(2026, 3, 2, 13, 0))

    assert (dossier.active_step.name, dossier.approved_at) == ("Vào sổ", approved_at)
    assert "approval_withdrawn" not in dossier.events.get(action="send_back").data
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 14, 0))
    assert dossier_issue_result(by=world.front_desk, dossier=dossier).status == DossierStatus.RESOLVED


def test_sending_back_from_a_step_after_the_approval_to_the_approving_step_withdraws_it():
    world = World()
    template_add(world.procedure, WITH_REGISTER_STEP)
    dossier = _approved(world)  # the register step is active

    dossier = dossier_send_back(by=world.specialist, dossier=dossier, reason="Xem lại", at=vn(2026, 3, 2, 11, 0))

    assert (dossier.active_step.name, dossier.approved_at) == ("Phê duyệt", None)
    assert dossier.events.get(action="send_back").data["approval_withdrawn"] is True
