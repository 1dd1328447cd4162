"""Every process template can finish: approval always leaves the step from which the result is issued."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from chinhquyen.core.errors import InvalidInput
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import Dossier, DossierStatus, StepState
from chinhquyen.dossiers.selectors import dossier_actions_for, dossier_inbox
from chinhquyen.dossiers.services import (
    apology_letter_draft,
    counter_draft_discard,
    dossier_approve,
    dossier_authorised_person_set,
    dossier_claim,
    dossier_consult_agency,
    dossier_consult_recall,
    dossier_document_add,
    dossier_documents_mark_received,
    dossier_forward,
    dossier_issue_result,
    dossier_payment_confirmed,
    dossier_pickup_cancel,
    dossier_pickup_request,
    dossier_reassign,
    dossier_receive,
    dossier_refuse,
    dossier_request_payment,
    dossier_request_supplement,
    dossier_return,
    dossier_send_back,
    dossier_stop,
    dossier_supplement_accept,
    dossier_supplement_provided,
    dossier_supplement_reject,
    dossier_withdraw,
    online_document_remove,
    online_draft_save,
    online_draft_start,
    online_draft_submit,
)
from chinhquyen.dossiers.transitions import ACTIONS
from tests.dossiers.factories import AgencyFactory, World, officer, online_offer, pdf_bytes, template_add, vn
from tests.factories import working_days_later

pytestmark = pytest.mark.django_db

ENDS_WITH_LEADER = [("Thẩm định", "specialist", None, "30"), ("Phê duyệt", "leader", None, "10")]
ENDS_WITH_FRONT_DESK = [*ENDS_WITH_LEADER, ("Trả kết quả", "front_desk", None, "0")]


def refused(call, **kwargs) -> str:
    with pytest.raises(TransitionRefused) as info:
        call(**kwargs)
    return info.value.code


def steps(dossier: Dossier) -> list[tuple[str, str, int]]:
    return list(dossier.steps.order_by("order", "pk").values_list("role", "state", "agency_id"))


def test_each_finished_step_names_who_handled_it_claimed_or_not():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 3, 9, 0))
    dossier = dossier_approve(by=world.leader, dossier=dossier, at=vn(2026, 3, 4, 9, 0))
    dossier = dossier_issue_result(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 4, 10, 0), text="Kết quả")
    dossier_return(by=world.front_desk, dossier=dossier, method="counter", at=vn(2026, 3, 4, 11, 0))

    handled = list(dossier.steps.order_by("order").values_list("role", "state", "assignee"))
    assert handled == [
        ("specialist", StepState.DONE, world.specialist.pk),
        ("leader", StepState.DONE, world.leader.pk),
        ("front_desk", StepState.DONE, world.front_desk.pk),
    ]


def test_a_result_issued_on_paper_only_cannot_be_returned_online():
    world = World(days=5)
    dossier = dossier_forward(by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)))
    dossier = dossier_approve(by=world.leader, dossier=dossier)
    dossier = dossier_issue_result(by=world.front_desk, dossier=dossier)  # nothing attached, nothing written

    with pytest.raises(InvalidInput) as refused:
        dossier_return(by=world.front_desk, dossier=dossier, method="online")

    assert (refused.value.code, refused.value.field) == ("no_electronic_result", "method")
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.RESOLVED
    assert dossier_return(by=world.front_desk, dossier=dossier, method="counter").status == DossierStatus.RETURNED


def test_template_ending_with_the_leaders_step_gets_the_return_step_at_approval():
    world = World()
    template_add(world.procedure, ENDS_WITH_LEADER)
    dossier = dossier_forward(by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)))
    assert refused(dossier_issue_result, by=world.front_desk, dossier=dossier) == "not_approved"
    assert "forward" not in dossier_actions_for(dossier=dossier, user=world.leader)  # the last step

    dossier = dossier_approve(by=world.leader, dossier=dossier, at=vn(2026, 3, 4, 9, 0))

    step = dossier.active_step
    assert (step.name, step.role, step.agency_id, step.state) == (
        "Trả kết quả",  # a record, in the site's language whatever the officer's (tests run in English)
        "front_desk",
        world.agency.pk,
        StepState.ACTIVE,
    )
    assert (step.started_at, step.due_at) == (vn(2026, 3, 4, 9, 0), dossier.due_at)
    assert dossier.approved_at == vn(2026, 3, 4, 9, 0)
    assert [r.dossier.pk for r in dossier_inbox(officer=world.front_desk)] == [dossier.pk]
    assert "issue_result" in dossier_actions_for(dossier=dossier, user=world.front_desk)
    dossier = dossier_issue_result(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 4, 10, 0))
    assert dossier.status == DossierStatus.RESOLVED
    dossier = dossier_return(by=world.front_desk, dossier=dossier, method="counter", at=vn(2026, 3, 5, 8, 0))

    assert (dossier.status, dossier.outcome, dossier.active_step) == (DossierStatus.RETURNED, "early", None)
    assert steps(dossier) == [
        ("specialist", "done", world.agency.pk),
        ("leader", "done", world.agency.pk),
        ("front_desk", "done", world.agency.pk),
    ]
    assert list(dossier.events.order_by("pk").values_list("action", "to_status")) == [
        ("create", 0),
        ("receive", 2),
        ("forward", 4),
        ("approve", 4),
        ("issue_result", 9),
        ("return", 10),
    ]


def test_leader_issuing_from_the_last_step_approves_and_hands_over_to_the_front_desk():
    world = World()
    template_add(world.procedure, ENDS_WITH_LEADER)
    dossier = dossier_forward(by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)))

    dossier = dossier_issue_result(by=world.leader, dossier=dossier)

    assert (dossier.status, dossier.active_step.role) == (DossierStatus.RESOLVED, "front_desk")
    assert dossier.approved_at is not None
    dossier = dossier_return(by=world.front_desk, dossier=dossier, method="counter")
    assert dossier.status == DossierStatus.RETURNED
    assert [state for _role, state, _agency in steps(dossier)] == ["done", "done", "done"]


def test_leaders_step_in_another_agency_returns_through_the_receiving_front_desk():
    world = World()
    department = AgencyFactory()
    department_leader = officer(department, "leader")
    template_add(world.procedure, [ENDS_WITH_LEADER[0], ("Phê duyệt", "leader", department, "10")])
    dossier = dossier_forward(
        by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)), at=vn(2026, 3, 2, 9, 0)
    )

    assert refused(dossier_approve, by=world.leader, dossier=dossier) == "role_required"
    dossier = dossier_approve(by=department_leader, dossier=dossier, at=vn(2026, 3, 2, 10, 0))
    assert (dossier.active_step.role, dossier.active_step.agency_id) == ("front_desk", world.agency.pk)
    assert dossier_actions_for(dossier=dossier, user=department_leader) == []
    dossier = dossier_issue_result(by=world.front_desk, dossier=dossier)
    dossier = dossier_return(by=world.front_desk, dossier=dossier, method="counter")

    assert dossier.status == DossierStatus.RETURNED


def test_template_ending_with_a_front_desk_step_uses_it_and_adds_none():
    world = World()
    template_add(world.procedure, ENDS_WITH_FRONT_DESK)
    dossier = dossier_forward(by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)))

    dossier = dossier_approve(by=world.leader, dossier=dossier)
    assert (dossier.active_step.name, dossier.active_step.role) == ("Trả kết quả", "front_desk")
    assert "forward" not in dossier_actions_for(dossier=dossier, user=world.front_desk)
    dossier = dossier_issue_result(by=world.front_desk, dossier=dossier, text="Kết quả")
    dossier = dossier_return(by=world.front_desk, dossier=dossier, method="online")

    assert dossier.status == DossierStatus.RETURNED
    assert [(role, state) for role, state, _agency in steps(dossier)] == [
        ("specialist", "done"),
        ("leader", "done"),
        ("front_desk", "done"),
    ]


def test_a_step_after_approval_forwards_to_the_return_step_when_it_is_the_last():
    world = World()
    template_add(world.procedure, [*ENDS_WITH_LEADER, ("Vào sổ, đóng dấu", "specialist", None, "2")])
    dossier = dossier_forward(by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)))
    dossier = dossier_approve(by=world.leader, dossier=dossier)
    assert refused(dossier_issue_result, by=world.front_desk, dossier=dossier) == "not_approved"

    dossier = dossier_forward(by=world.specialist, dossier=dossier)

    assert dossier.active_step.role == "front_desk"
    dossier = dossier_issue_result(by=world.front_desk, dossier=dossier)
    assert dossier_return(by=world.front_desk, dossier=dossier, method="counter").status == DossierStatus.RETURNED


def test_dossier_approved_without_a_step_is_issued_by_the_receiving_front_desk():
    # Dossiers left without a step by approvals made before the return step existed.
    world = World()
    template_add(world.procedure, ENDS_WITH_LEADER)
    forwarded = dossier_forward(
        by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)), at=vn(2026, 3, 2, 9, 0)
    )
    dossier = dossier_approve(by=world.leader, dossier=forwarded, at=vn(2026, 3, 2, 10, 0))
    Dossier.objects.filter(pk=dossier.pk).update(active_step=None)
    dossier = Dossier.objects.get(pk=dossier.pk)

    assert dossier_actions_for(dossier=dossier, user=world.leader) == ["stop"]
    assert "issue_result" in dossier_actions_for(dossier=dossier, user=world.front_desk)
    dossier = dossier_issue_result(by=world.front_desk, dossier=dossier)
    assert dossier_return(by=world.front_desk, dossier=dossier, method="counter").status == DossierStatus.RETURNED


# --- dossier_actions_for offers exactly the actions that succeed ----------------------------------


class _Rollback(Exception):
    pass


def _remove_missing_document(by, d):
    """Allowed when the only refusal is that there is no such file."""
    try:
        online_document_remove(by=by, dossier=d, document_id=0)
    except InvalidInput as exc:
        if exc.code != "document_not_found":
            raise


def _attempts(world, partner, colleagues):
    """One call per action of the table, with valid input."""
    due = vn(2026, 3, 20, 8, 0)
    return {
        "document_add": lambda by, d: dossier_document_add(
            by=by, dossier=d, upload=SimpleUploadedFile("a.pdf", pdf_bytes()), name="Tờ khai"
        ),
        "documents_mark_received": lambda by, d: dossier_documents_mark_received(
            by=by, dossier=d, required_document_ids=[]
        ),
        "authorised_person_set": lambda by, d: dossier_authorised_person_set(by=by, dossier=d, details={"name": ""}),
        "draft_discard": lambda by, d: counter_draft_discard(by=by, dossier=d),
        "receive": lambda by, d: dossier_receive(by=by, dossier=d),
        "refuse": lambda by, d: dossier_refuse(by=by, dossier=d, reasons=["Sai thẩm quyền"]),
        "request_supplement": lambda by, d: dossier_request_supplement(by=by, dossier=d, items=["CCCD"], reason="r"),
        "supplement_provided": lambda by, d: dossier_supplement_provided(by=by, dossier=d),
        "supplement_accept": lambda by, d: dossier_supplement_accept(by=by, dossier=d),
        "supplement_reject": lambda by, d: dossier_supplement_reject(by=by, dossier=d, items=["CCCD"], reason="r"),
        "pickup_request": lambda by, d: dossier_pickup_request(by=by, dossier=d, order={"order_number": "SIM1"}),
        "pickup_cancel": lambda by, d: dossier_pickup_cancel(by=by, dossier=d, order={"order_number": "SIM1"}),
        "claim": lambda by, d: dossier_claim(by=by, dossier=d),
        "forward": lambda by, d: dossier_forward(by=by, dossier=d),
        "send_back": lambda by, d: dossier_send_back(by=by, dossier=d, reason="Xem lại"),
        "reassign": lambda by, d: dossier_reassign(
            by=by, dossier=d, to_user=colleagues[d.active_step.role if d.active_step else "specialist"]
        ),
        "consult_agency": lambda by, d: dossier_consult_agency(by=by, dossier=d, agency=partner, question="?"),
        "consult_recall": lambda by, d: dossier_consult_recall(by=by, dossier=d, reason="Quá hạn trả lời"),
        "request_payment": lambda by, d: dossier_request_payment(by=by, dossier=d, amount=1000),
        "payment_confirmed": lambda by, d: dossier_payment_confirmed(by=by, dossier=d),
        "approve": lambda by, d: dossier_approve(by=by, dossier=d),
        "issue_result": lambda by, d: dossier_issue_result(by=by, dossier=d),
        "return": lambda by, d: dossier_return(by=by, dossier=d, method="counter"),
        "withdraw": lambda by, d: dossier_withdraw(by=by, dossier=d, reason="r"),
        "stop": lambda by, d: dossier_stop(by=by, dossier=d, reason="r"),
        "draft_save": lambda by, d: online_draft_save(by=by, dossier=d, form_data={"a": "b"}),
        "document_remove": _remove_missing_document,
        "submit": lambda by, d: online_draft_submit(by=by, dossier=d),
        "letter_draft": lambda by, d: apology_letter_draft(
            by=by, dossier=d, reason="Chậm", new_due_at=working_days_later(max(d.due_at or due, due), 3)
        ),
    }


def _succeeds(call, by, pk) -> bool:
    try:
        with transaction.atomic():
            call(by, Dossier.objects.get(pk=pk))
            raise _Rollback
    except _Rollback:
        return True
    except TransitionRefused:
        return False


@pytest.mark.parametrize(
    "template",
    [pytest.param(ENDS_WITH_LEADER, id="ends-with-leader"), pytest.param(ENDS_WITH_FRONT_DESK, id="ends-with-desk")],
)
def test_actions_offered_are_exactly_those_that_succeed(template):
    world = World()
    template_add(world.procedure, template)
    partner = AgencyFactory()
    officer(partner, "specialist")  # someone there answers
    colleagues = {role: officer(world.agency, role) for role in ("front_desk", "specialist", "leader")}
    attempts = _attempts(world, partner, colleagues)
    assert set(attempts) == set(ACTIONS) - {
        "letter_approve",
        "letter_send",
        "letter_withdraw",
        "release",
        "calendar_retime",
        "agency_handover",
    }
    users = [world.front_desk, world.specialist, world.leader, world.applicant.user]

    # Received now, as the actions are offered and attempted now: a letter may still be drafted in time.
    dossier = world.draft()
    stages = [dossier.pk]
    dossier = dossier_receive(by=world.front_desk, dossier=world.draft())
    stages.append(dossier.pk)
    forwarded = dossier_forward(by=world.specialist, dossier=world.received())
    stages.append(forwarded.pk)
    approved = dossier_approve(by=world.leader, dossier=dossier_forward(by=world.specialist, dossier=world.received()))
    stages.append(approved.pk)
    stages.append(dossier_issue_result(by=world.front_desk, dossier=Dossier.objects.get(pk=approved.pk)).pk)
    paused = world.received()
    stages.append(dossier_request_supplement(by=world.specialist, dossier=paused, items=["CCCD"], reason="r").pk)
    paying = dossier_forward(by=world.specialist, dossier=world.received())
    paying = dossier_send_back(by=world.leader, dossier=paying, reason="Tính phí")
    stages.append(dossier_request_payment(by=world.specialist, dossier=paying, amount=50000).pk)
    asked = world.received()
    stages.append(dossier_consult_agency(by=world.specialist, dossier=asked, agency=partner, question="?").pk)
    issued = world.received()
    issued = dossier_issue_result(by=world.leader, dossier=dossier_forward(by=world.specialist, dossier=issued))
    stages.append(issued.pk)
    online_offer(world)
    online = online_draft_start(
        by=world.applicant.user, procedure=world.procedure, receiving_agency=world.agency, client_key="k"
    )
    stages.append(online.pk)

    mismatches = []
    for pk in stages:
        for user in users:
            offered = set(dossier_actions_for(dossier=Dossier.objects.get(pk=pk), user=user))
            for action, call in attempts.items():
                if _succeeds(call, user, pk) != (action in offered):
                    status = Dossier.objects.get(pk=pk).status
                    mismatches.append((status, user.username, action, action in offered))
    assert mismatches == []


def test_a_withdrawal_needs_its_reason():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    with pytest.raises(InvalidInput) as refused:
        dossier_withdraw(by=world.applicant.user, dossier=dossier, reason="  ")

    assert (refused.value.code, refused.value.field, refused.value.message) == (
        "reason_required",
        "reason",
        "Give the reason for the withdrawal.",
    )
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.RECEIVED
