"""Due dates, pauses, flags and outcomes of dossiers on the spec's edge cases (§4), with exact values."""

from datetime import UTC, date, datetime, timedelta

import pytest

from chinhquyen.dossiers.deadlines import due_soon, letter_send_by, outcome_of
from chinhquyen.dossiers.models import DossierEvent, Outcome
from chinhquyen.dossiers.selectors import dossier_inbox
from chinhquyen.dossiers.services import dossier_forward, dossier_request_supplement, dossier_supplement_provided
from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)


def _counting_from(dossier) -> str:
    return DossierEvent.objects.get(dossier=dossier, action="receive").data["counting_from"]


@pytest.mark.parametrize(
    ("days", "received", "counting_from", "due"),
    [
        pytest.param(1, vn(2026, 3, 2, 6, 45), "2026-03-02T07:30:00+07:00", vn(2026, 3, 2, 17, 0), id="before-opening"),
        pytest.param(5, vn(2026, 3, 2, 12, 15), "2026-03-02T13:00:00+07:00", vn(2026, 3, 9, 11, 30), id="lunch"),
        pytest.param(1, vn(2026, 3, 2, 17, 0), "2026-03-03T07:30:00+07:00", vn(2026, 3, 3, 17, 0), id="at-closing"),
        pytest.param(2, vn(2026, 3, 7, 10, 0), "2026-03-09T07:30:00+07:00", vn(2026, 3, 10, 17, 0), id="saturday"),
        pytest.param(1, vn(2026, 9, 2, 9, 0), "2026-09-03T07:30:00+07:00", vn(2026, 9, 3, 17, 0), id="national-day"),
        pytest.param(
            1, vn(2026, 8, 22, 9, 0), "2026-08-22T09:00:00+07:00", vn(2026, 8, 24, 9, 0), id="swapped-working-saturday"
        ),
    ],
)
def test_working_days_count_from_the_next_working_instant(days, received, counting_from, due):
    dossier = World(days=days).received(at=received)

    assert _counting_from(dossier) == counting_from
    assert dossier.due_at == due


@pytest.mark.parametrize(
    ("value", "unit", "received", "counting_from", "due"),
    [
        pytest.param(
            2, "hours", vn(2026, 3, 6, 15, 0), "2026-03-06T15:00:00+07:00", vn(2026, 3, 6, 17, 0), id="at-15-00"
        ),
        pytest.param(
            2, "hours", vn(2026, 3, 6, 15, 1), "2026-03-09T07:30:00+07:00", vn(2026, 3, 9, 9, 30), id="at-15-01-friday"
        ),
        # Half a working day is four working hours: a same-day limit too.
        pytest.param(
            "0.5",
            "working_days",
            vn(2026, 3, 3, 15, 30),
            "2026-03-04T07:30:00+07:00",
            vn(2026, 3, 4, 11, 30),
            id="half-a-working-day-after-15",
        ),
        pytest.param(
            "0.5",
            "working_days",
            vn(2026, 3, 3, 14, 30),
            "2026-03-03T14:30:00+07:00",
            vn(2026, 3, 4, 9, 0),  # 2.5 h on Tuesday, 1.5 h on Wednesday
            id="half-a-working-day-before-15",
        ),
        # 30 April and 1 May 2026 are holidays, then a weekend.
        pytest.param(
            1,
            "hours",
            vn(2026, 4, 29, 15, 30),
            "2026-05-04T07:30:00+07:00",
            vn(2026, 5, 4, 8, 30),
            id="before-holidays",
        ),
    ],
)
def test_same_day_limits_around_the_15_00_cutoff(value, unit, received, counting_from, due):
    dossier = World(days=value, unit=unit).received(at=received)

    assert _counting_from(dossier) == counting_from
    assert dossier.due_at == due


def test_thirty_working_days_are_240_working_hours():
    by_days = World(days=30).received(at=vn(2026, 3, 2, 7, 30))
    by_hours = World(days=240, unit="working_hours").received(at=vn(2026, 3, 2, 7, 30))

    assert by_days.due_at == by_hours.due_at == vn(2026, 4, 10, 17, 0)


def test_supplement_asked_at_lunch_and_supplied_after_closing_another_day_adds_the_working_time_between():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))  # due Monday 9 March 08:00

    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["CCCD"], reason="Thiếu", at=vn(2026, 3, 3, 12, 0)
    )
    dossier = dossier_supplement_provided(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 5, 18, 0))

    # Paused: Tuesday 13:00-17:00, Wednesday and Thursday in full = 20 working hours.
    assert DossierEvent.objects.get(dossier=dossier, action="supplement_provided").data["paused_hours"] == 20.0
    # 7.5 h on Monday 9, 8 h on Tuesday 10, 4.5 h on Wednesday 11.
    assert dossier.due_at == vn(2026, 3, 11, 13, 30)
    assert dossier.original_due_at == vn(2026, 3, 9, 8, 0)
    assert dict(dossier.steps.values_list("role", "due_at")) == {
        "specialist": vn(2026, 3, 10, 8, 0),  # from Thursday 5 March 13:30
        "leader": vn(2026, 3, 11, 8, 0),  # from Friday 6 March 13:30
        "front_desk": vn(2026, 3, 11, 13, 30),
    }


def test_supplement_asked_after_closing_and_supplied_at_lunch_next_day_adds_the_morning():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["CCCD"], reason="Thiếu", at=vn(2026, 3, 3, 18, 0)
    )
    dossier = dossier_supplement_provided(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 4, 12, 0))

    assert DossierEvent.objects.get(dossier=dossier, action="supplement_provided").data["paused_hours"] == 4.0
    assert dossier.due_at == vn(2026, 3, 9, 13, 30)


def test_supplement_asked_and_supplied_within_one_lunch_break_keeps_the_due_date():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["CCCD"], reason="Thiếu", at=vn(2026, 3, 3, 11, 30)
    )
    dossier = dossier_supplement_provided(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 3, 13, 0))

    assert dossier.due_at == vn(2026, 3, 9, 8, 0)
    assert dict(dossier.steps.values_list("role", "due_at"))["specialist"] == vn(2026, 3, 5, 13, 30)


@pytest.mark.parametrize(
    ("finished", "outcome"),
    [
        pytest.param(vn(2026, 3, 9, 8, 0), Outcome.ON_TIME, id="exactly-at-due"),
        # Due instants are whole seconds and times are shown to the minute: within the due second is on time.
        pytest.param(vn(2026, 3, 9, 8, 0).replace(microsecond=999999), Outcome.ON_TIME, id="within-the-due-second"),
        pytest.param(vn(2026, 3, 9, 8, 0) + SECOND, Outcome.LATE, id="one-second-after"),
        pytest.param(vn(2026, 3, 9, 7, 30), Outcome.ON_TIME, id="earlier-on-the-due-day"),
        pytest.param(vn(2026, 3, 8, 23, 59), Outcome.EARLY, id="the-day-before"),
        # 00:30 UTC on 9 March is 07:30 in Hà Nội: the due day, whatever the instant's own zone.
        pytest.param(datetime(2026, 3, 9, 0, 30, tzinfo=UTC), Outcome.ON_TIME, id="due-day-in-vietnam-time"),
        pytest.param(datetime(2026, 3, 8, 16, 59, tzinfo=UTC), Outcome.EARLY, id="day-before-in-vietnam-time"),
    ],
)
def test_outcome_at_the_boundaries(finished, outcome):
    assert outcome_of(finished_at=finished, due_at=vn(2026, 3, 9, 8, 0)) == outcome


def test_outcome_without_a_due_date_is_not_known():
    assert outcome_of(finished_at=vn(2026, 3, 9, 8, 0), due_at=None) == Outcome.NONE


@pytest.mark.parametrize(
    ("finished", "outcome"),
    [
        pytest.param(vn(2026, 3, 5, 13, 30), "on_time", id="exactly-at-step-due"),
        pytest.param(vn(2026, 3, 5, 13, 30) + SECOND, "late", id="one-second-after-step-due"),
        pytest.param(vn(2026, 3, 4, 17, 0), "early", id="day-before-step-due"),
    ],
)
def test_step_outcome_at_its_own_due_instant(finished, outcome):
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))  # the specialist's step is due Thursday 5 March 13:30
    specialist = dossier.active_step

    dossier_forward(by=world.specialist, dossier=dossier, at=finished)

    specialist.refresh_from_db()
    assert (specialist.due_at, specialist.finished_at, specialist.outcome) == (
        vn(2026, 3, 5, 13, 30),
        finished,
        outcome,
    )


@pytest.mark.parametrize(
    ("now", "soon"),
    [
        pytest.param(vn(2026, 3, 6, 10, 0), True, id="exactly-one-working-day-before"),
        pytest.param(vn(2026, 3, 6, 9, 59), False, id="a-minute-more-than-one-working-day"),
        pytest.param(vn(2026, 3, 7, 10, 0), True, id="weekend-before"),
        pytest.param(vn(2026, 3, 9, 10, 0), True, id="at-the-due-instant"),
        pytest.param(vn(2026, 3, 9, 10, 0) + SECOND, False, id="overdue-is-not-due-soon"),
    ],
)
def test_due_soon_within_eight_working_hours(now, soon):
    assert due_soon(due_at=vn(2026, 3, 9, 10, 0), now=now) is soon


def test_inbox_at_the_exact_due_instant_is_due_soon_not_overdue():
    world = World(days=5)
    world.received(at=vn(2026, 3, 2, 8, 0))  # the specialist's step is due Thursday 5 March 13:30

    at_due, after = (
        dossier_inbox(officer=world.specialist, now=now)[0] for now in (vn(2026, 3, 5, 13, 30), vn(2026, 3, 5, 13, 31))
    )

    assert (at_due.due_at, at_due.overdue, at_due.due_soon) == (vn(2026, 3, 5, 13, 30), False, True)
    assert (after.overdue, after.due_soon) == (True, False)


@pytest.mark.parametrize(
    ("due", "send_by"),
    [
        pytest.param(vn(2026, 8, 24, 9, 0), date(2026, 8, 22), id="swapped-working-saturday-before"),
        pytest.param(vn(2026, 9, 3, 9, 0), date(2026, 8, 28), id="national-day-and-swapped-day-off-before"),
        pytest.param(vn(2026, 11, 25, 9, 0), date(2026, 11, 23), id="culture-day-before"),
        pytest.param(vn(2026, 4, 28, 9, 0), date(2026, 4, 24), id="hung-kings-compensatory-day-before"),
    ],
)
def test_letter_is_sent_by_the_working_day_before_the_due_date(due, send_by):
    assert letter_send_by(due_at=due) == send_by
