"""Apology letters (form 04): written by the agency at fault, extending the last step with the dossier, and
printed once the dossier is closed only if the applicant was sent one."""

import pytest

from chinhquyen.core.errors import InvalidInput
from chinhquyen.directory.models import StaffRole
from chinhquyen.dossiers.documents import slip_data_for
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import LetterState
from chinhquyen.dossiers.selectors import (
    applicant_slip_kinds,
    dossier_actions_for,
    dossier_inbox,
    letter_agencies_for,
    slip_kinds_for,
)
from chinhquyen.dossiers.services import (
    apology_letter_approve,
    apology_letter_draft,
    apology_letter_send,
    dossier_consult_agency,
    dossier_forward,
    dossier_issue_result,
    dossier_return,
    dossier_stop,
    dossier_withdraw,
)
from tests.dossiers.factories import AgencyFactory, World, officer, template_add, vn

pytestmark = pytest.mark.django_db

REASON = "Chậm ý kiến"


def _consulted(world, partner, *, answered_at):
    """Received Monday 2 March 08:00 (due Monday 9 March 08:00), ``partner`` consulted at 09:00 (its answer due
    Tuesday 3 March 09:00), its specialist answering at ``answered_at``: the dossier is back at the asking step."""
    answering = partner.staff_roles.get(role="specialist").user
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_consult_agency(
        by=world.specialist, dossier=dossier, agency=partner, question="Ý kiến?", at=vn(2026, 3, 2, 9, 0)
    )
    return dossier_forward(by=answering, dossier=dossier, at=answered_at)


def _partner():
    partner = AgencyFactory()
    return partner, officer(partner, "specialist"), officer(partner, "leader")


def _draft(by, dossier, **kwargs):
    return apology_letter_draft(
        by=by, dossier=dossier, reason=REASON, new_due_at=vn(2026, 3, 13, 8, 0), at=vn(2026, 3, 5, 14, 0), **kwargs
    )


# --- The agency at fault writes the letter --------------------------------------------------------


def test_the_partner_late_with_its_answer_drafts_approves_and_signs_the_letter_in_its_own_name():
    # Given a partner answering on Thursday 5 March 13:00, two days late
    world = World()
    partner, specialist, leader = _partner()
    dossier = _consulted(world, partner, answered_at=vn(2026, 3, 5, 13, 0))
    assert dossier.steps.get(consultation=True).outcome == "late"

    # When its specialist drafts the letter and its leader approves and sends it
    letter = _draft(specialist, dossier)
    apology_letter_approve(by=leader, letter=letter, at=vn(2026, 3, 5, 15, 0))
    apology_letter_send(by=leader, letter=letter, at=vn(2026, 3, 5, 15, 30))

    # Then the letter, the due date it set and form 04 are the partner's
    dossier.refresh_from_db()
    data = slip_data_for(dossier=dossier, kind="04")
    assert (letter.agency, letter.state, dossier.due_at) == (partner, LetterState.SENT, vn(2026, 3, 13, 8, 0))
    assert (data["agency"]["name"], data["signer"]["name"]) == (partner.name, leader.get_full_name())


def test_the_asking_agency_holding_the_dossier_may_still_draft_a_letter_in_its_own_name():
    world = World()
    partner, _specialist, _leader = _partner()
    dossier = _consulted(world, partner, answered_at=vn(2026, 3, 5, 13, 0))

    letter = _draft(world.specialist, dossier)

    assert letter.agency == world.agency


def test_the_asking_agencys_leader_may_not_approve_the_partners_letter():
    world = World()
    partner, specialist, _leader = _partner()
    dossier = _consulted(world, partner, answered_at=vn(2026, 3, 5, 13, 0))
    letter = _draft(specialist, dossier)

    with pytest.raises(TransitionRefused) as refused:
        apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 5, 15, 0))

    assert refused.value.code == "role_required"


def test_a_partner_that_answered_on_time_is_not_at_fault_and_may_not_draft():
    world = World()
    partner, specialist, _leader = _partner()
    dossier = _consulted(world, partner, answered_at=vn(2026, 3, 2, 14, 0))
    assert dossier.steps.get(consultation=True).outcome == "early"

    with pytest.raises(TransitionRefused) as refused:
        _draft(specialist, dossier)

    assert refused.value.code == "role_required"
    assert refused.value.message == (
        "Only a specialist or leader of the agency holding the dossier now, or of an agency whose step on it was "
        "late, may draft its apology letter."
    )
    assert dossier.apology_letters.count() == 0


def test_the_letter_draft_is_offered_to_the_partner_only_while_it_is_at_fault():
    world = World()
    late, late_specialist, _l1 = _partner()
    on_time, on_time_specialist, _l2 = _partner()
    dossier = _consulted(world, late, answered_at=vn(2026, 3, 5, 13, 0))
    dossier = dossier_consult_agency(
        by=world.specialist, dossier=dossier, agency=on_time, question="Ý kiến?", at=vn(2026, 3, 5, 14, 0)
    )
    dossier = dossier_forward(by=on_time_specialist, dossier=dossier, at=vn(2026, 3, 5, 15, 0))

    offered = {
        name: "letter_draft" in dossier_actions_for(dossier=dossier, user=user, at=vn(2026, 3, 5, 16, 0))
        for name, user in [("late", late_specialist), ("on time", on_time_specialist), ("asking", world.specialist)]
    }

    assert offered == {"late": True, "on time": False, "asking": True}


def test_an_agency_late_on_a_step_of_the_process_drafts_after_the_dossier_moved_on():
    # Given a template whose examination is at another agency (16 h, due Wednesday 4 March 08:00), done late
    world = World()
    examining, specialist, leader = _partner()
    template_add(world.procedure, [("Thẩm định", "specialist", examining, "16"), ("Ký", "leader", None, "24")])
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=specialist, dossier=dossier, at=vn(2026, 3, 5, 9, 0))
    assert (dossier.active_step.agency, dossier.steps.get(agency=examining).outcome) == (world.agency, "late")

    letter = _draft(leader, dossier)

    assert letter.agency == examining


def test_an_officer_of_the_asking_agency_and_the_late_partner_writes_for_the_asking_one_unless_naming_the_partner():
    world = World()
    partner, _specialist, _leader = _partner()
    dossier = _consulted(world, partner, answered_at=vn(2026, 3, 5, 13, 0))
    both = officer(world.agency, "specialist")
    StaffRole.objects.create(user=both, agency=partner, role="specialist")

    unnamed = _draft(both, dossier)
    named = _draft(both, dossier, agency=partner)

    assert [a.pk for a in letter_agencies_for(dossier=dossier, user=both, at=vn(2026, 3, 5, 14, 0))] == [
        world.agency.pk,
        partner.pk,
    ]
    assert (unnamed.agency, named.agency) == (world.agency, partner)


def test_an_officer_of_two_late_partners_names_the_one_writing():
    # Given two partners consulted in turn, each answering late, and an officer working in both
    world = World()
    first, second = AgencyFactory(), AgencyFactory()
    both = officer(first, "specialist")
    StaffRole.objects.create(user=both, agency=second, role="specialist")
    dossier = _consulted(world, first, answered_at=vn(2026, 3, 5, 13, 0))
    dossier = dossier_consult_agency(
        by=world.specialist, dossier=dossier, agency=second, question="Ý kiến nữa?", at=vn(2026, 3, 5, 14, 0)
    )
    dossier = dossier_forward(by=both, dossier=dossier, at=vn(2026, 3, 6, 16, 0))  # due Friday 14:00

    with pytest.raises(InvalidInput) as unnamed:
        apology_letter_draft(
            by=both, dossier=dossier, reason=REASON, new_due_at=vn(2026, 3, 13, 8, 0), at=vn(2026, 3, 6, 16, 30)
        )
    letter = apology_letter_draft(
        by=both,
        dossier=dossier,
        reason=REASON,
        new_due_at=vn(2026, 3, 13, 8, 0),
        at=vn(2026, 3, 6, 16, 30),
        agency=second,
    )

    assert (unnamed.value.code, unnamed.value.field) == ("agency_required", "agency")
    assert letter.agency == second


def test_naming_an_agency_not_at_fault_is_refused():
    # An officer of the asking agency and of a partner that answered on time names the partner.
    world = World()
    partner, _specialist, _leader = _partner()
    dossier = _consulted(world, partner, answered_at=vn(2026, 3, 2, 14, 0))
    both = officer(world.agency, "specialist")
    StaffRole.objects.create(user=both, agency=partner, role="specialist")

    with pytest.raises(TransitionRefused) as refused:
        _draft(both, dossier, agency=partner)

    assert refused.value.code == "role_required"
    assert dossier.apology_letters.count() == 0


# --- The last step is due with the dossier -----------------------------------------------------------


def test_a_letter_giving_a_period_start_leaves_the_last_step_due_with_the_dossier():
    # The specialist examines (due Friday 6 March 08:00), the leader signs last: received Monday 2 March
    # 08:00, due Monday 9 March 08:00. The letter gives Wednesday 11 March 07:30, 15.5 working hours later.
    world = World()
    template_add(world.procedure, [("Thẩm định", "specialist", None, "32"), ("Ký", "leader", None, "8")])
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    letter = apology_letter_draft(
        by=world.leader, dossier=dossier, reason="Chờ xác minh", new_due_at=vn(2026, 3, 11, 7, 30), at=vn(2026, 3, 3, 8)
    )
    apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 3, 8, 0))
    apology_letter_send(by=world.leader, letter=letter, at=vn(2026, 3, 3, 8, 0))
    dossier.refresh_from_db()
    examining = dossier.active_step
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 10, 9, 0))
    step = dossier.active_step  # the leader's, the last one

    # Tuesday 10 March 17:30: the dossier is due tomorrow 07:30, not overdue.
    row = next(
        r for r in dossier_inbox(officer=world.leader, now=vn(2026, 3, 10, 17, 30)) if r.dossier.pk == dossier.pk
    )
    dossier = dossier_issue_result(by=world.leader, dossier=dossier, text="Kết quả", at=vn(2026, 3, 10, 16, 0))
    dossier = dossier_return(by=world.front_desk, dossier=dossier, method="counter", at=vn(2026, 3, 10, 16, 30))
    step.refresh_from_db()
    examining.refresh_from_db()

    assert (row.overdue, dossier.outcome, step.outcome) == (False, "early", "early")
    assert step.due_at == dossier.due_at == vn(2026, 3, 11, 7, 30)
    # An earlier step gets its share of the span the letter gives: 32 of 40 h over 55.5 h from Monday 2 March
    # 08:00, 44.4 h, due Monday 9 March 13:54.
    assert (examining.due_at, examining.outcome) == (vn(2026, 3, 9, 13, 54), "late")


# --- Form 04 of a closed dossier -------------------------------------------------------------------


def _approved_letter(world, dossier):
    letter = apology_letter_draft(
        by=world.specialist, dossier=dossier, reason="Chờ", new_due_at=vn(2026, 3, 12, 8, 0), at=vn(2026, 3, 3, 9, 0)
    )
    return apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 3, 9, 30))


@pytest.mark.parametrize(
    "close",
    [
        lambda world, d: dossier_withdraw(
            by=world.applicant.user, dossier=d, reason="Không cần nữa", at=vn(2026, 3, 4)
        ),
        lambda world, d: dossier_stop(by=world.leader, dossier=d, reason="Không đủ điều kiện", at=vn(2026, 3, 4, 9)),
    ],
    ids=["withdrawn", "stopped"],
)
def test_form_04_is_not_offered_for_a_letter_never_sent_once_the_dossier_is_closed(close):
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    letter = _approved_letter(world, dossier)
    assert "04" in slip_kinds_for(dossier=dossier)  # to read over before sending it

    dossier = close(world, dossier)

    letter.refresh_from_db()
    assert letter.state == LetterState.APPROVED  # never sent, and can no longer be
    assert "04" not in slip_kinds_for(dossier=dossier)


def test_form_04_of_a_letter_sent_is_still_offered_once_the_dossier_is_closed():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    apology_letter_send(by=world.leader, letter=_approved_letter(world, dossier), at=vn(2026, 3, 3, 10, 0))
    dossier.refresh_from_db()

    dossier = dossier_withdraw(by=world.applicant.user, dossier=dossier, reason="Không cần nữa", at=vn(2026, 3, 4))

    assert "04" in slip_kinds_for(dossier=dossier)
    assert "04" in applicant_slip_kinds(dossier=dossier)
