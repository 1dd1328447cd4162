"""A letter that could no longer be sent in time (by the working day before the due date) is neither drafted nor
approved, except while the clock waits on the applicant; one left unsent is withdrawn by the leader of its agency;
and a new due date must add working time, not only calendar time."""

import pytest
from django.utils.translation import gettext

from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.models import AuditEntry
from chinhquyen.dossiers import selectors
from chinhquyen.dossiers.documents import slip_data_for
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import ApologyLetter, LetterState
from chinhquyen.dossiers.services import (
    apology_letter_approve,
    apology_letter_draft,
    apology_letter_send,
    apology_letter_withdraw,
    dossier_request_supplement,
    dossier_withdraw,
)
from tests.dossiers.factories import AgencyFactory, World, officer, supplement_send, vn

pytestmark = pytest.mark.django_db

# Received Monday 2 March 2026 08:00 with five working days: due Monday 9 March 08:00, a letter sent by Friday 6.
RECEIVED = vn(2026, 3, 2, 8, 0)
TOO_LATE = (
    "The letter must be sent at least one working day before the due date, 09/03/2026 08:00: "
    "by 06/03/2026 at the latest."
)


def _draft(world, dossier, *, at, new_due_at=None, by=None):
    return apology_letter_draft(
        by=by or world.specialist,
        dossier=dossier,
        reason="Chờ ý kiến",
        new_due_at=new_due_at or vn(2026, 3, 20, 8, 0),
        at=at,
    )


# --- Drafting and approving end with the last day a letter could be sent -------------------------------------


def test_a_letter_is_drafted_and_approved_on_the_last_day_it_could_be_sent():
    world = World()
    dossier = world.received(at=RECEIVED)

    letter = _draft(world, dossier, at=vn(2026, 3, 6, 16, 59))
    letter = apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 6, 23, 59))

    assert letter.state == LetterState.APPROVED


@pytest.mark.parametrize(
    "at",
    [vn(2026, 3, 7, 10, 0), vn(2026, 3, 9, 7, 0), vn(2026, 3, 10, 9, 0)],
    ids=["the-saturday-after", "the-due-date-before-opening", "once-overdue"],
)
def test_a_letter_drafted_after_that_day_is_refused_as_too_late(at):
    world = World()
    dossier = world.received(at=RECEIVED)

    with pytest.raises(TransitionRefused) as info:
        _draft(world, dossier, at=at)

    assert (info.value.code, info.value.message) == ("letter_too_late", TOO_LATE)
    dossier.refresh_from_db()
    assert (ApologyLetter.objects.filter(dossier=dossier).count(), dossier.version) == (0, 1)


def test_a_draft_approved_after_that_day_is_refused_as_too_late():
    world = World()
    dossier = world.received(at=RECEIVED)
    letter = _draft(world, dossier, at=vn(2026, 3, 5, 9, 0))

    with pytest.raises(TransitionRefused) as info:
        apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 9, 9, 0))

    assert (info.value.code, info.value.message) == ("letter_too_late", TOO_LATE)
    letter.refresh_from_db()
    assert (letter.state, letter.approved_by) == (LetterState.DRAFT, None)


def test_while_the_clock_waits_on_the_applicant_a_letter_is_drafted_and_approved_past_the_old_day():
    # Documents asked for on Thursday 5 March: the due date moves when they come, so the old day does not bind.
    world = World()
    dossier = world.received(at=RECEIVED)
    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["CCCD"], reason="Thiếu", at=vn(2026, 3, 5, 10, 0)
    )

    letter = _draft(world, dossier, at=vn(2026, 3, 9, 9, 0))
    letter = apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 9, 10, 0))

    assert letter.state == LetterState.APPROVED
    # Supplied on Tuesday 10 March 10:00 (due Thursday 12 March 08:00), the letter is sent by Wednesday 11.
    dossier = supplement_send(world, dossier, at=vn(2026, 3, 10, 10, 0))
    letter = apology_letter_send(by=world.leader, letter=letter, at=vn(2026, 3, 11, 16, 0))
    dossier.refresh_from_db()
    assert (letter.state, letter.old_due_at, dossier.due_at) == (
        LetterState.SENT,
        vn(2026, 3, 12, 8, 0),
        vn(2026, 3, 20, 8, 0),
    )


def test_the_agencies_an_officer_may_draft_for_are_judged_at_the_time_given():
    world = World()
    dossier = world.received(at=RECEIVED)

    assert selectors.letter_agencies_for(dossier=dossier, user=world.specialist, at=vn(2026, 3, 6, 9, 0)) == [
        world.agency
    ]
    assert selectors.letter_agencies_for(dossier=dossier, user=world.specialist, at=vn(2026, 3, 9, 9, 0)) == []


# --- The way out: the leader withdraws a letter left unsent ---------------------------------------------------


@pytest.mark.parametrize("approved", [False, True], ids=["draft", "approved"])
def test_the_leader_withdraws_a_letter_that_can_no_longer_be_sent(approved):
    world = World()
    dossier = world.received(at=RECEIVED)
    letter = _draft(world, dossier, at=vn(2026, 3, 5, 9, 0))
    if approved:
        letter = apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 5, 10, 0))
    assert [row.letter for row in selectors.dossier_inbox(officer=world.leader, now=vn(2026, 3, 10, 8, 0))] == [letter]

    letter = apology_letter_withdraw(
        by=world.leader, letter=letter, reason="Quá hạn gửi phiếu", at=vn(2026, 3, 10, 9, 0)
    )

    letter.refresh_from_db()
    dossier.refresh_from_db()
    assert letter.state == LetterState.WITHDRAWN
    assert (dossier.due_at, dossier.extended_at) == (vn(2026, 3, 9, 8, 0), None)
    event = dossier.events.order_by("-pk").first()
    assert (event.action, event.actor, event.at, event.reason, event.data, event.internal) == (
        "letter_withdraw",
        world.leader,
        vn(2026, 3, 10, 9, 0),
        "Quá hạn gửi phiếu",
        {"letter": letter.pk},
        True,
    )
    entry = AuditEntry.objects.filter(action="dossier.letter_withdraw").get()
    assert (entry.actor, entry.target) == (world.leader, f"dossier:{dossier.pk}")
    # Out of the leader's inbox, where it sat overdue.
    assert selectors.dossier_inbox(officer=world.leader, now=vn(2026, 3, 10, 10, 0)) == []


def test_a_withdrawn_letter_makes_room_for_a_new_one_in_time():
    world = World()
    dossier = world.received(at=RECEIVED)
    first = _draft(world, dossier, at=vn(2026, 3, 3, 9, 0), new_due_at=vn(2026, 3, 10, 8, 0))
    apology_letter_withdraw(by=world.leader, letter=first, reason="Sai ngày hẹn", at=vn(2026, 3, 3, 10, 0))

    second = _draft(world, dossier, at=vn(2026, 3, 3, 11, 0))
    second = apology_letter_approve(by=world.leader, letter=second, at=vn(2026, 3, 4, 9, 0))
    second = apology_letter_send(by=world.leader, letter=second, at=vn(2026, 3, 4, 10, 0))

    dossier.refresh_from_db()
    assert (second.state, dossier.due_at) == (LetterState.SENT, vn(2026, 3, 20, 8, 0))
    first.refresh_from_db()
    assert first.state == LetterState.WITHDRAWN


def test_a_withdrawn_letter_is_never_form_04():
    world = World()
    dossier = world.received(at=RECEIVED)
    kept = _draft(world, dossier, at=vn(2026, 3, 3, 9, 0), new_due_at=vn(2026, 3, 16, 8, 0))
    withdrawn = _draft(world, dossier, at=vn(2026, 3, 3, 10, 0))
    apology_letter_withdraw(by=world.leader, letter=withdrawn, reason="Trùng phiếu", at=vn(2026, 3, 3, 11, 0))

    data = slip_data_for(dossier=dossier, kind="04")

    assert (data["new_due_at"], "04" in selectors.slip_kinds_for(dossier=dossier)) == (kept.new_due_at, True)
    apology_letter_withdraw(by=world.leader, letter=kept, reason="Không cần gia hạn", at=vn(2026, 3, 3, 12, 0))
    assert "04" not in selectors.slip_kinds_for(dossier=dossier)
    with pytest.raises(ValueError, match="has no apology letter"):
        slip_data_for(dossier=dossier, kind="04")


def test_a_sent_letter_is_not_withdrawn():
    world = World()
    dossier = world.received(at=RECEIVED)
    letter = _draft(world, dossier, at=vn(2026, 3, 3, 9, 0))
    letter = apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 3, 10, 0))
    letter = apology_letter_send(by=world.leader, letter=letter, at=vn(2026, 3, 4, 9, 0))

    with pytest.raises(TransitionRefused) as info:
        apology_letter_withdraw(by=world.leader, letter=letter, reason="Nhầm", at=vn(2026, 3, 4, 10, 0))

    assert (info.value.code, info.value.message) == (
        "letter_state",
        gettext("This letter was sent to the applicant: it can no longer be withdrawn."),
    )
    letter.refresh_from_db()
    assert letter.state == LetterState.SENT


def test_a_withdrawn_letter_is_neither_approved_sent_nor_withdrawn_again():
    world = World()
    dossier = world.received(at=RECEIVED)
    letter = _draft(world, dossier, at=vn(2026, 3, 3, 9, 0))
    apology_letter_withdraw(by=world.leader, letter=letter, reason="Sai lý do", at=vn(2026, 3, 3, 10, 0))

    refused = []
    for act in (apology_letter_approve, apology_letter_send):
        with pytest.raises(TransitionRefused) as info:
            act(by=world.leader, letter=letter, at=vn(2026, 3, 3, 11, 0))
        refused.append(info.value.code)
    with pytest.raises(TransitionRefused) as again:
        apology_letter_withdraw(by=world.leader, letter=letter, reason="Lần nữa", at=vn(2026, 3, 3, 11, 0))

    assert refused == ["letter_state", "letter_state"]
    assert (again.value.code, again.value.message) == (
        "letter_state",
        gettext("This letter has been withdrawn already."),
    )


def test_only_the_leader_of_the_letters_agency_withdraws_it_with_a_reason():
    world = World()
    dossier = world.received(at=RECEIVED)
    letter = _draft(world, dossier, at=vn(2026, 3, 3, 9, 0))
    stranger = officer(AgencyFactory(), "leader")

    codes = []
    for by in (world.specialist, stranger):
        with pytest.raises(TransitionRefused) as info:
            apology_letter_withdraw(by=by, letter=letter, reason="Rút", at=vn(2026, 3, 3, 10, 0))
        codes.append(info.value.code)
    with pytest.raises(InvalidInput) as blank:
        apology_letter_withdraw(by=world.leader, letter=letter, reason="  ", at=vn(2026, 3, 3, 10, 0))

    assert codes == ["role_required", "role_required"]
    assert (blank.value.code, blank.value.field) == ("reason_required", "reason")
    letter.refresh_from_db()
    assert letter.state == LetterState.DRAFT


def test_a_letter_of_a_closed_dossier_is_not_withdrawn():
    world = World()
    dossier = world.received(at=RECEIVED)
    letter = _draft(world, dossier, at=vn(2026, 3, 3, 9, 0))
    dossier_withdraw(by=world.front_desk, dossier=dossier, reason="Công dân rút", at=vn(2026, 3, 3, 9, 30))

    with pytest.raises(TransitionRefused) as info:
        apology_letter_withdraw(by=world.leader, letter=letter, reason="Rút", at=vn(2026, 3, 3, 10, 0))

    assert info.value.code == "transition_not_allowed"


# --- A new due date must add working time -----------------------------------------------------------------------


def _due_friday_evening(world):
    """Received Friday 27 February 2026 17:00: due Friday 6 March 17:00, a letter sent by Thursday 5 March."""
    dossier = world.received(at=vn(2026, 2, 27, 17, 0))
    assert dossier.due_at == vn(2026, 3, 6, 17, 0)
    return dossier


NO_TIME = (
    "The new due date, 09/03/2026 07:30, adds no working time to the current due date, 06/03/2026 17:00: only "
    "hours outside working time lie between them. Choose a later date."
)


def test_a_new_due_date_adding_no_working_time_is_refused_at_drafting():
    # Friday 17:00 to Monday 07:30: later by the calendar, not one working minute more.
    world = World()
    dossier = _due_friday_evening(world)

    with pytest.raises(InvalidInput) as info:
        _draft(world, dossier, at=vn(2026, 3, 4, 9, 0), new_due_at=vn(2026, 3, 9, 7, 30))

    assert (info.value.code, info.value.field, info.value.message) == ("letter_adds_no_time", "new_due_at", NO_TIME)
    assert not ApologyLetter.objects.filter(dossier=dossier).exists()
    # One working minute more is an extension.
    letter = _draft(world, dossier, at=vn(2026, 3, 4, 9, 0), new_due_at=vn(2026, 3, 9, 7, 31))
    assert letter.new_due_at == vn(2026, 3, 9, 7, 31)


def test_over_the_lunch_break_no_working_time_is_added_either():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 11, 30))  # due Monday 9 March 11:30

    with pytest.raises(InvalidInput) as info:
        _draft(world, dossier, at=vn(2026, 3, 4, 9, 0), new_due_at=vn(2026, 3, 9, 13, 0))

    assert info.value.code == "letter_adds_no_time"


def test_a_letter_a_supplement_left_adding_no_working_time_is_refused_at_sending():
    # Due Monday 9 March 11:30; the letter gives Thursday 12 March 13:00, three working days more.
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 11, 30))
    letter = _draft(world, dossier, at=vn(2026, 3, 2, 14, 0), new_due_at=vn(2026, 3, 12, 13, 0))
    letter = apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 2, 15, 0))
    # Documents asked for on Tuesday 3 March 10:00 and supplied on Friday 6 March 10:00: due Thursday 12, 11:30.
    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["CCCD"], reason="Thiếu", at=vn(2026, 3, 3, 10, 0)
    )
    dossier = supplement_send(world, dossier, at=vn(2026, 3, 6, 10, 0))
    assert dossier.due_at == vn(2026, 3, 12, 11, 30)

    with pytest.raises(TransitionRefused) as info:
        apology_letter_send(by=world.leader, letter=letter, at=vn(2026, 3, 10, 9, 0))

    assert (info.value.code, info.value.message) == (
        "letter_adds_no_time",
        "The due date has moved to 12/03/2026 11:30 since this letter was drafted, so the letter's new date, "
        "12/03/2026 13:00, no longer adds working time to it. Draft a new letter with a later date.",
    )
    letter.refresh_from_db()
    dossier.refresh_from_db()
    assert (letter.state, dossier.due_at, dossier.extended_at) == (LetterState.APPROVED, vn(2026, 3, 12, 11, 30), None)
