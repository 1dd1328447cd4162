"""Past the last day a letter could be sent, the office offers no apology letter to draft, approve or send, and
says why; a letter left unsent is withdrawn by its leader; the sending page of a letter says why it cannot be sent
while the clock waits on the applicant, instead of offering a confirmation bound to be refused."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from chinhquyen.dossiers import services
from chinhquyen.dossiers.deadlines import letter_send_by
from chinhquyen.dossiers.models import LetterState
from tests.dossiers.factories import vn
from tests.factories import CitizenFactory, working_days_later

from .helpers import received

pytestmark = pytest.mark.django_db

# Monday 2 March 2026, long past: its letters had to be sent in March.
PAST = vn(2026, 3, 2, 8, 0)


def _received_at(office, at):
    """A dossier of ``office`` received at ``at``."""
    dossier = services.dossier_create_at_counter(
        by=office.front_desk, procedure=office.procedure, applicant=CitizenFactory(), at=at
    )
    services.dossier_documents_mark_received(
        by=office.front_desk, dossier=dossier, required_document_ids=[d.pk for d in office.documents], at=at
    )
    return services.dossier_receive(by=office.front_desk, dossier=dossier, at=at)


def _too_late(dossier) -> str:
    """The refusal of a letter on ``dossier`` too late (as the service words it)."""
    due = timezone.localtime(dossier.due_at)
    return gettext(
        "The letter must be sent at least one working day before the due date, %(due)s: by %(last)s at the latest."
    ) % {"due": due.strftime("%d/%m/%Y %H:%M"), "last": letter_send_by(due_at=dossier.due_at).strftime("%d/%m/%Y")}


def _drafted_in_time(office, *, approved=False):
    """A past dossier with a letter drafted (and approved) the morning after its reception, in time then."""
    dossier = _received_at(office, PAST)
    letter = services.apology_letter_draft(
        by=office.specialist,
        dossier=dossier,
        reason="Chờ xác minh",
        new_due_at=working_days_later(dossier.due_at, 5),
        at=vn(2026, 3, 3, 9, 0),
    )
    if approved:
        letter = services.apology_letter_approve(by=office.leader, letter=letter, at=vn(2026, 3, 3, 10, 0))
    dossier.refresh_from_db()
    return dossier, letter


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _confirm_button(body: str) -> bool:
    return '<form method="post" class="stack confirm"' in body


def test_the_dossier_page_offers_a_letter_while_one_can_be_sent(as_user, office):
    dossier = received(office)

    body = as_user(office.specialist).get(reverse("office:dossier", args=[dossier.pk])).content.decode()

    assert reverse("office:dossier_action", args=[dossier.pk, "letter_draft"]) in body
    assert 'id="letter-draft-closed"' not in body


def test_past_the_last_day_the_dossier_page_offers_no_letter_and_says_why(as_user, office):
    dossier = _received_at(office, PAST)

    response = as_user(office.specialist).get(reverse("office:dossier", args=[dossier.pk]))

    body = response.content.decode()
    assert reverse("office:dossier_action", args=[dossier.pk, "letter_draft"]) not in body
    assert response.context["letter_draft_closed"] == _too_late(dossier)
    closed = re.search(r'<p class="muted" id="letter-draft-closed">(.*?)</p>', body, re.S)
    assert closed is not None
    assert _text(closed.group(1)) == f"{gettext('No apology letter can be drafted now:')} {_too_late(dossier)}"


def test_an_officer_who_may_not_draft_is_not_told_of_the_day(as_user, office):
    dossier = _received_at(office, PAST)

    response = as_user(office.front_desk).get(reverse("office:dossier", args=[dossier.pk]))

    assert response.context["letter_draft_closed"] is None


def test_the_draft_page_opened_too_late_says_why_and_offers_no_confirmation(as_user, office):
    dossier = _received_at(office, PAST)

    response = as_user(office.specialist).get(reverse("office:dossier_action", args=[dossier.pk, "letter_draft"]))

    body = response.content.decode()
    assert (response.status_code, response.context["unavailable"], response.context["why"]) == (
        200,
        True,
        _too_late(dossier),
    )
    assert not _confirm_button(body)


@pytest.mark.parametrize(("approved", "action"), [(False, "letter_approve"), (True, "letter_send")])
def test_a_letter_too_late_offers_its_withdrawal_instead_of_its_next_step(as_user, office, approved, action):
    dossier, letter = _drafted_in_time(office, approved=approved)

    response = as_user(office.leader).get(reverse("office:dossier", args=[dossier.pk]))

    body = response.content.decode()
    last = letter_send_by(due_at=dossier.due_at)
    assert response.context["letters_too_late"] == last
    assert reverse("office:dossier_action", args=[dossier.pk, action]) not in body
    withdraw = reverse("office:dossier_action", args=[dossier.pk, "letter_withdraw"]) + f"?letter={letter.pk}"
    assert withdraw in body
    assert gettext("Too late to send") in body
    assert gettext(
        "The last day a letter could be sent was %(date)s: no letter can be approved or sent now. Withdraw those "
        "left unsent."
    ) % {"date": last.strftime("%d/%m/%Y")} in _text(body)


def test_a_letter_in_time_may_be_withdrawn_too(as_user, office):
    dossier = received(office)
    letter = services.apology_letter_draft(
        by=office.specialist, dossier=dossier, reason="Chờ", new_due_at=working_days_later(dossier.due_at, 5)
    )

    response = as_user(office.leader).get(reverse("office:dossier", args=[dossier.pk]))

    body = response.content.decode()
    assert response.context["letters_too_late"] is None
    assert reverse("office:dossier_action", args=[dossier.pk, "letter_approve"]) + f"?letter={letter.pk}" in body
    assert reverse("office:dossier_action", args=[dossier.pk, "letter_withdraw"]) + f"?letter={letter.pk}" in body


@pytest.mark.parametrize(("approved", "action"), [(False, "letter_approve"), (True, "letter_send")])
def test_the_letter_page_opened_too_late_says_why_and_leads_to_the_withdrawal(as_user, office, approved, action):
    # The leader's inbox links the letter's page: too late, it says so and where the way out is.
    dossier, letter = _drafted_in_time(office, approved=approved)
    url = reverse("office:dossier_action", args=[dossier.pk, action]) + f"?letter={letter.pk}"

    response = as_user(office.leader).get(url)

    body = response.content.decode()
    assert (response.status_code, response.context["why"], response.context["letter"]) == (
        200,
        _too_late(dossier),
        letter,
    )
    assert not _confirm_button(body)
    assert reverse("office:dossier_action", args=[dossier.pk, "letter_withdraw"]) + f"?letter={letter.pk}" in body


def test_the_leader_withdraws_a_letter_from_the_office(as_user, office):
    dossier, letter = _drafted_in_time(office)
    client = as_user(office.leader)
    url = reverse("office:dossier_action", args=[dossier.pk, "letter_withdraw"])

    page = client.get(f"{url}?letter={letter.pk}")
    response = client.post(
        url, {"expected_version": dossier.version, "letter": letter.pk, "reason": "Quá hạn gửi phiếu"}
    )

    assert (page.status_code, page.context["why"], _confirm_button(page.content.decode())) == (200, None, True)
    assert response.status_code == 302
    assert response["Location"] == reverse("office:dossier", args=[dossier.pk])
    letter.refresh_from_db()
    assert letter.state == LetterState.WITHDRAWN
    event = dossier.events.order_by("-pk").first()
    assert (event.action, event.actor, event.reason, event.data) == (
        "letter_withdraw",
        office.leader,
        "Quá hạn gửi phiếu",
        {"letter": letter.pk},
    )
    after = client.get(reverse("office:dossier", args=[dossier.pk]))
    body = after.content.decode()
    assert f"?letter={letter.pk}" not in body  # neither printed nor acted on any more
    assert gettext("Withdraw the apology letter") in _text(body)  # the timeline row


def test_a_withdrawal_sent_twice_lands_on_the_dossier(as_user, office):
    dossier, letter = _drafted_in_time(office)
    client = as_user(office.leader)
    url = reverse("office:dossier_action", args=[dossier.pk, "letter_withdraw"])
    data = {"expected_version": dossier.version, "letter": letter.pk, "reason": "Quá hạn gửi phiếu"}

    client.post(url, data)
    again = client.post(url, data)

    assert again.status_code == 302
    assert dossier.events.filter(action="letter_withdraw").count() == 1


def test_the_send_page_while_the_clock_is_paused_says_why(as_user, office):
    dossier = received(office)
    letter = services.apology_letter_draft(
        by=office.specialist, dossier=dossier, reason="Chờ", new_due_at=working_days_later(dossier.due_at, 5)
    )
    services.apology_letter_approve(by=office.leader, letter=letter)
    services.dossier_request_supplement(by=office.specialist, dossier=dossier, items=["CCCD"], reason="Thiếu")
    url = reverse("office:dossier_action", args=[dossier.pk, "letter_send"]) + f"?letter={letter.pk}"

    response = as_user(office.leader).get(url)

    body = response.content.decode()
    paused = gettext(
        "The clock is stopped while the dossier waits for the applicant (documents asked for, or a payment), "
        "and the due date will move by the time paused: send the letter once it runs again, against the due "
        "date then."
    )
    assert (response.status_code, response.context["unavailable"], response.context["why"]) == (200, True, paused)
    assert paused in _text(body)
    assert not _confirm_button(body)
    # Waiting is no reason to withdraw it: no way out is pointed to.
    assert "letter_withdraw" not in body


def test_the_withdrawal_page_of_a_sent_letter_says_why(as_user, office):
    dossier = received(office)
    letter = services.apology_letter_draft(
        by=office.specialist, dossier=dossier, reason="Chờ", new_due_at=working_days_later(dossier.due_at, 5)
    )
    services.apology_letter_approve(by=office.leader, letter=letter)
    services.apology_letter_send(by=office.leader, letter=letter)
    url = reverse("office:dossier_action", args=[dossier.pk, "letter_withdraw"]) + f"?letter={letter.pk}"

    response = as_user(office.leader).get(url)

    assert (response.context["unavailable"], response.context["why"]) == (
        True,
        gettext("This letter was sent to the applicant: it can no longer be withdrawn."),
    )
    assert not _confirm_button(response.content.decode())
