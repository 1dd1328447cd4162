"""A letter the leader tries to send while the clock waits on the applicant is refused as such (``clock_paused``),
not as too late against a due date the resume will move; once the clock runs again, the moved date decides."""

import pytest

from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import LetterState
from chinhquyen.dossiers.services import (
    apology_letter_approve,
    apology_letter_draft,
    apology_letter_send,
    dossier_request_supplement,
)
from tests.dossiers.factories import World, supplement_send, vn

pytestmark = pytest.mark.django_db

PAUSED = (
    "The clock is stopped while the dossier waits for the applicant (documents asked for, or a payment), "
    "and the due date will move by the time paused: send the letter once it runs again, against the due "
    "date then."
)


def _approved_then_paused():
    """Received Monday 2 March 2026 08:00 (due Monday 9 March 08:00, so a letter is sent by Friday 6 March), a
    letter approved on Wednesday 4 March, and documents asked for on Thursday 5 March 10:00."""
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    letter = apology_letter_draft(
        by=world.specialist,
        dossier=dossier,
        reason="Chờ ý kiến",
        new_due_at=vn(2026, 3, 20, 8, 0),
        at=vn(2026, 3, 4, 9, 0),
    )
    letter = apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 4, 10, 0))
    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["CCCD"], reason="Thiếu", at=vn(2026, 3, 5, 10, 0)
    )
    return world, dossier, letter


@pytest.mark.parametrize(
    "at", [vn(2026, 3, 6, 9, 0), vn(2026, 3, 10, 9, 0)], ids=["before-the-old-send-by-day", "after-it"]
)
def test_a_letter_sent_while_the_clock_is_paused_is_refused_as_paused(at):
    world, dossier, letter = _approved_then_paused()

    with pytest.raises(TransitionRefused) as info:
        apology_letter_send(by=world.leader, letter=letter, at=at)

    assert (info.value.code, info.value.message) == ("clock_paused", PAUSED)
    letter.refresh_from_db()
    assert letter.state == LetterState.APPROVED


def test_once_the_clock_runs_again_the_moved_due_date_decides_the_last_day():
    world, dossier, letter = _approved_then_paused()
    # Supplied on Tuesday 10 March 10:00: three working days paused, due Thursday 12 March 08:00.
    dossier = supplement_send(world, dossier, at=vn(2026, 3, 10, 10, 0))
    assert dossier.due_at == vn(2026, 3, 12, 8, 0)

    letter = apology_letter_send(by=world.leader, letter=letter, at=vn(2026, 3, 11, 16, 0))

    dossier.refresh_from_db()
    assert (letter.state, letter.old_due_at, dossier.due_at) == (
        LetterState.SENT,
        vn(2026, 3, 12, 8, 0),
        vn(2026, 3, 20, 8, 0),
    )
