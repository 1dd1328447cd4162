"""The consultation page shows the dossier's due date by the answer-days field, and the domain's refusal of an
answer due after it is shown at the field."""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from chinhquyen.dossiers import services
from chinhquyen.office import actions
from tests.dossiers.factories import officer, vn
from tests.factories import AgencyFactory, CitizenFactory

pytestmark = pytest.mark.django_db

URL_NAME = "office:dossier_action"
IN_TIME = (
    "The consulted agency's step falls due this many working days from now. The dossier is due on "
    "%(due)s and the answer may not be due later: at most %(most)d working day.",
    "The consulted agency's step falls due this many working days from now. The dossier is due on "
    "%(due)s and the answer may not be due later: at most %(most)d working days.",
)
TOO_LATE = (
    "The dossier is due on %(due)s, sooner than any answer could be: give the agency the shortest time, 1 working day."
)


def _received_on_monday(office):
    """Received on Monday 2 March 2026 08:00 with five working days: due Monday 9 March 08:00."""
    at = vn(2026, 3, 2, 8, 0)
    dossier = services.dossier_create_at_counter(
        by=office.front_desk, procedure=office.procedure, applicant=CitizenFactory(), at=at
    )
    services.dossier_documents_mark_received(
        by=office.front_desk, dossier=dossier, required_document_ids=[d.pk for d in office.documents], at=at
    )
    return services.dossier_receive(by=office.front_desk, dossier=dossier, at=at)


def _help(page: str) -> str:
    start = page.index('id="id_answer_days_helptext">') + len('id="id_answer_days_helptext">')
    return page[start : page.index("</p>", start)]


def test_the_page_shows_the_dossiers_due_date_and_the_most_days_by_the_field(as_user, office, monkeypatch):
    # Given the page opened on Monday 2 March 09:00, the dossier due Monday 9 March 08:00
    dossier = _received_on_monday(office)
    monkeypatch.setattr(actions, "timezone", SimpleNamespace(now=lambda: vn(2026, 3, 2, 9, 0)))

    page = as_user(office.specialist).get(reverse(URL_NAME, args=[dossier.pk, "consult_agency"]))

    assert page.status_code == 200
    with translation.override("en"):
        expected = ngettext(*IN_TIME, 4) % {"due": "09/03/2026 08:00", "most": 4}
    assert _help(page.content.decode()) == escape(expected)


def test_a_dossier_without_a_due_date_shows_no_bound(as_user, office):
    dossier = _received_on_monday(office)
    type(dossier).objects.filter(pk=dossier.pk).update(due_at=None)

    page = as_user(office.specialist).get(reverse(URL_NAME, args=[dossier.pk, "consult_agency"]))

    with translation.override("en"):
        expected = gettext("The consulted agency's step falls due this many working days from now.")
    assert _help(page.content.decode()) == escape(expected)


def test_an_answer_after_the_due_date_is_refused_at_the_field_and_nothing_changes(as_user, office):
    # Given the dossier overdue now (due 9 March 2026): no answer can be in time, one working day is the most
    dossier = _received_on_monday(office)
    partner = AgencyFactory(name="Công an tỉnh")
    officer(partner, "specialist")
    client = as_user(office.specialist)
    url = reverse(URL_NAME, args=[dossier.pk, "consult_agency"])
    data = {"expected_version": dossier.version, "agency": partner.pk, "question": "Xác minh"}

    refused = client.post(url, {**data, "answer_days": 2})
    page = refused.content.decode()

    assert refused.status_code == 400
    with translation.override("en"):
        error = escape(gettext(TOO_LATE) % {"due": "09/03/2026 08:00"})
    assert f'<ul class="errorlist" id="id_answer_days_errors"><li>{error}</li></ul>' in page
    assert "Xác minh" in page  # what was typed is kept
    dossier.refresh_from_db()
    assert (dossier.steps.count(), dossier.active_step.consultation) == (2, False)

    # One working day, the shortest, is still accepted: the dossier may need the opinion
    accepted = client.post(url, {**data, "answer_days": 1})
    assert accepted.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.active_step.agency, dossier.active_step.consultation) == (partner, True)
