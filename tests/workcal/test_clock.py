"""Pausing and resuming the deadline clock for a supplement request (yêu cầu bổ sung hồ sơ)."""

from datetime import datetime

import pytest

from chinhquyen.core.errors import InvalidInput
from chinhquyen.workcal.clock import DeadlineClock
from tests.workcal.common import vn


@pytest.mark.parametrize(
    ("paused_at", "resumed_at", "due"),
    [
        pytest.param(vn(2026, 3, 3, 9, 0), vn(2026, 3, 3, 11, 0), vn(2026, 3, 10, 13, 30), id="two-hours"),
        pytest.param(vn(2026, 3, 3, 9, 0), vn(2026, 3, 5, 9, 0), vn(2026, 3, 12, 10, 0), id="two-days"),
        pytest.param(vn(2026, 3, 6, 16, 0), vn(2026, 3, 9, 8, 0), vn(2026, 3, 10, 11, 30), id="over-a-weekend"),
        pytest.param(vn(2026, 3, 7, 9, 0), vn(2026, 3, 8, 16, 0), vn(2026, 3, 10, 10, 0), id="weekend-only"),
        pytest.param(vn(2026, 2, 13, 16, 0), vn(2026, 2, 23, 8, 0), vn(2026, 3, 10, 11, 30), id="over-tet"),
    ],
)
def test_resume_extends_by_the_working_time_paused(vn_calendar, paused_at, resumed_at, due):
    clock = DeadlineClock(due_at=vn(2026, 3, 10, 10, 0))

    resumed = clock.pause(paused_at).resume(resumed_at, calendar=vn_calendar)

    assert resumed == DeadlineClock(due_at=due)
    assert not resumed.is_paused


def test_due_at_closing_moves_into_the_next_morning(vn_calendar):
    clock = DeadlineClock(due_at=vn(2026, 3, 10, 17, 0)).pause(vn(2026, 3, 3, 9, 0))

    assert clock.resume(vn(2026, 3, 3, 10, 0), calendar=vn_calendar).due_at == vn(2026, 3, 11, 8, 30)


def test_pausing_a_paused_clock_is_refused():
    clock = DeadlineClock(due_at=vn(2026, 3, 10, 10, 0)).pause(vn(2026, 3, 3, 9, 0))

    with pytest.raises(InvalidInput, match="already paused") as excinfo:
        clock.pause(vn(2026, 3, 4, 9, 0))

    assert excinfo.value.code == "clock_already_paused"


def test_resuming_a_running_clock_is_refused(vn_calendar):
    with pytest.raises(InvalidInput, match="nothing to resume") as excinfo:
        DeadlineClock(due_at=vn(2026, 3, 10, 10, 0)).resume(vn(2026, 3, 4, 9, 0), calendar=vn_calendar)

    assert excinfo.value.code == "clock_not_paused"


def test_resuming_before_the_pause_is_refused(vn_calendar):
    clock = DeadlineClock(due_at=vn(2026, 3, 10, 10, 0)).pause(vn(2026, 3, 8, 10, 0))

    with pytest.raises(InvalidInput) as excinfo:
        clock.resume(vn(2026, 3, 8, 9, 0), calendar=vn_calendar)

    assert excinfo.value.code == "clock_resume_before_pause"


def test_naive_pause_is_refused():
    with pytest.raises(ValueError, match="naive datetime"):
        DeadlineClock(due_at=vn(2026, 3, 10, 10, 0)).pause(datetime(2026, 3, 3, 9, 0))
