"""A release of the ``holidays`` package that moves a day off re-times the open dossiers as an override would."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils.translation import gettext

from chinhquyen.dossiers.models import Dossier, DossierEvent
from chinhquyen.workcal.services import library_days_reconcile
from chinhquyen.workcal.signals import CalendarRetimed
from tests.dossiers.factories import World, vn
from tests.workcal.holidays_release import holidays_release

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 24)
REASON = (
    "The public-holiday calendar was updated (holidays %(version)s) from %(date)s: the due date moves from %(old)s to "
    "%(new)s."
)


@pytest.fixture(autouse=True)
def _site_in_english(settings):
    # The reason is a record, written in the site's language.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _recorded(monkeypatch):
    """The calendar has recorded the days of the installed release."""
    holidays_release(monkeypatch, version="0.109")
    library_days_reconcile(today=TODAY)


def _dues(dossier: Dossier) -> tuple:
    fresh = Dossier.objects.get(pk=dossier.pk)
    return fresh.due_at, [step.due_at for step in fresh.steps.order_by("order")]


def test_a_day_off_added_by_a_release_retimes_the_dossier_due_on_it(monkeypatch):
    world = World()
    dossier = world.received(at=vn(2026, 11, 25, 9, 0))  # Wednesday + 5 working days
    steps = [vn(2026, 11, 30, 14, 30), vn(2026, 12, 1, 14, 30)]
    assert _dues(dossier) == (vn(2026, 12, 2, 9, 0), [*steps, vn(2026, 12, 2, 9, 0)])

    holidays_release(monkeypatch, version="0.110", added={date(2026, 12, 2): "Ngày thử nghiệm"})
    check = library_days_reconcile(today=TODAY)

    assert _dues(dossier) == (vn(2026, 12, 3, 9, 0), [*steps, vn(2026, 12, 3, 9, 0)])
    assert check.retimed == CalendarRetimed(dossiers=1, steps=1)
    [event] = DossierEvent.objects.filter(dossier=dossier, action="calendar_retime")
    assert (event.actor, event.internal, event.reason) == (
        None,
        False,
        gettext(REASON)
        % {"version": "0.110", "date": "02/12/2026", "old": "02/12/2026 09:00", "new": "03/12/2026 09:00"},
    )
    assert (event.data["since"], event.data["new_due_at"], event.data["causes"], event.data["holidays_version"]) == (
        "2026-12-02T00:00:00+07:00",
        "2026-12-03T09:00:00+07:00",
        [{"what": "day_off", "date": "2026-12-02", "note": "Ngày thử nghiệm"}],
        "0.110",
    )


def test_a_day_off_removed_by_a_release_moves_the_due_date_earlier(monkeypatch):
    # As a deleted override does: the working day given back is counted again.
    world = World()
    dossier = world.received(at=vn(2026, 11, 20, 9, 0))  # Friday: due Monday 30th, Tuesday 24th being off

    holidays_release(monkeypatch, version="0.110", removed=[date(2026, 11, 24)])
    out = StringIO()
    call_command("workcal_holidays_check", today=TODAY, stdout=out)

    assert _dues(dossier)[0] == vn(2026, 11, 27, 9, 0)
    assert out.getvalue().splitlines()[-1] == gettext("Dossiers re-timed: %(dossiers)d; steps re-timed: %(steps)d.") % {
        "dossiers": 1,
        "steps": 3,
    }
    [event] = DossierEvent.objects.filter(dossier=dossier, action="calendar_retime")
    assert event.data["causes"] == [{"what": "working_day", "date": "2026-11-24", "note": ""}]
