"""Processing steps: a consultation asked by an overdue step moves the later steps by its real length; no step
goes to a deactivated account or to an agency made inactive."""

import pytest

from chinhquyen.directory.models import Agency, User
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import Dossier, StepState
from chinhquyen.dossiers.services import (
    dossier_approve,
    dossier_claim,
    dossier_consult_agency,
    dossier_consult_recall,
    dossier_forward,
    dossier_reassign,
)
from tests.dossiers.factories import AgencyFactory, World, officer, template_add, vn

pytestmark = pytest.mark.django_db


def asked_when_overdue(world: World):
    """Received Monday 2 March 2026 08:00 (5 working days): the specialist's step is due Thursday 5 March 13:30,
    the leader's Friday 6 March 13:30. The specialist asks a partner on Friday 6 March 09:00, already overdue;
    the partner has one working day, to Monday 9 March 09:00."""
    partner = AgencyFactory()
    answerer = officer(partner, "specialist")
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_consult_agency(
        by=world.specialist, dossier=dossier, agency=partner, question="Ý kiến?", at=vn(2026, 3, 6, 9, 0)
    )
    return dossier, answerer


def _dues_after_twin(dossier: Dossier) -> list:
    return [step.due_at for step in dossier.steps.filter(order__gt=12).order_by("order")]


def test_a_late_answer_to_an_overdue_asker_moves_the_later_steps_by_the_consultations_real_length():
    world = World()
    dossier, answerer = asked_when_overdue(world)
    twin = dossier.steps.get(order=12)
    assert (twin.share_hours, twin.due_at) == (0, vn(2026, 3, 9, 9, 0))  # no time left, as planned
    # The leader's and the front desk's steps wait for the planned day of answer (8 working hours later).
    assert _dues_after_twin(dossier) == [vn(2026, 3, 9, 13, 30), vn(2026, 3, 10, 8, 0)]

    # Answered on Friday 13 March 09:00: 40 working hours after the question, 32 more than planned.
    dossier = dossier_forward(by=answerer, dossier=dossier, at=vn(2026, 3, 13, 9, 0))

    twin.refresh_from_db()
    assert (twin.state, twin.due_at) == (StepState.ACTIVE, vn(2026, 3, 13, 9, 0))
    assert _dues_after_twin(dossier) == [vn(2026, 3, 13, 13, 30), vn(2026, 3, 16, 8, 0)]
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 13, 9, 30))
    leader_step = dossier.active_step
    assert leader_step.due_at == vn(2026, 3, 13, 13, 30)
    dossier = dossier_approve(by=world.leader, dossier=dossier, at=vn(2026, 3, 13, 10, 0))
    leader_step.refresh_from_db()
    twin.refresh_from_db()
    # The specialist, overdue when asking, stays late; the leader is not charged for the answer's delay.
    assert (twin.outcome, leader_step.outcome) == ("late", "on_time")


def test_an_early_answer_to_an_overdue_asker_gives_the_unused_time_back_to_the_later_steps():
    world = World()
    dossier, answerer = asked_when_overdue(world)

    # Answered on Friday 6 March 15:00: 4.5 working hours after the question, 3.5 fewer than planned.
    dossier = dossier_forward(by=answerer, dossier=dossier, at=vn(2026, 3, 6, 15, 0))

    assert dossier.steps.get(order=12).due_at == vn(2026, 3, 6, 15, 0)
    # Friday 13:30 and Monday 08:00 as planned without the consultation, plus its 4.5 hours.
    assert _dues_after_twin(dossier) == [vn(2026, 3, 9, 8, 30), vn(2026, 3, 9, 14, 0)]


def test_a_consultation_taken_back_from_an_overdue_asker_moves_the_later_steps_by_its_real_length():
    world = World()
    dossier, _answerer = asked_when_overdue(world)

    # Taken back on Wednesday 11 March 09:00: 24 working hours after the question, 16 more than planned.
    dossier = dossier_consult_recall(by=world.specialist, dossier=dossier, reason="Quá hạn", at=vn(2026, 3, 11, 9, 0))

    twin = dossier.steps.get(order=12)
    assert (dossier.active_step_id, twin.due_at) == (twin.pk, vn(2026, 3, 11, 9, 0))
    assert _dues_after_twin(dossier) == [vn(2026, 3, 11, 13, 30), vn(2026, 3, 12, 8, 0)]


def test_a_twin_made_before_twins_kept_their_time_keeps_its_due_date_and_the_later_steps_theirs():
    # Such a twin had no time of its own (0) and the asking step's due date, later than the answer's planned day.
    world = World()
    partner = AgencyFactory()
    answerer = officer(partner, "specialist")
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_consult_agency(
        by=world.specialist, dossier=dossier, agency=partner, question="Ý kiến?", at=vn(2026, 3, 2, 9, 0)
    )
    dossier.steps.filter(order=12).update(share_hours=0, due_at=vn(2026, 3, 5, 13, 30))
    before = _dues_after_twin(dossier)

    dossier = dossier_forward(by=answerer, dossier=dossier, at=vn(2026, 3, 4, 9, 0))

    assert dossier.steps.get(order=12).due_at == vn(2026, 3, 5, 13, 30)
    assert _dues_after_twin(dossier) == before


def _deactivated(user: User) -> User:
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.refresh_from_db()
    return user


def test_a_step_is_not_reassigned_to_a_deactivated_account_and_a_colleague_can_still_claim_it():
    world = World()
    gone = _deactivated(officer(world.agency, "specialist"))
    colleague = officer(world.agency, "specialist")
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    version = Dossier.objects.get(pk=dossier.pk).version

    with pytest.raises(TransitionRefused) as refused:
        dossier_reassign(by=world.leader, dossier=dossier, to_user=gone, at=vn(2026, 3, 2, 9, 0))

    assert (refused.value.code, refused.value.field) == ("assignee_role", "to_user")
    assert refused.value.message == f"{gone.get_username()}'s account is deactivated: choose another officer."
    assert (Dossier.objects.get(pk=dossier.pk).version, dossier.steps.get(order=10).assignee_id) == (version, None)
    dossier = dossier_claim(by=colleague, dossier=dossier, at=vn(2026, 3, 2, 10, 0))
    assert dossier.active_step.assignee_id == colleague.pk


def test_a_dossier_is_not_forwarded_to_a_deactivated_account():
    world = World()
    gone = _deactivated(officer(world.agency, "leader"))
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    with pytest.raises(TransitionRefused) as refused:
        dossier_forward(by=world.specialist, dossier=dossier, to_user=gone, at=vn(2026, 3, 2, 9, 0))

    assert (refused.value.code, refused.value.field) == ("assignee_role", "to_user")
    assert dossier.steps.get(order=10).state == StepState.ACTIVE
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 9, 0))
    dossier = dossier_claim(by=world.leader, dossier=dossier, at=vn(2026, 3, 2, 10, 0))
    assert dossier.active_step.assignee_id == world.leader.pk


def test_a_dossier_is_not_handed_to_a_step_in_an_agency_made_inactive():
    world = World()
    partner = AgencyFactory(name="UBND xã Cũ")
    partner_leader = officer(partner, "leader")
    template_add(world.procedure, [("Thụ lý", "specialist", None, "32"), ("Phê duyệt", "leader", partner, "8")])
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    Agency.objects.filter(pk=partner.pk).update(is_active=False)  # merged away after the dossier was received
    version = Dossier.objects.get(pk=dossier.pk).version

    with pytest.raises(TransitionRefused) as refused:
        dossier_forward(by=world.specialist, dossier=dossier, to_user=partner_leader, at=vn(2026, 3, 2, 9, 0))
    with pytest.raises(TransitionRefused) as refused_without_officer:
        dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 9, 0))

    assert refused.value.code == refused_without_officer.value.code == "agency_inactive"
    assert refused.value.message == (
        "The step the dossier would go to is at an agency that is no longer active: UBND xã Cũ; the dossier "
        "would wait there for good. An administrator must update the process."
    )
    saved = Dossier.objects.get(pk=dossier.pk)
    states = list(saved.steps.order_by("order").values_list("state", flat=True))
    assert (saved.version, saved.active_step.order, states) == (version, 10, [StepState.ACTIVE, StepState.PENDING])


def test_a_dossier_goes_on_to_a_step_in_another_active_agency():
    world = World()
    partner = AgencyFactory()
    partner_leader = officer(partner, "leader")
    template_add(world.procedure, [("Thụ lý", "specialist", None, "32"), ("Phê duyệt", "leader", partner, "8")])
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    dossier = dossier_forward(by=world.specialist, dossier=dossier, to_user=partner_leader, at=vn(2026, 3, 2, 9, 0))

    assert (dossier.active_step.agency_id, dossier.active_step.assignee_id) == (partner.pk, partner_leader.pk)
