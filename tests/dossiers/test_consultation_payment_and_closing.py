"""Consulting another agency, asking for payment, and closing a dossier early (stop, withdrawal)."""

from decimal import Decimal

import pytest

from chinhquyen.core.audit import audit_verify
from chinhquyen.core.errors import InvalidInput
from chinhquyen.directory.models import StaffRole
from chinhquyen.dossiers.documents import slip_data_for
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import DossierStatus, StepState, Substatus
from chinhquyen.dossiers.selectors import consultable_agencies, dossier_actions_for, dossier_inbox
from chinhquyen.dossiers.services import (
    dossier_consult_agency,
    dossier_consult_recall,
    dossier_forward,
    dossier_payment_confirmed,
    dossier_request_payment,
    dossier_request_supplement,
    dossier_send_back,
    dossier_stop,
    dossier_withdraw,
)
from tests.dossiers.factories import AgencyFactory, World, officer, supplement_send, template_add, vn

pytestmark = pytest.mark.django_db


def code_of(call, **kwargs) -> str:
    with pytest.raises((TransitionRefused, InvalidInput)) as refusal:
        call(**kwargs)
    return refusal.value.code


def consulted(world: World, dossier=None):
    """A dossier (by default received on Monday 2 March 2026 08:00) whose specialist asks a partner agency at
    09:00."""
    partner = AgencyFactory()
    people = {role: officer(partner, role) for role in ("specialist", "leader")}
    dossier = dossier or world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_consult_agency(
        by=world.specialist, dossier=dossier, agency=partner, question="Ý kiến?", at=vn(2026, 3, 2, 9, 0)
    )
    return dossier, partner, people


def test_the_examining_specialist_asks_for_payment_and_the_front_desk_sees_it_waiting():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    assert dossier.status == DossierStatus.RECEIVED

    dossier = dossier_request_payment(by=world.specialist, dossier=dossier, amount="50000", at=vn(2026, 3, 2, 9, 0))

    assert dossier.status == DossierStatus.PAYMENT_REQUIRED
    assert dossier.events.get(action="request_payment").data == {"amount": "50000", "currency": "VND"}
    queue = dossier_inbox(officer=world.front_desk, now=vn(2026, 3, 2, 10, 0))
    assert [(row.dossier.pk, row.step) for row in queue] == [(dossier.pk, None)]
    actions = dossier_actions_for(dossier=dossier, user=world.front_desk)
    assert actions == ["document_add", "payment_confirmed", "withdraw"]
    # The time the applicant takes to pay is not the agency's: the clock stops until the payment is confirmed,
    # and no "overdue" mark shows meanwhile, even past the stored due date.
    assert (dossier.paused_at, queue[0].overdue, queue[0].due_soon) == (vn(2026, 3, 2, 9, 0), False, False)
    assert dossier.steps.get(order=10).due_at == vn(2026, 3, 5, 13, 30)
    late = dossier_inbox(officer=world.front_desk, now=vn(2026, 3, 20, 9, 0))
    assert (late[0].overdue, late[0].due_soon) == (False, False)
    dossier = dossier_payment_confirmed(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 4, 9, 0))
    assert (dossier.status, dossier.paused_at) == (DossierStatus.PROCESSING, None)
    # Paused 16 working hours (Monday 09:00 to Wednesday 09:00): due 9 March 08:00 becomes 11 March 08:00.
    assert dossier.due_at == vn(2026, 3, 11, 8, 0)
    assert dossier.events.get(action="payment_confirmed").data == {
        "paused_hours": 16.0,
        "old_due_at": "2026-03-09T08:00:00+07:00",
        "new_due_at": "2026-03-11T08:00:00+07:00",
    }
    # The examining step (28 of the 40 hours, due Thursday 5 March 13:30) moves by the same 16 hours.
    assert dossier.steps.get(order=10).due_at == vn(2026, 3, 9, 13, 30)
    assert dossier_inbox(officer=world.front_desk, now=vn(2026, 3, 4, 10, 0)) == []


@pytest.mark.parametrize(
    "amount", ["abc", "NaN", "Infinity", "0.5", "1e30", 0, -1, Decimal(10) ** 12 + 1, "", "50 000"]
)
def test_an_amount_not_in_whole_dong_is_refused_and_nothing_changes(amount):
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    code = code_of(dossier_request_payment, by=world.specialist, dossier=dossier, amount=amount)

    assert code == "amount"
    dossier.refresh_from_db()
    assert (dossier.status, dossier.events.filter(action="request_payment").exists()) == (2, False)


def test_the_consultation_can_start_on_the_first_pass_and_records_the_hand_off_as_it_was():
    world = World()

    dossier, partner, _people = consulted(world)

    asking = dossier.steps.get(order=10)
    assert (asking.state, asking.assignee_id, asking.outcome) == (StepState.DONE, world.specialist.pk, "early")
    event = dossier.events.get(action="consult_agency")
    assert (event.data["from_step"], event.data["outcome"], event.data["agency"]) == (asking.pk, "early", partner.code)
    assert (dossier.active_step.agency_id, dossier.active_step.consultation) == (partner.pk, True)


def _dues_after(dossier) -> list:
    return [step.due_at for step in dossier.steps.filter(order__gt=12).order_by("order")]


def test_a_late_answer_is_not_charged_to_the_agency_that_asked():
    # The examining step (28 hours from Monday 2 March 08:00) is due Thursday 5 March 13:30; it asks on Monday
    # at 09:00 with 27 working hours left, and the partner (due Tuesday 09:00) answers on Thursday at 13:00.
    world = World()
    dossier, _partner, people = consulted(world)
    twin = dossier.steps.get(order=12)
    assert (twin.share_hours, twin.due_at) == (Decimal("27.00"), vn(2026, 3, 6, 13, 30))  # if answered on time
    # The leader's and the front desk's steps after it wait for the answer's day too (planned: Friday 6 March
    # 13:30 and Monday 9 March 08:00, the dossier's due date, which does not move).
    assert _dues_after(dossier) == [vn(2026, 3, 9, 13, 30), vn(2026, 3, 10, 8, 0)]

    dossier = dossier_forward(by=people["specialist"], dossier=dossier, at=vn(2026, 3, 5, 13, 0))

    consult, twin = dossier.steps.get(order=11), dossier.steps.get(order=12)
    assert (consult.outcome, twin.state) == ("late", StepState.ACTIVE)
    # The asking step has its 27 hours again from the answer: due Tuesday 10 March 16:00.
    assert twin.due_at == vn(2026, 3, 10, 16, 0)
    # The later steps keep their 8 and 4 hours after it: the leader is not charged for the late answer either.
    assert _dues_after(dossier) == [vn(2026, 3, 11, 16, 0), vn(2026, 3, 12, 10, 30)]
    assert dossier.due_at == vn(2026, 3, 9, 8, 0)
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 10, 15, 0))
    assert dossier.steps.get(order=12).outcome == "on_time"


def test_the_asker_gives_the_agency_its_working_days_to_answer():
    # Asked on Monday 2 March 09:00 for three working days: 24 hours, due Thursday 09:00; the asking step's
    # 27 hours left then run from there, to Tuesday 10 March 13:30.
    world = World()
    partner = AgencyFactory()
    officer(partner, "specialist")
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    dossier = dossier_consult_agency(
        by=world.specialist,
        dossier=dossier,
        agency=partner,
        question="Ý kiến?",
        answer_days=3,
        at=vn(2026, 3, 2, 9, 0),
    )

    consult, twin = dossier.steps.get(order=11), dossier.steps.get(order=12)
    assert (consult.share_hours, consult.due_at) == (Decimal(24), vn(2026, 3, 5, 9, 0))
    assert twin.due_at == vn(2026, 3, 10, 13, 30)
    assert dossier.events.get(action="consult_agency").data["due_at"] == "2026-03-05T09:00:00+07:00"


@pytest.mark.parametrize("days", [0, -1, 31, True, "2", 1.5])
def test_answer_days_outside_one_to_thirty_whole_days_are_refused(days):
    world = World()
    partner = AgencyFactory()
    officer(partner, "specialist")
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    code = code_of(
        dossier_consult_agency, by=world.specialist, dossier=dossier, agency=partner, question="?", answer_days=days
    )

    assert code == "answer_days"
    dossier.refresh_from_db()
    assert (dossier.steps.count(), dossier.active_step.consultation) == (3, False)


def test_the_agency_consulted_only_answers():
    world = World()
    dossier, partner, people = consulted(world)
    specialist, leader = people["specialist"], people["leader"]

    assert dossier_actions_for(dossier=dossier, user=specialist, at=vn(2026, 3, 2, 10, 0)) == [
        "claim",
        "forward",
        "letter_draft",
    ]
    for call, kwargs in (
        (dossier_send_back, {"reason": "x"}),
        (dossier_request_supplement, {"items": ["CCCD"], "reason": "Thiếu"}),
        (dossier_request_payment, {"amount": 1000}),
        (dossier_consult_agency, {"agency": world.agency, "question": "?"}),
    ):
        assert code_of(call, by=specialist, dossier=dossier, **kwargs) == "consultation_step", call.__name__
    # Stopping is for the agencies deciding the dossier, not one giving its opinion.
    assert "stop" not in dossier_actions_for(dossier=dossier, user=leader)
    assert code_of(dossier_stop, by=leader, dossier=dossier, reason="x") == "role_required"
    assert "stop" in dossier_actions_for(dossier=dossier, user=world.leader)

    dossier = dossier_forward(by=specialist, dossier=dossier, note="Đồng ý", at=vn(2026, 3, 2, 14, 0))

    assert (dossier.active_step.agency_id, dossier.active_step.consultation) == (world.agency.pk, False)
    assert audit_verify().ok is True


def test_sending_back_after_the_answer_goes_to_the_stage_before_the_one_that_asked():
    world = World()
    first = officer(world.agency, "specialist")
    template_add(
        world.procedure,
        [
            ("Kiểm tra", "specialist", None, "8"),
            ("Thẩm định", "specialist", None, "24"),
            ("Duyệt", "leader", None, "8"),
        ],
    )
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=first, dossier=dossier, to_user=world.specialist, at=vn(2026, 3, 2, 8, 30))
    dossier, _partner, people = consulted(world, dossier)
    dossier = dossier_forward(by=people["specialist"], dossier=dossier, at=vn(2026, 3, 2, 14, 0))
    assert (dossier.active_step.name, dossier.active_step.assignee_id) == ("Thẩm định", world.specialist.pk)

    dossier = dossier_send_back(by=world.specialist, dossier=dossier, reason="Kiểm tra lại", at=vn(2026, 3, 2, 15, 0))

    # Not to the consultation (answered) nor to the step that asked (the same stage): to "Kiểm tra".
    assert (dossier.active_step.name, dossier.active_step.assignee_id) == ("Kiểm tra", first.pk)
    pending = list(dossier.steps.filter(state=StepState.PENDING).order_by("order").values_list("name", flat=True))
    assert pending == ["Thẩm định", "Duyệt"]
    assert code_of(dossier_send_back, by=first, dossier=dossier, reason="x") == "no_previous_step"
    # The hand-back is judged when it happens (the twin was due on a later day), for form 06, whatever the
    # step's outcome becomes once it is done again.
    assert dossier.events.get(action="send_back").data["outcome"] == "early"
    rows = slip_data_for(dossier=dossier, kind="06")["handoffs"]
    assert [(r["note"], r["outcome"]) for r in rows if r["note"] == "Kiểm tra lại"] == [("Kiểm tra lại", "early")]


def test_a_blank_question_or_an_inactive_agency_is_refused():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    closed = AgencyFactory(is_active=False)

    blank = code_of(dossier_consult_agency, by=world.specialist, dossier=dossier, agency=AgencyFactory(), question=" ")
    inactive = code_of(dossier_consult_agency, by=world.specialist, dossier=dossier, agency=closed, question="?")

    # An agency where nobody could answer would leave the dossier waiting at its step for good.
    nobody = AgencyFactory()
    officer(nobody, "leader")
    retired = officer(nobody, "specialist")
    retired.is_active = False
    retired.save()
    unanswered = code_of(dossier_consult_agency, by=world.specialist, dossier=dossier, agency=nobody, question="?")

    assert (blank, inactive, unanswered) == ("reason_required", "agency_inactive", "agency_without_specialist")
    assert dossier.steps.count() == 3
    assert nobody not in consultable_agencies()
    assert world.agency in consultable_agencies()


def test_a_stop_ends_the_active_step_and_the_notice_comes_from_the_stopping_agency():
    world = World()
    department = AgencyFactory()
    officer(department, "specialist")
    template_add(world.procedure, [("Thẩm định", "specialist", department, "32"), ("Duyệt", "leader", department, "8")])
    StaffRole.objects.filter(user=world.leader).update(title="Chủ tịch")
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    dossier = dossier_stop(by=world.leader, dossier=dossier, reason="Không đủ điều kiện", at=vn(2026, 3, 3, 9, 0))

    assert (dossier.status, dossier.active_step) == (DossierStatus.STOPPED, None)
    steps = list(dossier.steps.order_by("order").values_list("state", "finished_at", "outcome", "assignee"))
    assert steps == [(StepState.DONE, vn(2026, 3, 3, 9, 0), "early", None), (StepState.PENDING, None, "", None)]
    data = slip_data_for(dossier=dossier, kind="05")
    assert (data["agency"]["code"], data["signer"]["title"]) == (world.agency.code, "Chủ tịch")
    assert dossier.events.get(action="stop").data == {"agency": world.agency.pk}


def test_a_withdrawal_after_a_supply_leaves_no_supplement_state_and_no_active_step():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["CCCD"], reason="Thiếu", at=vn(2026, 3, 3, 8, 0)
    )
    dossier = supplement_send(world, dossier, at=vn(2026, 3, 4, 8, 0))
    assert dossier.substatus == Substatus.SUPPLEMENT_SUPPLIED

    dossier = dossier_withdraw(
        by=world.applicant.user, dossier=dossier, reason="Không cần nữa", at=vn(2026, 3, 4, 9, 0)
    )

    assert (dossier.status, dossier.substatus, dossier.active_step, dossier.paused_at) == (7, "", None, None)
    first = dossier.steps.get(order=10)
    # Nobody handled the step: the applicant who withdrew is not recorded as its officer.
    assert (first.state, first.finished_at, first.assignee_id) == (StepState.DONE, vn(2026, 3, 4, 9, 0), None)
    assert audit_verify().ok is True


def test_the_asking_agency_takes_back_a_consultation_not_answered():
    world = World()
    dossier, partner, people = consulted(world)
    consult = dossier.active_step
    assert "consult_recall" in dossier_actions_for(dossier=dossier, user=world.specialist)
    assert "consult_recall" in dossier_actions_for(dossier=dossier, user=world.leader)
    assert "consult_recall" not in dossier_actions_for(dossier=dossier, user=people["specialist"])
    assert code_of(dossier_consult_recall, by=people["leader"], dossier=dossier, reason="x") == "role_required"
    assert code_of(dossier_consult_recall, by=world.specialist, dossier=dossier, reason=" ") == "reason_required"

    # Due Tuesday 3 March 09:00 (8 working hours), still unanswered on Wednesday:
    dossier = dossier_consult_recall(
        by=world.specialist, dossier=dossier, reason="Quá hạn trả lời", at=vn(2026, 3, 4, 9, 0)
    )

    consult.refresh_from_db()
    assert (consult.state, consult.finished_at, consult.outcome, consult.assignee_id) == (
        StepState.DONE,
        vn(2026, 3, 4, 9, 0),
        "late",
        None,
    )
    back = dossier.active_step
    # Its 27 working hours left when it asked, from the taking back: due Monday 9 March 13:30.
    assert dossier.steps.get(pk=back.pk).due_at == vn(2026, 3, 9, 13, 30)
    assert (back.agency_id, back.state, back.started_at, back.assignee_id) == (
        world.agency.pk,
        StepState.ACTIVE,
        vn(2026, 3, 4, 9, 0),
        world.specialist.pk,
    )
    assert "consult_recall" not in dossier_actions_for(dossier=dossier, user=world.specialist)
    rows = slip_data_for(dossier=dossier, kind="06")["handoffs"]
    recall = rows[-1]
    assert (recall["at"], recall["outcome"], recall["note"]) == (vn(2026, 3, 4, 9, 0), "late", "Quá hạn trả lời")
    assert recall["from_unit"].endswith(partner.name)
    # Nobody at the partner handed it back (nobody there had claimed it), and the asker is on the receiving side.
    assert recall["from_person"] == ""
    assert recall["to_person"] == world.specialist.get_full_name()
    # The applicant's timeline does not show the agencies' internal exchange.
    assert dossier.events.get(action="consult_recall").internal is True
    assert audit_verify().ok is True


@pytest.mark.parametrize("wait_for", ["payment", "supplement"])
def test_a_dossier_closed_while_it_waits_for_the_applicant_judges_its_step_at_the_pause(wait_for):
    # Received Monday 2 March 08:00, the examining step due Thursday 5 March 13:30; paused at 09:00 and closed
    # weeks later: the agency used one working hour, the rest was the applicant's.
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    if wait_for == "payment":
        dossier = dossier_request_payment(by=world.specialist, dossier=dossier, amount=1000, at=vn(2026, 3, 2, 9, 0))
    else:
        dossier = dossier_request_supplement(
            by=world.specialist, dossier=dossier, items=["CCCD"], reason="Thiếu", at=vn(2026, 3, 2, 9, 0)
        )

    dossier = dossier_stop(by=world.leader, dossier=dossier, reason="Quá hạn bổ sung", at=vn(2026, 3, 20, 9, 0))

    step = dossier.steps.get(order=10)
    assert (step.state, step.finished_at, step.outcome) == (StepState.DONE, vn(2026, 3, 20, 9, 0), "early")
    assert dossier.paused_at is None
