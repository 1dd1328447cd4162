"""The apology letter's page: drafted by the agency at fault (a choice for an officer working in several), and
nothing to approve or send once the dossier is closed."""

import pytest
from django.urls import reverse
from django.utils import timezone

from chinhquyen.directory.services import staff_role_grant
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import ApologyLetter
from tests.dossiers.factories import vn

from .helpers import draft

pytestmark = pytest.mark.django_db

DRAFT = {"reason": "Chậm ý kiến", "new_due_at": "2026-03-13T08:00"}


@pytest.fixture
def thursday(monkeypatch):
    """The pages are opened and the letters drafted on Thursday 5 March 2026 14:00, in time: the dossiers below
    are due Monday 9 March 08:00, so a letter is sent by Friday 6 March."""
    monkeypatch.setattr(timezone, "now", lambda: vn(2026, 3, 5, 14, 0))


def _answered_late(office, partner):
    """Received Monday 2 March 08:00; ``partner`` consulted at 09:00 answers on Thursday 5 March 13:00, two days
    late: the dossier is back at ``office``'s specialist."""
    dossier = draft(office)
    services.dossier_documents_mark_received(
        by=office.front_desk, dossier=dossier, required_document_ids=[d.pk for d in office.documents]
    )
    dossier = services.dossier_receive(by=office.front_desk, dossier=dossier, at=vn(2026, 3, 2, 8, 0))
    dossier = services.dossier_consult_agency(
        by=office.specialist, dossier=dossier, agency=partner.agency, question="Ý kiến?", at=vn(2026, 3, 2, 9, 0)
    )
    return services.dossier_forward(by=partner.specialist, dossier=dossier, at=vn(2026, 3, 5, 13, 0))


def _draft_url(dossier):
    return reverse("office:dossier_action", args=[dossier.pk, "letter_draft"])


def test_the_late_partner_drafts_the_letter_from_its_dossier_page(as_user, office, other_office, thursday):
    dossier = _answered_late(office, other_office)
    client = as_user(other_office.specialist)

    page = client.get(reverse("office:dossier", args=[dossier.pk])).content.decode()
    form = client.get(_draft_url(dossier)).context["form"]
    response = client.post(_draft_url(dossier), {"expected_version": dossier.version, **DRAFT})

    assert f'href="{_draft_url(dossier)}"' in page
    assert "agency" not in form.fields  # one agency at fault is theirs: nothing to choose
    assert response.status_code == 302
    assert list(ApologyLetter.objects.values_list("agency_id", flat=True)) == [other_office.agency.pk]


def test_an_officer_of_two_agencies_at_fault_chooses_the_one_writing(as_user, office, other_office, thursday):
    dossier = _answered_late(office, other_office)
    staff_role_grant(user=office.specialist, agency=other_office.agency, role="specialist")
    client = as_user(office.specialist)

    form = client.get(_draft_url(dossier)).context["form"]
    unchosen = client.post(_draft_url(dossier), {"expected_version": dossier.version, **DRAFT})
    chosen = client.post(
        _draft_url(dossier), {"expected_version": dossier.version, "agency": other_office.agency.pk, **DRAFT}
    )

    assert sorted(a.pk for a in form.fields["agency"].queryset) == sorted([office.agency.pk, other_office.agency.pk])
    assert (unchosen.status_code, unchosen.context["form"].errors["agency"]) == (400, ["This field is required."])
    assert chosen.status_code == 302
    assert list(ApologyLetter.objects.values_list("agency_id", flat=True)) == [other_office.agency.pk]


def test_an_agency_not_at_fault_may_not_choose_itself(as_user, office, other_office, thursday):
    # The partner answered on time: an officer of both agencies may only write for the one holding the dossier.
    dossier = draft(office)
    services.dossier_documents_mark_received(
        by=office.front_desk, dossier=dossier, required_document_ids=[d.pk for d in office.documents]
    )
    dossier = services.dossier_receive(by=office.front_desk, dossier=dossier, at=vn(2026, 3, 2, 8, 0))
    dossier = services.dossier_consult_agency(
        by=office.specialist, dossier=dossier, agency=other_office.agency, question="?", at=vn(2026, 3, 2, 9, 0)
    )
    dossier = services.dossier_forward(by=other_office.specialist, dossier=dossier, at=vn(2026, 3, 2, 10, 0))
    staff_role_grant(user=office.specialist, agency=other_office.agency, role="specialist")
    client = as_user(office.specialist)

    form = client.get(_draft_url(dossier)).context["form"]
    posted = client.post(
        _draft_url(dossier), {"expected_version": dossier.version, "agency": other_office.agency.pk, **DRAFT}
    )

    assert "agency" not in form.fields
    assert posted.status_code == 302
    assert list(ApologyLetter.objects.values_list("agency_id", flat=True)) == [office.agency.pk]


@pytest.mark.parametrize(("action", "approved"), [("letter_approve", False), ("letter_send", True)])
def test_a_closed_dossiers_letter_page_offers_nothing_to_approve_or_send(as_user, office, action, approved):
    dossier = draft(office)
    services.dossier_documents_mark_received(
        by=office.front_desk, dossier=dossier, required_document_ids=[d.pk for d in office.documents]
    )
    dossier = services.dossier_receive(by=office.front_desk, dossier=dossier, at=vn(2026, 3, 2, 8, 0))
    letter = services.apology_letter_draft(
        by=office.specialist, dossier=dossier, reason="Chờ", new_due_at=vn(2026, 3, 12, 8, 0), at=vn(2026, 3, 3, 9)
    )
    if approved:
        services.apology_letter_approve(by=office.leader, letter=letter, at=vn(2026, 3, 3, 9, 30))
    services.dossier_withdraw(by=office.front_desk, dossier=dossier, reason="Công dân xin rút", at=vn(2026, 3, 4, 9))
    url = reverse("office:dossier_action", args=[dossier.pk, action]) + f"?letter={letter.pk}"

    response = as_user(office.leader).get(url)
    slips = as_user(office.leader).get(reverse("office:slip", args=[dossier.pk, "04"]))

    assert response.context["unavailable"] is True
    assert "Confirm:" not in response.content.decode()
    assert slips.status_code == 404
