"""An apology letter awaiting its leader (to approve, then to send by the working day before the due date) is a
row of that leader's inbox, once per dossier, linking to the letter's action."""

from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from chinhquyen.dossiers import selectors
from chinhquyen.dossiers.models import LetterState
from chinhquyen.dossiers.services import (
    apology_letter_approve,
    apology_letter_draft,
    apology_letter_send,
    dossier_forward,
    dossier_request_payment,
)
from chinhquyen.workcal.engine import TZ
from tests.dossiers.factories import AgencyFactory, World, officer, vn

pytestmark = pytest.mark.django_db

# The last instant of Friday 6 March 2026: the letter of a dossier due Monday 9 March must be sent by then.
FRIDAY_END = vn(2026, 3, 6).replace(hour=23, minute=59, second=59, microsecond=999999)


def _drafted(world: World):
    """Received Monday 2 March 08:00 with five days (due Monday 9 March 08:00); a letter drafted on Thursday."""
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    letter = apology_letter_draft(
        by=world.specialist,
        dossier=dossier,
        reason="Cần xác minh",
        new_due_at=vn(2026, 3, 20, 8, 0),
        at=vn(2026, 3, 5, 9, 0),
    )
    return dossier, letter


def test_a_letter_to_approve_is_a_row_of_the_leaders_inbox_due_by_the_send_by_day():
    world = World(days=5)
    dossier, letter = _drafted(world)
    assert selectors.apology_letter_send_by(letter=letter, dossier=dossier).isoformat() == "2026-03-06"

    rows = selectors.dossier_inbox(officer=world.leader, now=vn(2026, 3, 5, 10, 0))

    assert [(r.dossier.pk, r.letter, r.step, r.due_at, r.overdue, r.due_soon, r.waiting) for r in rows] == [
        (dossier.pk, letter, None, FRIDAY_END, False, False, False)
    ]
    assert FRIDAY_END.astimezone(TZ).time() == time.max
    # Nobody else may approve it: the specialist's row is the step's, without the letter.
    [mine] = selectors.dossier_inbox(officer=world.specialist, now=vn(2026, 3, 5, 10, 0))
    assert (mine.letter, mine.step) == (None, dossier.active_step)


@pytest.mark.parametrize(
    ("now", "due_soon", "overdue"),
    [
        pytest.param(vn(2026, 3, 6, 9, 0), True, False, id="on-the-send-by-day"),
        pytest.param(vn(2026, 3, 6, 23, 0), True, False, id="late-on-the-send-by-day"),
        pytest.param(vn(2026, 3, 9, 7, 0), False, True, id="the-day-after"),
    ],
)
def test_an_approved_letter_is_to_send_and_overdue_once_its_day_is_past(now, due_soon, overdue):
    world = World(days=5)
    dossier, letter = _drafted(world)
    apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 5, 10, 0))

    [row] = selectors.dossier_inbox(officer=world.leader, now=now)

    assert (row.dossier.pk, row.letter.pk, row.letter.state, row.due_at) == (
        dossier.pk,
        letter.pk,
        LetterState.APPROVED,
        FRIDAY_END,
    )
    assert (row.due_soon, row.overdue) == (due_soon, overdue)


def test_a_sent_letter_leaves_the_inbox():
    world = World(days=5)
    _dossier, letter = _drafted(world)
    apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 5, 10, 0))
    apology_letter_send(by=world.leader, letter=letter, at=vn(2026, 3, 5, 11, 0))

    assert selectors.dossier_inbox(officer=world.leader, now=vn(2026, 3, 5, 12, 0)) == []


def test_the_leaders_own_step_and_a_letter_make_one_row_due_at_the_earlier():
    world = World(days=5)
    dossier, letter = _drafted(world)
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 5, 9, 30))
    step = dossier.active_step
    assert step.role == "leader"

    rows = selectors.dossier_inbox(officer=world.leader, now=vn(2026, 3, 5, 10, 0))

    assert [(r.dossier.pk, r.letter, r.step, r.due_at) for r in rows] == [
        (dossier.pk, letter, step, min(step.due_at, FRIDAY_END))
    ]


def test_a_letter_of_another_agency_or_while_the_clock_is_paused():
    world = World(days=5)
    dossier, letter = _drafted(world)
    other = AgencyFactory()
    other_leader = officer(other, "leader")
    assert selectors.dossier_inbox(officer=other_leader, now=vn(2026, 3, 5, 10, 0)) == []

    # Paused for a payment: the due date will move, so the letter is undated and waits with the dossier.
    dossier = dossier_request_payment(by=world.specialist, dossier=dossier, amount="10000", at=vn(2026, 3, 5, 9, 30))
    rows = selectors.dossier_inbox(officer=world.leader, now=vn(2026, 3, 20, 10, 0))

    assert [(r.dossier.pk, r.letter, r.due_at, r.overdue, r.waiting) for r in rows] == [
        (dossier.pk, letter, None, False, True)
    ]


def test_letters_cost_the_leader_one_query_and_nobody_else_any(django_assert_num_queries):
    world = World(days=5)
    for _ in range(3):
        _drafted(world)

    with django_assert_num_queries(3):  # roles, letters, dossiers
        leader = selectors.dossier_inbox(officer=world.leader, now=vn(2026, 3, 5, 10, 0))
    with django_assert_num_queries(2):  # roles, dossiers
        selectors.dossier_inbox(officer=world.specialist, now=vn(2026, 3, 5, 10, 0))

    assert len(leader) == 3


def test_the_page_labels_the_letter_and_links_to_its_action(as_user, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: vn(2026, 3, 5, 10, 0))  # before the letter's last day
    world = World(days=5)
    dossier, letter = _drafted(world)
    approve = f"{reverse('office:dossier_action', args=[dossier.pk, 'letter_approve'])}?letter={letter.pk}"

    page = as_user(world.leader).get(reverse("office:inbox")).content.decode()

    assert f'<a href="{approve}">Apology letter to approve</a>' in page
    assert "1 dossier waits for you." in page

    apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 5, 10, 0))
    send = f"{reverse('office:dossier_action', args=[dossier.pk, 'letter_send'])}?letter={letter.pk}"
    page = as_user(world.leader).get(reverse("office:inbox")).content.decode()

    assert f'<a href="{send}">Apology letter to send</a>' in page
