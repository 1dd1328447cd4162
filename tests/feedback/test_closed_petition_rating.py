"""A petition closed after its answer is still the sender's to rate; one closed without an answer is not."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from chinhquyen.feedback import services
from chinhquyen.feedback.errors import PetitionRefused
from tests.factories import UserFactory

from .helpers import agency_with_staff, answered, petition

pytestmark = pytest.mark.django_db


def test_the_sender_rates_an_answer_whose_petition_was_closed_after_it():
    staffed = agency_with_staff()
    sender = UserFactory()
    closed = services.petition_close(petition=answered(staffed, sender_user=sender), by=staffed.leader, reason="Trùng")

    services.petition_answer_rate(petition=closed, by=sender, satisfied=True)

    closed.refresh_from_db()
    assert (closed.status, closed.sender_satisfied) == ("closed", True)


def test_a_petition_closed_without_an_answer_has_nothing_to_rate():
    staffed = agency_with_staff()
    sender = UserFactory()
    filed = petition(about=staffed.agency, sender_user=sender)
    closed = services.petition_close(petition=filed, by=staffed.leader, reason="Không thuộc thẩm quyền")

    with pytest.raises(PetitionRefused) as refusal:
        services.petition_answer_rate(petition=closed, by=sender, satisfied=False)

    closed.refresh_from_db()
    assert (refusal.value.code, closed.sender_satisfied) == ("not_answered", None)
    assert str(refusal.value) == gettext("The petition was closed without an answer.")


def test_the_senders_page_offers_the_rating_for_a_petition_closed_after_its_answer(client):
    staffed = agency_with_staff()
    sender = UserFactory()
    answered_then_closed = services.petition_close(
        petition=answered(staffed, sender_user=sender), by=staffed.leader, reason="Trùng"
    )
    never_answered = services.petition_close(
        petition=petition(about=staffed.agency, sender_user=sender), by=staffed.leader, reason="Không thuộc thẩm quyền"
    )
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(sender)

    offered = client.get(reverse("portal:petition_detail", args=[answered_then_closed.code])).content.decode()
    not_offered = client.get(reverse("portal:petition_detail", args=[never_answered.code])).content.decode()
    sent = client.post(reverse("portal:petition_rate_answer", args=[answered_then_closed.code]), {"satisfied": "0"})

    answered_then_closed.refresh_from_db()
    assert ("Did the answer satisfy you?" in offered, "Did the answer satisfy you?" in not_offered) == (True, False)
    assert (sent.status_code, answered_then_closed.sender_satisfied) == (302, False)
