"""Search results tell drafts apart by their number, as the inbox does; the date fields find dossiers never
received by the day they were submitted, or opened at the counter; the API's reception days keep their meaning."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from chinhquyen.dossiers import selectors
from chinhquyen.dossiers.models import Dossier, DossierStatus
from chinhquyen.dossiers.services import dossier_refuse, dossier_submit_online
from tests.api.helpers import api_client, token_for
from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db


def _created_on(dossier, at):
    Dossier.objects.filter(pk=dossier.pk).update(created_at=at)
    dossier.refresh_from_db()
    return dossier


def _submitted(world, at):
    dossier = dossier_submit_online(
        by=world.applicant.user,
        applicant=world.applicant,
        procedure=world.procedure,
        receiving_agency=world.agency,
        form_data={},
    )
    Dossier.objects.filter(pk=dossier.pk).update(submitted_at=at, created_at=vn(2026, 3, 1, 8, 0))
    dossier.refresh_from_db()
    return dossier


def test_results_show_a_drafts_number_next_to_no_code_yet_as_the_inbox_does(as_user):
    world = World()
    first, second = world.draft(), world.draft()
    received = world.received()

    page = as_user(world.front_desk).get(reverse("office:search"), {"status": ""}).content.decode()

    no_code = gettext("(no code yet)")
    for dossier in (first, second):
        link = f'<a href="{reverse("office:dossier", args=[dossier.pk])}">{no_code}</a>'
        assert f'{link} <span class="muted">#{dossier.pk}</span>' in page
    assert f"{received.code}</a></td>" in page  # a dossier with its code needs no number
    assert page.count('<span class="muted">#') == 2


def _days(world, **query):
    return [d.pk for d in selectors.dossier_search(officer=world.front_desk, **query)]


def test_dates_find_a_dossier_never_received_by_when_it_was_submitted_or_opened():
    world = World()
    opened = _created_on(world.draft(), vn(2026, 3, 5, 10, 0))  # a counter draft: status 0, never submitted
    submitted = _submitted(world, vn(2026, 3, 4, 15, 0))  # status 1, opened on 1 March
    refused = _submitted(world, vn(2026, 3, 6, 9, 0))
    refused = dossier_refuse(by=world.front_desk, dossier=refused, reasons="Không thuộc thẩm quyền")
    assert (refused.status, refused.received_at) == (DossierStatus.REFUSED, None)
    received = _created_on(world.received(at=vn(2026, 3, 10, 8, 0)), vn(2026, 3, 4, 8, 0))

    def found(day_from, day_to, **query):
        return _days(world, received_from=day_from, received_to=day_to, **query)

    assert found(date(2026, 3, 5), date(2026, 3, 5), status=DossierStatus.DRAFT) == [opened.pk]
    assert found(date(2026, 3, 6), None, status=DossierStatus.DRAFT) == []
    # Submitted on the 4th: found by that day, not by the day the draft was opened.
    assert found(date(2026, 3, 4), date(2026, 3, 4), status=DossierStatus.SUBMITTED) == [submitted.pk]
    assert found(date(2026, 3, 1), date(2026, 3, 1), status=DossierStatus.SUBMITTED) == []
    assert found(date(2026, 3, 6), date(2026, 3, 6), status=DossierStatus.REFUSED) == [refused.pk]
    # A received dossier keeps its reception day, whenever it was opened.
    assert found(date(2026, 3, 4), date(2026, 3, 4)) == [submitted.pk]
    assert found(date(2026, 3, 10), date(2026, 3, 10)) == [received.pk]
    # Received first, newest first; then those never received, newest first.
    assert found(date(2026, 3, 1), date(2026, 3, 31)) == [received.pk, refused.pk, submitted.pk, opened.pk]


def test_the_day_bounds_are_vietnam_days_for_a_submission_too():
    world = World()
    late = _submitted(world, vn(2026, 3, 4, 23, 30))  # 16:30 UTC: still the 4th in Vietnam

    assert _days(world, received_from=date(2026, 3, 4), received_to=date(2026, 3, 4)) == [late.pk]
    assert _days(world, received_from=date(2026, 3, 5)) == []


def test_the_tracking_register_still_lists_only_what_was_received_in_its_period():
    world = World()
    _submitted(world, vn(2026, 3, 4, 15, 0))
    received = world.received(at=vn(2026, 3, 4, 8, 0))

    rows = selectors.dossier_register(
        officer=world.front_desk, agency=world.agency, date_from=date(2026, 3, 4), date_to=date(2026, 3, 4)
    )

    assert [d.pk for d in rows] == [received.pk]


def test_the_search_form_says_what_its_dates_mean(as_user):
    world = World()

    page = as_user(world.front_desk).get(reverse("office:search")).content.decode()

    assert gettext("Received or submitted from") in page
    assert gettext("Received or submitted to") in page
    assert (
        gettext(
            "The day the dossier was received; for one never received, the day it was submitted online or opened "
            "at the counter."
        )
        in page
    )


def test_the_apis_received_days_still_mean_reception_only():
    world = World()
    submitted = _submitted(world, vn(2026, 3, 4, 15, 0))
    received = world.received(at=vn(2026, 3, 4, 8, 0))
    assert submitted.received_at is None

    response = api_client(token_for(world.front_desk)).get(
        "/api/v1/dossiers", {"received_from": "2026-03-04", "received_to": "2026-03-04"}
    )

    assert [d["id"] for d in response.json()["items"]] == [received.pk]
