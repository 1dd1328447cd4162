"""The inbox lists overdue work first, then what is due soon, then the rest; what waits on the applicant comes
last, unmarked; the cut-off keeps the most urgent and the page says how many it leaves out."""

import functools
from decimal import Decimal

import pytest
from django.urls import reverse

from chinhquyen.dossiers import selectors
from chinhquyen.dossiers.services import (
    dossier_approve,
    dossier_create_at_counter,
    dossier_forward,
    dossier_issue_result,
    dossier_receive,
    dossier_request_payment,
    dossier_submit_online,
)
from tests.catalog.factories import ProcedureFactory
from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db

NOW = vn(2026, 3, 16, 9, 0)  # Monday


def _at_front_desk(world, day):
    """Received on ``day`` of March 2026 at 08:00 (due five working days later), approved the same day: the
    front desk's step of returning the result is active, due with the dossier."""
    dossier = world.received(at=vn(2026, 3, day, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, day, 9, 0))
    return dossier_approve(by=world.leader, dossier=dossier, at=vn(2026, 3, day, 10, 0))


def test_the_front_desk_sees_overdue_work_first_and_what_waits_on_the_applicant_last():
    world = World(days=5)
    collect = world.received(at=vn(2026, 3, 2, 8, 0))  # its result is ready on the day: it waits to be collected
    collect = dossier_forward(by=world.specialist, dossier=collect, at=vn(2026, 3, 2, 9, 0))
    collect = dossier_issue_result(by=world.leader, dossier=collect, text="Kết quả", at=vn(2026, 3, 2, 10, 0))
    pay = world.received(at=vn(2026, 3, 3, 8, 0))
    pay = dossier_request_payment(by=world.specialist, dossier=pay, amount="50000", at=vn(2026, 3, 3, 9, 0))
    later = _at_front_desk(world, 13)
    soon = _at_front_desk(world, 10)
    overdue = _at_front_desk(world, 4)
    most_overdue = _at_front_desk(world, 3)
    submitted = dossier_submit_online(
        by=world.applicant.user,
        applicant=world.applicant,
        procedure=world.procedure,
        receiving_agency=world.agency,
        form_data={},
    )

    rows = selectors.dossier_inbox(officer=world.front_desk, now=NOW)

    assert [(r.dossier.pk, r.due_at, r.overdue, r.due_soon, r.waiting) for r in rows] == [
        (most_overdue.pk, vn(2026, 3, 10, 8, 0), True, False, False),
        (overdue.pk, vn(2026, 3, 11, 8, 0), True, False, False),
        (soon.pk, vn(2026, 3, 17, 8, 0), False, True, False),
        (later.pk, vn(2026, 3, 20, 8, 0), False, False, False),
        (submitted.pk, None, False, False, False),  # to receive: work, with no due date yet
        # Waiting on the applicant, by due date, with no mark: the result is ready, the payment is theirs.
        (collect.pk, vn(2026, 3, 9, 8, 0), False, False, True),
        (pay.pk, vn(2026, 3, 10, 8, 0), False, False, True),
    ]
    assert (rows.total, rows.truncated) == (7, False)


def _long_and_short(world):
    """A 30-day dossier whose first step was due long ago, and a 5-day one received later but due first."""
    long = ProcedureFactory(
        time_limit_value=Decimal(30), time_limit_unit="working_days", time_limit_text="", online_level="full"
    )
    long.agencies.add(world.agency)
    at = vn(2026, 2, 2, 8, 0)
    slow = dossier_create_at_counter(by=world.front_desk, procedure=long, applicant=world.applicant, at=at)
    slow = dossier_receive(by=world.front_desk, dossier=slow, at=at)
    recent = world.received(at=vn(2026, 3, 9, 8, 0))
    return slow, recent


def test_the_cut_off_keeps_the_step_most_overdue_though_its_dossier_is_due_later():
    world = World(days=5)
    slow, recent = _long_and_short(world)
    assert (slow.due_at, slow.active_step.due_at) == (vn(2026, 3, 23, 8, 0), vn(2026, 3, 10, 8, 0))
    assert (recent.due_at, recent.active_step.due_at) == (vn(2026, 3, 16, 8, 0), vn(2026, 3, 12, 13, 30))

    rows = selectors.dossier_inbox(officer=world.specialist, now=vn(2026, 3, 11, 9, 0), limit=1)

    assert [(r.dossier.pk, r.due_at, r.overdue) for r in rows] == [(slow.pk, vn(2026, 3, 10, 8, 0), True)]
    assert (rows.total, rows.truncated) == (2, True)


def test_a_cut_inbox_says_how_many_it_shows_and_points_to_the_search(as_user, monkeypatch):
    world = World(days=5)
    slow, recent = _long_and_short(world)
    monkeypatch.setattr(selectors, "dossier_inbox", functools.partial(selectors.dossier_inbox, limit=1))

    page = as_user(world.specialist).get(reverse("office:inbox")).content.decode()

    assert "2 dossiers wait for you." in page
    assert "Showing the 1 most urgent of 2 dossiers." in page
    assert f'<a href="{reverse("office:search")}">Search to find the others.</a>' in page
    assert slow.code in page
    assert recent.code not in page


def test_an_inbox_shown_whole_says_nothing_of_a_cut_and_counts_nothing_more(as_user, django_assert_num_queries):
    world = World(days=5)
    _long_and_short(world)

    with django_assert_num_queries(2):  # the officer's roles, then the dossiers with their joins
        rows = selectors.dossier_inbox(officer=world.specialist, now=NOW, limit=2)
    page = as_user(world.specialist).get(reverse("office:inbox")).content.decode()

    assert (len(rows), rows.total, rows.truncated) == (2, 2, False)
    assert "2 dossiers wait for you." in page
    assert "most urgent of" not in page


def test_a_result_waiting_to_be_collected_says_so_on_the_page(as_user):
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 9, 0))
    dossier_issue_result(by=world.leader, dossier=dossier, text="Kết quả", at=vn(2026, 3, 2, 10, 0))

    page = as_user(world.front_desk).get(reverse("office:inbox")).content.decode()

    assert "Waiting for the applicant" in page
    assert "Overdue" not in page
