"""The admin says how many dossiers a change to the calendar re-timed."""

import pytest
from django.contrib import messages
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from chinhquyen.workcal.models import OverrideKind
from chinhquyen.workcal.services import date_override_add
from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db

TOLD = "Dossiers re-timed: %(dossiers)d; steps re-timed: %(steps)d."


def _told(response) -> list[str]:
    return [m.message for m in messages.get_messages(response.wsgi_request) if m.level == messages.INFO]


def test_a_day_off_saved_in_the_admin_says_how_many_dossiers_moved(admin_client):
    World().received(at=vn(2026, 11, 25, 9, 0))  # due Wednesday 2 December 09:00, its last step too

    response = admin_client.post(
        reverse("admin:workcal_dateoverride_add"),
        {"date": "2026-12-02", "kind": OverrideKind.DAY_OFF, "reason": "Nghỉ bão"},
    )

    assert response.status_code == 302
    with translation.override(response.wsgi_request.LANGUAGE_CODE):  # the admin's language
        assert _told(response) == [gettext(TOLD) % {"dossiers": 1, "steps": 1}]


def test_a_new_reason_alone_says_nothing(admin_client):
    World().received(at=vn(2026, 11, 25, 9, 0))
    override = date_override_add(date=vn(2026, 12, 2).date(), kind=OverrideKind.DAY_OFF, reason="Nghỉ bão")

    response = admin_client.post(
        reverse("admin:workcal_dateoverride_change", args=[override.pk]),
        {"date": "2026-12-02", "kind": OverrideKind.DAY_OFF, "reason": "Quyết định 99/QĐ-UBND"},
    )

    assert (response.status_code, _told(response)) == (302, [])
