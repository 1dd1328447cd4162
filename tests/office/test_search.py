"""Search finds the officer's agencies' dossiers by code, applicant, procedure, status and dates."""

import pytest
from django.urls import reverse

from chinhquyen.dossiers.models import DossierStatus

from .helpers import draft, received

pytestmark = pytest.mark.django_db


def test_search_form_is_shown_without_results(as_user, office):
    client = as_user(office.specialist)

    response = client.get(reverse("office:search"))

    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()
    assert "found" not in response.content.decode()


def test_search_by_code_finds_the_dossier(as_user, office):
    dossier = received(office)
    other = received(office)
    client = as_user(office.specialist)

    response = client.get(reverse("office:search"), {"code": dossier.code})

    body = response.content.decode()
    assert "1 dossier found" in body
    assert dossier.code in body
    assert other.code not in body


def test_search_by_status_and_applicant_name(as_user, office):
    draft(office)
    dossier = received(office)
    client = as_user(office.front_desk)

    response = client.get(
        reverse("office:search"), {"status": DossierStatus.RECEIVED, "applicant": dossier.applicant.name}
    )

    assert "1 dossier found" in response.content.decode()


def test_search_never_shows_another_agencys_dossiers(as_user, office, other_office):
    dossier = received(other_office)
    client = as_user(office.specialist)

    response = client.get(reverse("office:search"), {"code": dossier.code})

    assert "0 dossiers found" in response.content.decode()


def test_results_are_paginated(as_user, office):
    for _ in range(27):
        draft(office)
    client = as_user(office.front_desk)

    first = client.get(reverse("office:search"), {"status": DossierStatus.DRAFT})
    second = client.get(reverse("office:search"), {"status": DossierStatus.DRAFT, "page": 2})

    assert "27 dossiers found" in first.content.decode()
    assert "Page 1 of 2" in first.content.decode()
    assert "Page 2 of 2" in second.content.decode()


def test_htmx_search_returns_only_the_results(as_user, office):
    dossier = received(office)
    client = as_user(office.specialist)

    response = client.get(reverse("office:search"), {"code": dossier.code}, HTTP_HX_REQUEST="true")

    assert "<html" not in response.content.decode()
    assert dossier.code in response.content.decode()


def test_htmx_search_with_a_bad_date_reports_the_field(as_user, office):
    client = as_user(office.specialist)

    response = client.get(reverse("office:search"), {"received_from": "31/02/2026"}, HTTP_HX_REQUEST="true")

    assert "Received or submitted from: Enter a valid date." in response.content.decode()


def test_a_period_ending_before_it_starts_is_refused_at_its_end_date_and_kept(as_user, office):
    received(office)
    client = as_user(office.specialist)

    response = client.get(reverse("office:search"), {"received_from": "2026-03-10", "received_to": "2026-03-02"})

    body = response.content.decode()
    assert "Choose a “Received or submitted to” date on or after the “Received or submitted from” date." in body
    assert 'value="2026-03-10"' in body
    assert 'value="2026-03-02"' in body
    assert "found" not in body  # no results, rather than "0 found"


def test_htmx_history_restore_gets_the_whole_page(as_user, office):
    client = as_user(office.specialist)

    response = client.get(
        reverse("office:search"), {"code": "x"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )

    assert "<html" in response.content.decode()
