"""The audit entry of a ``holidays`` release that moved days records how many dossiers and steps it re-timed."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils.translation import gettext

from chinhquyen.core.models import AuditEntry
from chinhquyen.workcal.services import library_days_reconcile
from tests.dossiers.factories import World, vn
from tests.workcal.holidays_release import holidays_release

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 24)


def test_the_audit_entry_counts_the_dossiers_and_steps_the_command_reports(monkeypatch):
    # Given the package's days recorded, and two dossiers due Wednesday 2 December 09:00 (their active steps too).
    holidays_release(monkeypatch, version="0.109")
    library_days_reconcile(today=TODAY)
    world = World()
    dossiers = [world.received(at=vn(2026, 11, 25, 9, 0)) for _ in range(2)]

    # When a release makes 2 December a public holiday.
    holidays_release(monkeypatch, version="0.110", added={date(2026, 12, 2): "Ngày thử nghiệm"})
    out = StringIO()
    call_command("workcal_holidays_check", today=TODAY, stdout=out)

    # Then both moved a working day, and the audit entry says what the command printed.
    for dossier in dossiers:
        dossier.refresh_from_db()
    assert [d.due_at for d in dossiers] == [vn(2026, 12, 3, 9, 0)] * 2
    assert out.getvalue().splitlines()[-1] == gettext("Dossiers re-timed: %(dossiers)d; steps re-timed: %(steps)d.") % {
        "dossiers": 2,
        "steps": 2,
    }
    entry = AuditEntry.objects.get(action="workcal.holidays_update")
    assert entry.data == {
        "version_before": "0.109",
        "version_after": "0.110",
        "since": "2026-12-02T00:00:00+07:00",
        "added": {"days_off": ["2026-12-02"], "working_days": [], "holidays": ["2026-12-02"]},
        "removed": {"days_off": [], "working_days": [], "holidays": []},
        "retimed": {"dossiers": 2, "steps": 2},
    }
