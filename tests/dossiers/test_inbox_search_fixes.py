"""Inbox and search fixes from audit A6: ID numbers typed in groups, the earlier of the step's and the dossier's
due date, dossiers waiting on the applicant listed as waiting, and one search order on every database."""

import pytest

from chinhquyen.dossiers.models import Dossier, DossierStatus, DossierStep
from chinhquyen.dossiers.selectors import dossier_inbox, dossier_search
from chinhquyen.dossiers.services import (
    dossier_consult_agency,
    dossier_create_at_counter,
    dossier_forward,
    dossier_receive,
    dossier_request_payment,
    dossier_request_supplement,
)
from tests.dossiers.factories import AgencyFactory, CitizenFactory, World, officer, vn

pytestmark = pytest.mark.django_db


def _grouped(digits: str) -> str:
    return " ".join(digits[i : i + 3] for i in range(0, len(digits), 3))


def _full_width(digits: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in digits)


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param(lambda pid: pid, id="as-stored"),
        pytest.param(_grouped, id="in-groups"),
        pytest.param(_full_width, id="full-width"),
        pytest.param(lambda pid: f"  {_grouped(_full_width(pid))} ", id="full-width-in-groups"),
    ],
)
def test_search_finds_an_id_number_however_it_is_typed(typed):
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    someone_else = CitizenFactory()
    dossier_receive(
        by=world.front_desk,
        dossier=dossier_create_at_counter(by=world.front_desk, procedure=world.procedure, applicant=someone_else),
        at=vn(2026, 3, 2, 9, 0),
    )

    found = dossier_search(officer=world.leader, applicant=typed(world.applicant.personal_id))

    assert found == [dossier]


def test_search_finds_a_tax_code_typed_in_groups():
    world = World()
    world.applicant.tax_code = "0101234567"
    world.applicant.save()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    assert dossier_search(officer=world.leader, applicant="010 123 4567") == [dossier]


def test_search_still_finds_words_of_the_applicants_name():
    world = World()
    world.applicant.name = "Đặng Thị Hồng"
    world.applicant.save()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    assert dossier_search(officer=world.leader, applicant="dang hong") == [dossier]


def _answered_late(world: World):
    """Received Monday 2 March 08:00 with two days (due Wednesday 4 March 08:00), sent to a partner for an opinion
    in one day (an answer due after the dossier is refused) and answered late, on Thursday 5 March: the asking step
    is now due after the dossier."""
    partner = AgencyFactory()
    partner_specialist = officer(partner, "specialist")
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_consult_agency(
        by=world.specialist,
        dossier=dossier,
        agency=partner,
        question="Ý kiến?",
        answer_days=1,
        at=vn(2026, 3, 2, 9, 0),
    )
    dossier = dossier_forward(by=partner_specialist, dossier=dossier, at=vn(2026, 3, 5, 16, 0))
    dossier.refresh_from_db()
    return dossier


def test_inbox_marks_and_sorts_a_dossier_past_its_legal_due_date_though_its_step_is_due_later():
    world = World(days=2)
    late = _answered_late(world)
    assert late.due_at == vn(2026, 3, 4, 8, 0)
    assert late.active_step.due_at > late.due_at
    fresh = world.received(at=vn(2026, 3, 5, 8, 0))  # due Monday 9 March, not overdue

    rows = dossier_inbox(officer=world.specialist, now=vn(2026, 3, 5, 16, 30))

    assert [(r.dossier.pk, r.due_at, r.overdue, r.waiting) for r in rows] == [
        (late.pk, vn(2026, 3, 4, 8, 0), True, False),
        (fresh.pk, fresh.active_step.due_at, False, False),
    ]
    assert rows[0].step == late.active_step


def test_inbox_uses_the_steps_due_date_when_the_dossier_has_none():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    step_due = dossier.active_step.due_at
    Dossier.objects.filter(pk=dossier.pk).update(due_at=None)

    [row] = dossier_inbox(officer=world.specialist, now=vn(2026, 3, 20, 9, 0))

    assert (row.due_at, row.overdue) == (step_due, True)


def test_inbox_uses_the_dossiers_due_date_when_the_step_has_none():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    DossierStep.objects.filter(pk=dossier.active_step_id).update(due_at=None)

    [row] = dossier_inbox(officer=world.specialist, now=vn(2026, 3, 20, 9, 0))

    assert (row.due_at, row.overdue) == (vn(2026, 3, 9, 8, 0), True)


def test_a_dossier_waiting_for_documents_after_reception_is_the_step_holders_waiting_row():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["Giấy xác nhận"], reason="Thiếu giấy", at=vn(2026, 3, 2, 9, 0)
    )
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    now = vn(2026, 3, 20, 9, 0)  # long past the due date the paused clock will move

    rows = {user: dossier_inbox(officer=user, now=now) for user in (world.specialist, world.leader, world.front_desk)}

    [row] = rows[world.specialist]
    assert (row.dossier.pk, row.step, row.due_at, row.overdue, row.due_soon, row.waiting) == (
        dossier.pk,
        dossier.active_step,
        vn(2026, 3, 9, 8, 0),
        False,
        False,
        True,
    )
    assert (rows[world.leader], rows[world.front_desk]) == ([], [])


def test_a_dossier_waiting_for_documents_before_reception_is_the_front_desks_waiting_row():
    world = World()
    draft = world.draft(at=vn(2026, 3, 2, 8, 0))
    draft = dossier_request_supplement(
        by=world.front_desk, dossier=draft, items=["Giấy xác nhận"], reason="Thiếu giấy", at=vn(2026, 3, 2, 9, 0)
    )
    assert draft.status == DossierStatus.SUPPLEMENT_REQUESTED

    desk = dossier_inbox(officer=world.front_desk, now=vn(2026, 3, 2, 10, 0))

    assert [(r.dossier.pk, r.step, r.due_at, r.overdue, r.waiting) for r in desk] == [
        (draft.pk, None, None, False, True)
    ]
    assert dossier_inbox(officer=world.specialist, now=vn(2026, 3, 2, 10, 0)) == []


def test_a_payment_asked_for_waits_in_the_step_holders_inbox_and_the_front_desks():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_request_payment(by=world.specialist, dossier=dossier, amount="50000", at=vn(2026, 3, 2, 9, 0))
    now = vn(2026, 3, 20, 9, 0)

    specialist = dossier_inbox(officer=world.specialist, now=now)
    desk = dossier_inbox(officer=world.front_desk, now=now)

    assert [(r.dossier.pk, r.step, r.overdue, r.waiting) for r in specialist] == [
        (dossier.pk, dossier.active_step, False, True)
    ]
    # The front desk confirms the payment: its row names no step (the step is the specialist's).
    assert [(r.dossier.pk, r.step, r.overdue, r.waiting) for r in desk] == [(dossier.pk, None, False, True)]
    assert dossier_inbox(officer=world.leader, now=now) == []


def test_waiting_rows_come_after_the_work():
    world = World()
    waiting = world.received(at=vn(2026, 3, 2, 8, 0))
    waiting = dossier_request_supplement(
        by=world.specialist, dossier=waiting, items=["Giấy xác nhận"], reason="Thiếu giấy", at=vn(2026, 3, 2, 9, 0)
    )
    work = world.received(at=vn(2026, 3, 10, 8, 0))

    rows = dossier_inbox(officer=world.specialist, now=vn(2026, 3, 10, 9, 0))

    assert [(r.dossier.pk, r.waiting) for r in rows] == [(work.pk, False), (waiting.pk, True)]


def test_search_lists_unreceived_dossiers_last_on_every_database():
    world = World()
    old = world.received(at=vn(2026, 3, 2, 8, 0))
    new = world.received(at=vn(2026, 3, 3, 8, 0))
    draft = world.draft()  # not received: received_at is NULL
    later_draft = world.draft()

    assert dossier_search(officer=world.leader) == [new, old, later_draft, draft]
