"""A public holiday declared (or removed) after reception re-times the open dossiers whose limit is in calendar days:
such limits do not count public holidays (spec §4), so a new one inside the limit adds a day, as a fresh reception
on the new calendar would count it."""

from datetime import date

import pytest

from chinhquyen.dossiers.models import Dossier
from chinhquyen.workcal.models import DateOverride, OverrideKind
from chinhquyen.workcal.services import date_override_add
from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db

RECEIVED = vn(2026, 11, 25, 9, 0)  # Wednesday, after Culture Day: 7 calendar days are 26 November-2 December
DUE = vn(2026, 12, 2, 9, 0)


def _due(dossier: Dossier):
    return Dossier.objects.get(pk=dossier.pk).due_at


def _holiday(day: date) -> DateOverride:
    return date_override_add(date=day, kind=OverrideKind.HOLIDAY, reason="Nghị quyết của Quốc hội")


@pytest.mark.parametrize(
    ("holiday", "due"),
    [
        pytest.param(date(2026, 11, 30), vn(2026, 12, 3, 9, 0), id="monday-inside-the-limit"),
        pytest.param(date(2026, 11, 28), vn(2026, 12, 3, 9, 0), id="saturday-inside-the-limit"),
        pytest.param(date(2026, 11, 26), vn(2026, 12, 3, 9, 0), id="first-day-counted"),
        pytest.param(date(2026, 12, 2), vn(2026, 12, 3, 9, 0), id="on-the-due-date"),
        pytest.param(date(2026, 12, 3), DUE, id="after-the-due-date"),
    ],
)
def test_a_public_holiday_declared_inside_a_calendar_day_limit_adds_a_day(holiday, due):
    world = World(days=7, unit="days")
    dossier = world.received(at=RECEIVED)
    assert _due(dossier) == DUE

    _holiday(holiday)

    assert _due(dossier) == due
    # As a dossier received on the new calendar is given.
    assert world.received(at=RECEIVED).due_at == due


def test_a_public_holiday_declared_on_a_weekend_after_the_due_date_changes_nothing():
    world = World(days=7, unit="days")
    dossier = world.received(at=RECEIVED)

    _holiday(date(2026, 12, 5))

    assert _due(dossier) == DUE


def test_removing_the_public_holiday_gives_the_day_back():
    world = World(days=7, unit="days")
    dossier = world.received(at=RECEIVED)
    override = _holiday(date(2026, 11, 30))
    assert _due(dossier) == vn(2026, 12, 3, 9, 0)

    override.delete()

    assert _due(dossier) == DUE


def test_a_public_holiday_that_pushes_the_due_date_onto_a_weekend_moves_it_to_monday():
    world = World(days=9, unit="days")  # 26 November-4 December: Friday 4 December 09:00
    dossier = world.received(at=RECEIVED)
    assert _due(dossier) == vn(2026, 12, 4, 9, 0)

    _holiday(date(2026, 11, 30))

    # Saturday 5 December: the next working day.
    assert _due(dossier) == vn(2026, 12, 7, 9, 0)
    assert world.received(at=RECEIVED).due_at == vn(2026, 12, 7, 9, 0)


def test_a_limit_in_months_counts_every_day_and_keeps_its_date():
    world = World(days=1, unit="months")  # Friday 25 December 09:00
    dossier = world.received(at=RECEIVED)
    assert _due(dossier) == vn(2026, 12, 25, 9, 0)

    _holiday(date(2026, 11, 30))

    assert _due(dossier) == vn(2026, 12, 25, 9, 0)


def test_a_public_holiday_added_by_a_holidays_release_adds_a_day(monkeypatch):
    from chinhquyen.workcal.services import library_days_reconcile
    from tests.workcal.holidays_release import holidays_release

    holidays_release(monkeypatch, version="0.109")
    library_days_reconcile(today=date(2026, 11, 24))
    world = World(days=7, unit="days")
    dossier = world.received(at=RECEIVED)

    holidays_release(monkeypatch, version="0.110", added={date(2026, 11, 30): "Ngày lễ mới"})
    library_days_reconcile(today=date(2026, 11, 24))

    assert _due(dossier) == vn(2026, 12, 3, 9, 0)
