"""Every transition allowed for the right role and refused for the others."""

from decimal import Decimal

import pytest

from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import DossierStatus, Substatus
from chinhquyen.dossiers.selectors import dossier_actions_for
from chinhquyen.dossiers.services import (
    dossier_approve,
    dossier_claim,
    dossier_consult_agency,
    dossier_forward,
    dossier_issue_result,
    dossier_payment_confirmed,
    dossier_reassign,
    dossier_refuse,
    dossier_request_payment,
    dossier_request_supplement,
    dossier_return,
    dossier_send_back,
    dossier_stop,
    dossier_submit_online,
    dossier_supplement_provided,
    dossier_withdraw,
)
from chinhquyen.dossiers.services.processing import dossier_return_by_post
from tests.dossiers.factories import (
    SPECIALIST_ACTIONS_ON_RECEIPT,
    AgencyFactory,
    World,
    officer,
    pdf_bytes,
    supplement_send,
    vn,
)

pytestmark = pytest.mark.django_db


def refused(call, **kwargs) -> str:
    with pytest.raises(TransitionRefused) as info:
        call(**kwargs)
    return info.value.code


def test_refuse_by_front_desk_and_not_by_specialist():
    world = World()
    dossier = world.draft()

    assert refused(dossier_refuse, by=world.specialist, dossier=dossier, reasons=["x"]) == "role_required"
    dossier = dossier_refuse(by=world.front_desk, dossier=dossier, reasons=["Ngoài phạm vi", "Thiếu chữ ký"])

    assert dossier.status == DossierStatus.REFUSED
    assert dossier.events.get(action="refuse").reason == "Ngoài phạm vi; Thiếu chữ ký"
    assert refused(dossier_refuse, by=world.front_desk, dossier=dossier, reasons=["x"]) == "transition_not_allowed"


def test_front_desk_may_ask_for_a_supplement_only_once():
    world = World()
    dossier = world.draft()

    dossier = dossier_request_supplement(by=world.front_desk, dossier=dossier, items=["CCCD"], reason="Thiếu")
    assert (dossier.status, dossier.substatus) == (
        DossierStatus.SUPPLEMENT_REQUESTED,
        Substatus.SUPPLEMENT_BY_FRONT_DESK,
    )
    assert dossier.paused_at is None  # not received: no clock yet
    dossier = supplement_send(world, dossier)
    assert dossier.status == DossierStatus.DRAFT

    code = refused(dossier_request_supplement, by=world.front_desk, dossier=dossier, items=["x"], reason="r")
    assert code == "front_desk_supplement_used"


def test_online_submission_only_in_ones_own_name_then_withdraw_by_applicant():
    world = World()
    stranger = World().applicant.user
    kwargs = {"applicant": world.applicant, "procedure": world.procedure, "receiving_agency": world.agency}

    assert refused(dossier_submit_online, by=stranger, form_data={}, **kwargs) == "not_owner"
    dossier = dossier_submit_online(by=world.applicant.user, form_data={"a": 1}, **kwargs)
    assert (dossier.status, dossier.channel) == (DossierStatus.SUBMITTED, 2)
    assert refused(dossier_withdraw, by=stranger, dossier=dossier, reason="x") == "role_required"

    dossier = dossier_withdraw(by=world.applicant.user, dossier=dossier, reason="Không cần nữa")
    assert dossier.status == DossierStatus.WITHDRAWN


def test_claim_assigns_and_locks_out_colleagues():
    world = World()
    colleague = officer(world.agency, "specialist")
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    assert refused(dossier_claim, by=world.leader, dossier=dossier) == "role_required"
    dossier = dossier_claim(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 9, 0))

    assert dossier.active_step.assignee == world.specialist
    assert refused(dossier_forward, by=colleague, dossier=dossier) == "assigned_to_other"
    # The agency may still draft a letter (in time: a letter is sent by Friday 6 March).
    assert dossier_actions_for(dossier=dossier, user=colleague, at=vn(2026, 3, 2, 10, 0)) == ["letter_draft"]


def test_claim_is_not_offered_to_whoever_holds_the_step_already():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    assert "claim" in dossier_actions_for(dossier=dossier, user=world.specialist)

    dossier = dossier_claim(by=world.specialist, dossier=dossier)
    version = dossier.version

    assert "claim" not in dossier_actions_for(dossier=dossier, user=world.specialist)
    with pytest.raises(TransitionRefused) as refusal:
        dossier_claim(by=world.specialist, dossier=dossier)
    assert (refusal.value.code, refusal.value.message) == ("already_claimed", "This step is already yours.")
    dossier.refresh_from_db()
    assert dossier.version == version  # nothing written
    assert dossier.events.filter(action="claim").count() == 1


def test_forward_refused_to_wrong_role_and_to_assignee_without_role():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    assert refused(dossier_forward, by=world.leader, dossier=dossier) == "role_required"
    assert refused(dossier_forward, by=world.specialist, dossier=dossier, to_user=world.front_desk) == "assignee_role"
    dossier = dossier_forward(by=world.specialist, dossier=dossier, to_user=world.leader)

    assert (dossier.status, dossier.active_step.role, dossier.active_step.assignee) == (4, "leader", world.leader)


def test_send_back_to_the_specialist():
    world = World()
    dossier = dossier_forward(by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)))

    assert refused(dossier_send_back, by=world.specialist, dossier=dossier, reason="x") == "role_required"
    dossier = dossier_send_back(by=world.leader, dossier=dossier, reason="Bổ sung ý kiến")

    assert (dossier.active_step.role, dossier.active_step.state) == ("specialist", "active")
    assert dossier.steps.get(role="leader").state == "pending"
    assert refused(dossier_send_back, by=world.specialist, dossier=dossier, reason="x") == "no_previous_step"


def test_reassign_by_leader_of_the_steps_agency_only():
    world = World()
    other = officer(world.agency, "specialist")
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    assert refused(dossier_reassign, by=world.specialist, dossier=dossier, to_user=other) == "role_required"
    assert refused(dossier_reassign, by=world.leader, dossier=dossier, to_user=world.front_desk) == "assignee_role"
    dossier = dossier_reassign(by=world.leader, dossier=dossier, to_user=other)

    assert dossier.active_step.assignee == other


def test_consult_another_agency_inserts_its_step_and_comes_back():
    world = World()
    partner = AgencyFactory()
    partner_specialist = officer(partner, "specialist")
    dossier = dossier_forward(by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)))
    dossier = dossier_send_back(by=world.leader, dossier=dossier, reason="x")

    dossier = dossier_consult_agency(by=world.specialist, dossier=dossier, agency=partner, question="Ý kiến?")

    roles = list(dossier.steps.order_by("order").values_list("agency_id", "role", "state"))
    assert roles == [
        (world.agency.pk, "specialist", "done"),
        (partner.pk, "specialist", "active"),
        (world.agency.pk, "specialist", "pending"),
        (world.agency.pk, "leader", "pending"),
        (world.agency.pk, "front_desk", "pending"),
    ]
    # A record for the control slip: in the site's language, though this officer works in English.
    assert dossier.active_step.name == f"Ý kiến của {partner.name}"
    dossier = dossier_forward(by=partner_specialist, dossier=dossier)
    assert (dossier.active_step.agency_id, dossier.active_step.role) == (world.agency.pk, "specialist")


def test_payment_requested_by_specialist_confirmed_by_front_desk():
    world = World()
    dossier = dossier_forward(by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)))
    dossier = dossier_send_back(by=world.leader, dossier=dossier, reason="x")

    assert refused(dossier_request_payment, by=world.front_desk, dossier=dossier, amount=1) == "role_required"
    dossier = dossier_request_payment(by=world.specialist, dossier=dossier, amount=Decimal(50000))
    assert dossier.status == DossierStatus.PAYMENT_REQUIRED
    assert refused(dossier_payment_confirmed, by=world.specialist, dossier=dossier) == "role_required"
    dossier = dossier_payment_confirmed(by=world.front_desk, dossier=dossier)

    assert dossier.status == DossierStatus.PROCESSING
    assert dossier.events.get(action="request_payment").data == {"amount": "50000", "currency": "VND"}


def test_approve_only_by_leader_at_leaders_step_and_issue_needs_approval():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier)

    assert refused(dossier_approve, by=world.specialist, dossier=dossier) == "role_required"
    assert refused(dossier_issue_result, by=world.front_desk, dossier=dossier) == "not_approved"
    dossier = dossier_approve(by=world.leader, dossier=dossier)
    assert dossier.approved_at is not None
    assert refused(dossier_approve, by=world.leader, dossier=dossier) == "role_required"

    dossier = dossier_issue_result(by=world.front_desk, dossier=dossier)
    assert (dossier.status, dossier.substatus) == (DossierStatus.RESOLVED, Substatus.RESULT_READY)
    assert refused(dossier_return, by=world.specialist, dossier=dossier, method="counter") == "role_required"
    dossier = dossier_return_by_post(by=world.front_desk, dossier=dossier)  # as the postal partner's order does
    assert (dossier.status, dossier.return_method) == (DossierStatus.RETURNED, "postal")


def test_leader_issuing_from_the_leaders_step_approves_at_once():
    world = World()
    dossier = dossier_forward(by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)))

    dossier = dossier_issue_result(by=world.leader, dossier=dossier)

    assert dossier.status == DossierStatus.RESOLVED
    assert dossier.approved_at is not None
    assert dossier.active_step.role == "front_desk"


def test_stop_by_leader_only():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    assert refused(dossier_stop, by=world.specialist, dossier=dossier, reason="x") == "role_required"
    dossier = dossier_stop(by=world.leader, dossier=dossier, reason="Vi phạm")

    assert dossier.status == DossierStatus.STOPPED
    assert refused(dossier_withdraw, by=world.front_desk, dossier=dossier, reason="x") == "transition_not_allowed"


def test_refusal_messages_are_clear():
    world = World()
    dossier = world.draft()

    with pytest.raises(TransitionRefused) as info:
        dossier_return(by=world.front_desk, dossier=dossier, method="counter")

    assert info.value.message == "The action “hand over the result” is not allowed while the dossier is “Draft”."


def test_actions_for_each_role():
    world = World()
    dossier = world.draft()
    assert dossier_actions_for(dossier=dossier, user=world.front_desk) == [
        "document_remove",  # a scan attached by mistake (the table lists the action first for the applicant's row)
        "document_add",
        "documents_mark_received",
        "authorised_person_set",
        "draft_discard",
        "receive",
        "refuse",
        "request_supplement",
    ]
    assert dossier_actions_for(dossier=dossier, user=world.applicant.user) == []  # the front desk fills it in
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    monday = vn(2026, 3, 2, 9, 0)
    assert dossier_actions_for(dossier=dossier, user=world.specialist, at=monday) == SPECIALIST_ACTIONS_ON_RECEIPT
    assert dossier_actions_for(dossier=dossier, user=world.leader, at=monday) == ["reassign", "stop", "letter_draft"]


def test_supplement_during_processing_by_specialist_only_and_supplied_by_applicant_or_front_desk():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    assert refused(dossier_request_supplement, by=world.leader, dossier=dossier, items=["x"], reason="r") == (
        "role_required"
    )
    dossier = dossier_request_supplement(by=world.specialist, dossier=dossier, items=["x"], reason="r")
    assert dossier.substatus == Substatus.SUPPLEMENT_BY_PROCESSOR
    assert refused(dossier_supplement_provided, by=world.specialist, dossier=dossier) == "role_required"
    assert refused(dossier_forward, by=world.specialist, dossier=dossier) == "transition_not_allowed"
    dossier = dossier_supplement_provided(by=world.front_desk, dossier=dossier, note="Đã nộp")

    assert (dossier.status, dossier.substatus) == (DossierStatus.RECEIVED, Substatus.SUPPLEMENT_SUPPLIED)


def test_counter_work_refused_to_officers_without_the_front_desk_role():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chinhquyen.dossiers.services import (
        dossier_create_at_counter,
        dossier_document_add,
        dossier_documents_mark_received,
        dossier_receive,
    )

    world = World()
    dossier = world.draft()
    upload = SimpleUploadedFile("a.pdf", pdf_bytes())

    kwargs = {"procedure": world.procedure, "applicant": world.applicant}
    assert refused(dossier_create_at_counter, by=world.specialist, **kwargs) == "role_required"
    assert refused(dossier_receive, by=world.leader, dossier=dossier) == "role_required"
    assert refused(dossier_documents_mark_received, by=world.specialist, dossier=dossier, required_document_ids=[]) == (
        "role_required"
    )
    assert refused(dossier_document_add, by=world.specialist, dossier=dossier, upload=upload, name="x") == (
        "role_required"
    )
