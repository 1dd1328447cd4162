"""Due dates on the spec's edge cases (§4)."""

from decimal import Decimal

import pytest

from chinhquyen.dossiers.models import DossierEvent, DossierStatus
from chinhquyen.dossiers.services import (
    dossier_request_supplement,
    dossier_supplement_provided,
)
from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db


def test_friday_afternoon_one_working_day_is_due_monday_same_time():
    world = World(days=1)

    dossier = world.received(at=vn(2026, 3, 6, 16, 30))  # Friday

    assert dossier.due_at == vn(2026, 3, 9, 16, 30)


def test_same_day_procedure_received_after_15_counts_from_next_morning():
    world = World(days=4, unit="working_hours")

    dossier = world.received(at=vn(2026, 3, 3, 15, 30))

    assert dossier.due_at == vn(2026, 3, 4, 11, 30)
    assert DossierEvent.objects.get(dossier=dossier, action="receive").data["counting_from"] == (
        "2026-03-04T07:30:00+07:00"
    )


def test_eight_hour_procedure_received_after_15_counts_from_next_morning():
    world = World(days=8, unit="working_hours")

    dossier = world.received(at=vn(2026, 3, 3, 15, 30))

    assert dossier.due_at == vn(2026, 3, 4, 17, 0)


def test_same_day_procedure_received_before_15_counts_from_now():
    world = World(days=2, unit="working_hours")

    dossier = world.received(at=vn(2026, 3, 3, 14, 0))

    assert dossier.due_at == vn(2026, 3, 3, 16, 0)


def test_received_after_closing_counts_from_next_working_morning():
    world = World(days=1)

    dossier = world.received(at=vn(2026, 3, 6, 18, 0))  # Friday evening

    assert dossier.due_at == vn(2026, 3, 9, 17, 0)  # Monday 07:30 + 8 h


def test_calendar_days_never_fall_due_on_a_day_off():
    world = World(days=5, unit="days")

    dossier = world.received(at=vn(2026, 3, 2, 9, 0))  # Monday + 5 calendar days = Saturday

    assert dossier.due_at == vn(2026, 3, 9, 9, 0)


def test_procedure_without_limit_gets_no_due_date_and_says_so():
    world = World(days=None)

    dossier = world.received(at=vn(2026, 3, 2, 9, 0))

    assert dossier.due_at is None
    assert list(dossier.steps.values_list("due_at", flat=True)) == [None, None, None]
    event = DossierEvent.objects.get(dossier=dossier, action="receive")
    assert event.data["note"] == "The procedure has no time limit in working time: no due date is set."


def test_supplement_pause_extends_due_and_remaining_steps_by_paused_working_time():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    steps_before = dict(dossier.steps.values_list("role", "due_at"))

    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["Bản sao CCCD"], reason="Thiếu", at=vn(2026, 3, 3, 10, 0)
    )
    assert (dossier.status, dossier.paused_at) == (DossierStatus.SUPPLEMENT_REQUESTED, vn(2026, 3, 3, 10, 0))
    dossier = dossier_supplement_provided(by=world.applicant.user, dossier=dossier, at=vn(2026, 3, 4, 10, 0))

    # Tuesday 10:00 to Wednesday 10:00 is 8 working hours: everything moves one working day.
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.paused_at is None
    assert dossier.due_at == vn(2026, 3, 10, 8, 0)
    assert dossier.original_due_at == vn(2026, 3, 9, 8, 0)
    assert dict(dossier.steps.values_list("role", "due_at")) == {
        "specialist": vn(2026, 3, 6, 13, 30),
        "leader": vn(2026, 3, 9, 13, 30),
        "front_desk": vn(2026, 3, 10, 8, 0),
    }
    assert steps_before["specialist"] == vn(2026, 3, 5, 13, 30)
    event = DossierEvent.objects.get(dossier=dossier, action="supplement_provided")
    assert event.data["paused_hours"] == 8.0


def test_pause_outside_working_hours_keeps_the_due_date():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["x"], reason="r", at=vn(2026, 3, 6, 17, 30)
    )
    dossier = dossier_supplement_provided(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 9, 7, 0))

    assert dossier.due_at == vn(2026, 3, 9, 8, 0)
    assert Decimal(DossierEvent.objects.get(dossier=dossier, action="supplement_provided").data["paused_hours"]) == 0
