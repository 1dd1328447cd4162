"""A consultation's answer may not be due after the dossier itself: it would make the dossier late by construction.

The world's dossier is received on Monday 2 March 2026 08:00 with five working days: due Monday 9 March 08:00.
"""

import pytest
from django.utils.translation import gettext, ngettext

from chinhquyen.core.errors import InvalidInput
from chinhquyen.dossiers.models import DossierStatus
from chinhquyen.dossiers.services import (
    ConsultBound,
    consult_bound,
    dossier_consult_agency,
    dossier_request_supplement,
)
from tests.dossiers.factories import AgencyFactory, World, officer, vn

pytestmark = pytest.mark.django_db

IN_TIME = (
    "The agency's answer would be due on %(answer)s, after the dossier itself is due on %(due)s: "
    "give it at most %(most)d working day.",
    "The agency's answer would be due on %(answer)s, after the dossier itself is due on %(due)s: "
    "give it at most %(most)d working days.",
)
TOO_LATE = (
    "The dossier is due on %(due)s, sooner than any answer could be: give the agency the shortest time, 1 working day."
)


def _partner():
    partner = AgencyFactory()
    officer(partner, "specialist")
    return partner


def _consult(world, dossier, days, at):
    return dossier_consult_agency(
        by=world.specialist, dossier=dossier, agency=_partner(), question="Ý kiến?", answer_days=days, at=at
    )


def _refusal(world, dossier, days, at) -> InvalidInput:
    with pytest.raises(InvalidInput) as refusal:
        _consult(world, dossier, days, at)
    return refusal.value


def test_an_answer_due_after_the_dossier_is_refused_and_the_most_days_are_said():
    # Given the dossier due Monday 9 March 08:00, asked about on Monday 2 March 09:00 (39 working hours left)
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    # When the agency is given five working days, due Monday 9 March 09:00
    refusal = _refusal(world, dossier, 5, vn(2026, 3, 2, 9, 0))

    # Then it is refused at the field, with the dates and the most it may have (four days), and nothing changes
    assert (refusal.code, refusal.field) == ("answer_after_due", "answer_days")
    values = {"answer": "09/03/2026 09:00", "due": "09/03/2026 08:00", "most": 4}
    assert refusal.message == ngettext(*IN_TIME, 4) % values
    dossier.refresh_from_db()
    assert (dossier.status, dossier.steps.count(), dossier.active_step.consultation) == (
        DossierStatus.RECEIVED,
        3,
        False,
    )


def test_the_most_days_still_due_in_time_are_accepted():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    dossier = _consult(world, dossier, 4, vn(2026, 3, 2, 9, 0))

    # Due Friday 6 March 09:00, before the dossier (Monday 9 March 08:00)
    assert dossier.active_step.consultation
    assert dossier.active_step.due_at == vn(2026, 3, 6, 9, 0)


def test_the_bound_is_the_dossiers_due_date_and_the_most_whole_days_before_it():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    assert consult_bound(dossier=dossier, at=vn(2026, 3, 2, 9, 0)) == ConsultBound(
        due_at=vn(2026, 3, 9, 8, 0), days_most=4, in_time=True
    )
    # On the dot: five whole working days are left, and an answer due with the dossier is in time
    assert consult_bound(dossier=dossier, at=vn(2026, 3, 2, 8, 0)).days_most == 5


@pytest.mark.parametrize(
    "at",
    [vn(2026, 3, 6, 9, 0), vn(2026, 3, 9, 8, 0), vn(2026, 3, 11, 10, 0)],
    ids=["due-within-a-working-day", "due-now", "overdue"],
)
def test_a_dossier_due_sooner_than_any_answer_may_still_consult_for_one_day_only(at):
    # Given the dossier due sooner than one working day from now, or overdue: no answer can be in time
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    bound = consult_bound(dossier=dossier, at=at)
    refusal = _refusal(world, dossier, 2, at)
    dossier = _consult(world, dossier, 1, at)

    # Then the shortest time is the most, not a refusal of the consultation the dossier may need
    assert bound == ConsultBound(due_at=vn(2026, 3, 9, 8, 0), days_most=1, in_time=False)
    assert (refusal.code, refusal.message) == ("answer_after_due", gettext(TOO_LATE) % {"due": "09/03/2026 08:00"})
    assert dossier.active_step.consultation


def test_a_dossier_without_a_due_date_has_no_bound():
    world = World(days=None)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    assert dossier.due_at is None

    dossier = _consult(world, dossier, 30, vn(2026, 3, 2, 9, 0))

    assert consult_bound(dossier=dossier, at=vn(2026, 3, 2, 9, 0)) is None
    assert dossier.active_step.consultation


def test_a_dossier_whose_clock_is_paused_has_no_bound():
    # Its due date moves when the applicant supplies: no bound is shown for it
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["Bản sao"], reason="Thiếu", at=vn(2026, 3, 2, 9, 0)
    )

    assert dossier.paused_at == vn(2026, 3, 2, 9, 0)
    assert consult_bound(dossier=dossier, at=vn(2026, 3, 3, 9, 0)) is None
