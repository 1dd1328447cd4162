"""Parts of a day or month count from the raw point, not from a day moved off; limits no calendar can count
are refused in the catalog and received without a due date."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from chinhquyen.catalog.models import Procedure, time_limit_in_working_hours
from chinhquyen.catalog.selectors import TimeLimit
from chinhquyen.dossiers.deadlines import dossier_due
from chinhquyen.dossiers.models import DossierEvent
from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db  # the working calendar is read from the database

TOO_LONG = "This time limit is too long: the platform counts limits of up to 5 years."
BEYOND = "The time limit runs past the years the working calendar covers (up to 2100): no due date is set."


def _saved_anyway(value: int, unit: str) -> World:
    """A world whose procedure's limit was written without the catalog's checks (an old row, a raw update)."""
    world = World()
    hours = time_limit_in_working_hours(Decimal(value), unit)
    Procedure.objects.filter(pk=world.procedure.pk).update(
        time_limit_value=value, time_limit_unit=unit, time_limit_hours=hours
    )
    world.procedure.refresh_from_db()
    return world


@pytest.mark.parametrize(
    ("text", "value", "unit", "received", "due"),
    [
        # One month is Saturday 10 October, 15 days more Sunday 25 October: Monday 26 October.
        pytest.param(
            "1,5 tháng", "1.5", "months", vn(2026, 9, 10, 9, 0), vn(2026, 10, 26, 9, 0), id="month-and-a-half"
        ),
        # One day is Saturday 5 December 09:00: half a working day from Monday's opening.
        pytest.param("1,5 ngày", "1.5", "days", vn(2026, 12, 4, 9, 0), vn(2026, 12, 7, 11, 30), id="day-and-a-half"),
        # Whole units still move off a day off at the same time of day.
        pytest.param("1 tháng", "1", "months", vn(2026, 9, 10, 9, 0), vn(2026, 10, 12, 9, 0), id="whole-month"),
        pytest.param("1 ngày", "1", "days", vn(2026, 12, 4, 9, 0), vn(2026, 12, 7, 9, 0), id="whole-day"),
    ],
)
def test_the_part_of_a_unit_counts_from_the_whole_units_raw_point(text, value, unit, received, due):
    assert dossier_due(limit=TimeLimit(text, Decimal(value), unit), received_at=received).due_at == due


@pytest.mark.parametrize(
    ("value", "unit"),
    [
        pytest.param("3000000", "working_days", id="working-days"),
        pytest.param("30000", "days", id="calendar-days"),
        pytest.param("1000", "months", id="months"),
    ],
)
def test_a_limit_past_the_calendar_gives_no_due_date_and_says_so(value, unit):
    found = dossier_due(limit=TimeLimit("", Decimal(value), unit), received_at=vn(2026, 11, 25, 9, 0))

    assert (found.start, found.due_at, found.note) == (vn(2026, 11, 25, 9, 0), None, BEYOND)


def test_a_saved_limit_past_the_calendar_is_received_without_a_due_date():
    world = _saved_anyway(3_000_000, "working_days")

    dossier = world.received(at=vn(2026, 11, 25, 9, 0))

    assert (dossier.code != "", dossier.due_at) == (True, None)
    assert list(dossier.steps.values_list("due_at", flat=True)) == [None, None, None]
    assert DossierEvent.objects.get(dossier=dossier, action="receive").data["note"] == BEYOND


@pytest.mark.parametrize(
    ("value", "unit"),
    [
        pytest.param(3_000_000, "working_days", id="three-million-working-days"),
        pytest.param(1301, "working_days", id="just-over-five-years-of-working-days"),
        pytest.param(10401, "working_hours", id="just-over-five-years-of-working-hours"),
        pytest.param(624001, "minutes", id="just-over-five-years-of-minutes"),
        pytest.param(1831, "days", id="just-over-five-years-of-days"),
        pytest.param(61, "months", id="just-over-five-years-of-months"),
    ],
)
def test_the_catalog_refuses_a_limit_over_five_years(value, unit):
    procedure = _saved_anyway(value, unit).procedure

    with pytest.raises(ValidationError) as refused:
        procedure.full_clean()

    assert refused.value.message_dict == {"time_limit_value": [TOO_LONG]}


@pytest.mark.parametrize(
    ("value", "unit"),
    [
        # The national catalogue's longest limits, and five years of each unit.
        pytest.param(250, "working_days", id="longest-working-days"),
        pytest.param(300, "days", id="longest-days"),
        pytest.param(12, "months", id="longest-months"),
        pytest.param(1300, "working_days", id="five-years-of-working-days"),
        pytest.param(10400, "hours", id="five-years-of-hours"),
        pytest.param(1830, "days", id="five-years-of-days"),
        pytest.param(60, "months", id="five-years-of-months"),
    ],
)
def test_the_catalog_accepts_a_limit_up_to_five_years(value, unit):
    World(days=value, unit=unit).procedure.full_clean()
