"""The days the ``holidays`` package gives are recorded; a release that moves one announces the change once."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils.translation import gettext

from chinhquyen.core.models import AuditEntry
from chinhquyen.workcal.models import HolidayPackageYear
from chinhquyen.workcal.services import library_days_reconcile
from chinhquyen.workcal.signals import CalendarRetimed, HolidaysUpdate, working_calendar_changed
from tests.factories import UserFactory
from tests.office.auth_helpers import officer_login
from tests.workcal.common import vn
from tests.workcal.holidays_release import holidays_release

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 24)
DAYS_OFF_2026 = [
    "2026-01-01",
    "2026-02-16",
    "2026-02-17",
    "2026-02-18",
    "2026-02-19",
    "2026-02-20",
    "2026-04-26",
    "2026-04-27",
    "2026-04-30",
    "2026-05-01",
    "2026-08-31",
    "2026-09-01",
    "2026-09-02",
    "2026-11-24",
]


@pytest.fixture
def announced():
    """The announcements of calendar changes, as (before, after, since, update)."""
    sent = []

    def receiver(sender, before, after, since, update=None, **kwargs):
        sent.append((before, after, since, update))

    working_calendar_changed.connect(receiver, dispatch_uid="test_holidays_package_announced")
    yield sent
    working_calendar_changed.disconnect(dispatch_uid="test_holidays_package_announced")


def _check() -> str:
    out = StringIO()
    call_command("workcal_holidays_check", today=TODAY, stdout=out)
    return out.getvalue()


def test_the_first_run_records_the_years_and_announces_nothing(monkeypatch, announced):
    holidays_release(monkeypatch, version="0.109")

    out = _check()

    # Last year to five years ahead: the catalog refuses limits over 5 years.
    assert list(HolidayPackageYear.objects.values_list("year", "version")) == [(y, "0.109") for y in range(2025, 2032)]
    row = HolidayPackageYear.objects.get(year=2026)
    assert (row.days_off, row.working_days) == (DAYS_OFF_2026, ["2026-08-22"])
    assert row.holidays == [d for d in DAYS_OFF_2026 if d not in ("2026-04-27", "2026-08-31")]
    assert (
        out
        == gettext("Recorded the days of holidays %(version)s for the years %(years)s.")
        % {
            "version": "0.109",
            "years": "2025–2031",
        }
        + "\n"
    )
    assert announced == []
    assert not AuditEntry.objects.filter(action="workcal.holidays_update").exists()


def test_a_second_run_with_nothing_changed_does_nothing(monkeypatch, announced):
    holidays_release(monkeypatch, version="0.109")
    _check()
    recorded = list(HolidayPackageYear.objects.values_list("year", "recorded_at"))

    out = _check()

    assert out == gettext("No change in the public holidays (holidays %(version)s).") % {"version": "0.109"} + "\n"
    assert list(HolidayPackageYear.objects.values_list("year", "recorded_at")) == recorded
    assert announced == []


def test_a_release_that_moves_days_announces_the_change_with_an_audit_entry(monkeypatch, announced):
    holidays_release(monkeypatch, version="0.109")
    library_days_reconcile(today=TODAY)
    holidays_release(
        monkeypatch, version="0.110", added={date(2026, 12, 2): "Ngày thử nghiệm"}, removed=[date(2026, 11, 24)]
    )

    out = _check()

    [(before, after, since, update)] = announced
    assert since == vn(2026, 11, 24)
    assert [(c.is_working_day(date(2026, 11, 24)), c.is_working_day(date(2026, 12, 2))) for c in (before, after)] == [
        (False, True),
        (True, False),
    ]
    assert update == HolidaysUpdate(
        version_before="0.109",
        version_after="0.110",
        notes={date(2026, 11, 24): "", date(2026, 12, 2): "Ngày thử nghiệm"},
    )
    row = HolidayPackageYear.objects.get(year=2026)
    assert (row.version, "2026-11-24" in row.days_off, "2026-12-02" in row.holidays) == ("0.110", False, True)
    entry = AuditEntry.objects.get(action="workcal.holidays_update")
    assert (entry.actor, entry.target) == (None, "workcal:holidays")
    assert entry.data == {
        "version_before": "0.109",
        "version_after": "0.110",
        "since": "2026-11-24T00:00:00+07:00",
        "added": {"days_off": ["2026-12-02"], "working_days": [], "holidays": ["2026-12-02"]},
        "removed": {"days_off": ["2026-11-24"], "working_days": [], "holidays": ["2026-11-24"]},
        "retimed": {"dossiers": 0, "steps": 0},
    }
    assert out.splitlines() == [
        gettext("The public-holiday calendar was updated (holidays %(old)s → %(new)s) from %(date)s.")
        % {"old": "0.109", "new": "0.110", "date": "24/11/2026"},
        gettext("Days off added: %(dates)s") % {"dates": "02/12/2026"},
        gettext("Days off removed: %(dates)s") % {"dates": "24/11/2026"},
        gettext("Public holidays added: %(dates)s") % {"dates": "02/12/2026"},
        gettext("Public holidays removed: %(dates)s") % {"dates": "24/11/2026"},
        gettext("Dossiers re-timed: %(dossiers)d; steps re-timed: %(steps)d.") % {"dossiers": 0, "steps": 0},
    ]
    # Done: the next run finds nothing new.
    assert _check() == gettext("No change in the public holidays (holidays %(version)s).") % {"version": "0.110"} + "\n"
    assert len(announced) == 1


def test_the_receivers_answers_are_summed_into_the_check(monkeypatch):
    def receiver(sender, **kwargs):
        return CalendarRetimed(dossiers=2, steps=5)

    holidays_release(monkeypatch, version="0.109")
    library_days_reconcile(today=TODAY)
    holidays_release(monkeypatch, version="0.110", removed=[date(2026, 11, 24)])
    working_calendar_changed.connect(receiver, dispatch_uid="test_holidays_package_answer")
    try:
        check = library_days_reconcile(today=TODAY)
    finally:
        working_calendar_changed.disconnect(dispatch_uid="test_holidays_package_answer")

    # The dossiers' answer adds nothing: none is open.
    assert check.retimed == CalendarRetimed(dossiers=2, steps=5)


@pytest.fixture
def recorded_2026(monkeypatch):
    holidays_release(monkeypatch, version="0.109")
    library_days_reconcile(today=TODAY)
    return HolidayPackageYear.objects.get(year=2026)


def test_the_admin_lists_the_recorded_years_read_only(client, recorded_2026):
    officer_login(client, UserFactory(username="root", is_staff=True, is_superuser=True))
    url = "/admin/workcal/holidaypackageyear/"

    page = client.get(url).content.decode()

    row = page[page.index(f'<th class="field-year"><a href="{url}{recorded_2026.pk}/') :]
    row = row[: row.index("</tr>")]
    assert row == (
        f'<th class="field-year"><a href="{url}{recorded_2026.pk}/change/">2026</a></th>'
        '<td class="field-version">0.109</td>'
        '<td class="field-days_off_count">14</td>'
        '<td class="field-working_days_count">1</td>'
        '<td class="field-holidays_count">12</td>'
        f'<td class="field-recorded_at nowrap">{_admin_datetime(recorded_2026.recorded_at)}</td>'
    )
    assert [
        client.get(f"{url}add/").status_code,
        client.get(f"{url}{recorded_2026.pk}/delete/").status_code,
        client.post(f"{url}{recorded_2026.pk}/change/", {"year": 2027, "version": "x"}).status_code,
        client.get(f"{url}{recorded_2026.pk}/change/").status_code,
    ] == [403, 403, 403, 200]
    assert HolidayPackageYear.objects.get(pk=recorded_2026.pk).version == "0.109"


def test_the_admin_shows_the_years_only_to_who_may_view_them(client, recorded_2026):
    from django.contrib.auth.models import Permission

    officer = UserFactory(username="staff", is_staff=True)
    officer_login(client, officer)
    url = "/admin/workcal/holidaypackageyear/"
    refused = client.get(url).status_code

    officer.user_permissions.add(Permission.objects.get(codename="view_holidaypackageyear"))

    assert (refused, client.get(url).status_code) == (403, 200)


def _admin_datetime(at):
    from django.utils import formats, timezone

    return formats.localize(timezone.template_localtime(at))
