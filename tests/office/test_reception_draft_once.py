""" "Open dossier" clicked twice opens one draft; a draft opened twice or by mistake can be discarded."""

import re

import pytest
from django.urls import reverse

from chinhquyen.core.models import AuditEntry
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier
from tests.factories import CitizenFactory

from .helpers import applicant_ref, draft, received, reception_params

pytestmark = pytest.mark.django_db

CONFIRM = (
    "The draft is deleted with the documents ticked and the files attached to it. Do this only for a dossier "
    "opened twice or by mistake: a dossier the applicant hands in is received, refused or sent back for a "
    "supplement instead."
)


def _start_forms(client, office, applicant) -> list[dict[str, str]]:
    """The "Open dossier" forms of the reception page, as the browser would post them."""
    ref = applicant_ref(office.front_desk, applicant)
    page = client.get(reverse("office:reception"), {"applicant": ref, "agency": office.agency.pk}).content.decode()
    forms = re.findall(r'<form method="post" action="/office/reception/dossier/new/">(.*?)</form>', page, re.S)
    return [dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)) for form in forms]


# --- Opened once ----------------------------------------------------------------------------------


def test_open_dossier_clicked_twice_opens_one_draft(as_user, office):
    applicant = CitizenFactory()
    client = as_user(office.front_desk)
    [form] = _start_forms(client, office, applicant)

    first = client.post(reverse("office:dossier_start"), form)
    second = client.post(reverse("office:dossier_start"), form)

    dossier = Dossier.objects.get()
    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == second["Location"] == reverse("office:reception_dossier", args=[dossier.pk])
    assert (dossier.applicant, dossier.client_key) == (applicant, form["key"])


def test_each_page_and_each_procedure_has_its_own_key(as_user, office):
    applicant = CitizenFactory()
    client = as_user(office.front_desk)

    [first] = _start_forms(client, office, applicant)
    [shown_again] = _start_forms(client, office, applicant)
    client.post(reverse("office:dossier_start"), first)
    client.post(reverse("office:dossier_start"), shown_again)

    assert len(first["key"]) == 32
    assert first["key"] != shown_again["key"]
    assert Dossier.objects.filter(applicant=applicant).count() == 2  # a second dossier asked for on purpose


# --- Discarding -----------------------------------------------------------------------------------


def test_the_reception_page_of_a_draft_offers_the_discard_and_a_received_ones_does_not(as_user, office):
    dossier = draft(office)
    done = received(office)
    client = as_user(office.front_desk)

    page = client.get(reverse("office:reception_dossier", args=[dossier.pk])).content.decode()
    received_page = client.get(reverse("office:reception_dossier", args=[done.pk])).content.decode()

    assert reverse("office:reception_discard", args=[dossier.pk]) in page
    assert reverse("office:reception_discard", args=[done.pk]) not in received_page


def test_confirming_the_discard_deletes_the_draft_and_goes_on_with_the_same_applicant(as_user, office):
    dossier = draft(office)
    client = as_user(office.front_desk)
    url = reverse("office:reception_discard", args=[dossier.pk])

    confirm = client.get(url)
    response = client.post(url, {"expected_version": dossier.version}, follow=True)

    assert confirm.status_code == 200
    assert CONFIRM in confirm.content.decode()
    [(location, status)] = response.redirect_chain
    assert (status, reception_params(location, office.front_desk)) == (302, {"applicant": dossier.applicant_id})
    assert [str(m) for m in response.context["messages"]] == ["The draft was discarded."]
    assert not Dossier.objects.filter(pk=dossier.pk).exists()
    assert AuditEntry.objects.filter(action="dossier.draft_discard", target=f"dossier:{dossier.pk}").count() == 1


def test_the_discard_confirmed_twice_lands_back_at_the_reception(as_user, office):
    dossier = draft(office)
    client = as_user(office.front_desk)
    url = reverse("office:reception_discard", args=[dossier.pk])
    client.post(url, {"expected_version": dossier.version})

    again = client.post(url, {"expected_version": dossier.version}, follow=True)

    assert again.redirect_chain == [(reverse("office:reception"), 302)]
    assert "There is no such draft to discard: it may have been discarded already." in [
        str(m) for m in again.context["messages"]
    ]
    assert AuditEntry.objects.filter(action="dossier.draft_discard").count() == 1


def test_a_discard_that_waited_for_the_first_clicks_lands_back_at_the_reception(as_user, office, monkeypatch):
    dossier = draft(office)
    client = as_user(office.front_desk)
    discard = services.counter_draft_discard

    def after_the_first_click(**kwargs):
        discard(by=office.front_desk, dossier=Dossier.objects.get(pk=dossier.pk))  # committed while this one waited
        discard(**kwargs)

    monkeypatch.setattr(services, "counter_draft_discard", after_the_first_click)
    response = client.post(
        reverse("office:reception_discard", args=[dossier.pk]), {"expected_version": dossier.version}
    )

    assert (response.status_code, response["Location"]) == (302, reverse("office:reception"))
    assert AuditEntry.objects.filter(action="dossier.draft_discard").count() == 1


def test_a_stale_discard_is_refused_and_asks_to_confirm_again(as_user, office):
    dossier = draft(office)
    client = as_user(office.front_desk)
    seen = dossier.version
    services.dossier_documents_mark_received(by=office.front_desk, dossier=dossier, required_document_ids=[])

    response = client.post(reverse("office:reception_discard", args=[dossier.pk]), {"expected_version": seen})

    assert response.status_code == 409
    assert "Someone else changed this dossier while this page was open." in response.content.decode()
    assert response.context["form"]["expected_version"].value() == seen + 1
    assert Dossier.objects.filter(pk=dossier.pk).exists()


def test_a_received_dossier_cannot_be_discarded(as_user, office):
    dossier = received(office)
    client = as_user(office.front_desk)
    url = reverse("office:reception_discard", args=[dossier.pk])

    page = client.get(url)
    response = client.post(url, {"expected_version": dossier.version})

    assert "This action is not open to you on this dossier now." in page.content.decode()
    assert CONFIRM not in page.content.decode()
    assert response.status_code == 409
    assert Dossier.objects.filter(pk=dossier.pk).exists()


def test_a_specialist_and_another_agencys_front_desk_cannot_discard(as_user, office, other_office):
    dossier = draft(office)
    url = reverse("office:reception_discard", args=[dossier.pk])

    by_specialist = as_user(office.specialist).post(url, {"expected_version": dossier.version})
    by_other_desk = as_user(other_office.front_desk).post(url, {"expected_version": dossier.version})

    assert by_specialist.status_code == 403
    assert by_other_desk.status_code == 302  # as for a dossier that does not exist: nothing is told
    assert by_other_desk["Location"] == reverse("office:reception")
    assert Dossier.objects.filter(pk=dossier.pk).exists()
