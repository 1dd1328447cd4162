"""Deleting overrides in the admin says how many dossiers and steps it re-timed, as saving one does."""

from types import SimpleNamespace

import pytest
from django.contrib import messages
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from chinhquyen.workcal import signals
from chinhquyen.workcal.models import DateOverride, OverrideKind
from chinhquyen.workcal.services import date_override_add, work_schedule_get
from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db

TOLD = "Dossiers re-timed: %(dossiers)d; steps re-timed: %(steps)d."


def _told(response) -> list[str]:
    return [m.message for m in messages.get_messages(response.wsgi_request) if m.level == messages.INFO]


def _expected(response, *, dossiers: int, steps: int) -> list[str]:
    with translation.override(response.wsgi_request.LANGUAGE_CODE):  # the admin's language
        return [gettext(TOLD) % {"dossiers": dossiers, "steps": steps}]


def _day_off(day: int) -> DateOverride:
    return date_override_add(date=vn(2026, 12, day).date(), kind=OverrideKind.DAY_OFF, reason="Nghỉ bão")


def test_an_override_deleted_on_its_page_says_how_many_dossiers_moved(admin_client):
    # Given a dossier due Wednesday 2 December 09:00 (its active step too), moved to Thursday by a day off.
    dossier = World().received(at=vn(2026, 11, 25, 9, 0))
    override = _day_off(2)
    dossier.refresh_from_db()
    assert dossier.due_at == vn(2026, 12, 3, 9, 0)

    # When the day off is deleted on its own page.
    response = admin_client.post(reverse("admin:workcal_dateoverride_delete", args=[override.pk]), {"post": "yes"})

    # Then the dossier is due on Wednesday again, and the admin says so.
    dossier.refresh_from_db()
    assert (response.status_code, DateOverride.objects.count(), dossier.due_at) == (302, 0, vn(2026, 12, 2, 9, 0))
    assert _told(response) == _expected(response, dossiers=1, steps=1)


def test_overrides_deleted_together_say_once_how_many_dossiers_moved(admin_client):
    # Given two dossiers due 2 December 09:00, moved to 4 December by two days off.
    world = World()
    first, second = (world.received(at=vn(2026, 11, 25, 9, 0)) for _ in range(2))
    overrides = [_day_off(2), _day_off(3)]
    untouched = World().received(at=vn(2026, 12, 7, 9, 0))  # due after both days off

    # When both are deleted with "Delete selected".
    response = admin_client.post(
        reverse("admin:workcal_dateoverride_changelist"),
        {"action": "delete_selected", "_selected_action": [o.pk for o in overrides], "post": "yes"},
    )

    # Then each dossier moved once, and the admin counts each once.
    for dossier in (first, second, untouched):
        dossier.refresh_from_db()
    assert (response.status_code, DateOverride.objects.count()) == (302, 0)
    assert [first.due_at, second.due_at, untouched.due_at] == [
        vn(2026, 12, 2, 9, 0),
        vn(2026, 12, 2, 9, 0),
        vn(2026, 12, 14, 9, 0),
    ]
    assert _told(response) == _expected(response, dossiers=2, steps=2)


def test_an_override_deleted_with_no_open_dossier_says_none_moved(admin_client):
    override = _day_off(2)

    response = admin_client.post(reverse("admin:workcal_dateoverride_delete", args=[override.pk]), {"post": "yes"})

    assert (response.status_code, _told(response)) == (302, _expected(response, dossiers=0, steps=0))


def test_a_schedule_saved_with_saturday_working_says_how_many_dossiers_moved(admin_client, monkeypatch):
    # New weekdays count from the save on: it is made on Thursday 26 November, whatever day the suite runs.
    monkeypatch.setattr(signals, "timezone", SimpleNamespace(now=lambda: vn(2026, 11, 26, 10, 0)))
    # Given a dossier received Wednesday 25 November 09:00, due Wednesday 2 December 09:00 (5 working days).
    dossier = World().received(at=vn(2026, 11, 25, 9, 0))
    data = dict.fromkeys(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday"), "on")
    data |= {"periods": "07:30-11:30, 13:00-17:00", "same_day_cutoff": "15:00"}

    # When Saturday becomes a working day.
    schedule = work_schedule_get()
    response = admin_client.post(reverse("admin:workcal_workschedule_change", args=[schedule.pk]), data)

    # Then the dossier falls due a day earlier (Saturday 28 November counts), and the admin says so.
    dossier.refresh_from_db()
    assert (response.status_code, dossier.due_at) == (302, vn(2026, 12, 1, 9, 0))
    # All three of its steps fall after Saturday 28 November, where a day off gave way to none.
    assert _told(response) == _expected(response, dossiers=1, steps=3)
