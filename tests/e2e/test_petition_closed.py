"""In real Chromium: the sender's page of a petition closed without an answer passes axe."""

import pytest

from chinhquyen.feedback import services
from tests.factories import UserFactory
from tests.feedback.helpers import agency_with_staff, petition
from tests.feedback.test_browser import check, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_sender_reads_why_the_petition_was_closed(page, live_server):
    staffed = agency_with_staff()
    sender = UserFactory()
    filed = petition(about=staffed.agency, sender_user=sender)
    services.petition_close(petition=filed, by=staffed.leader, reason="Nội dung trùng với một phản ánh đã trả lời.")
    sign_in(page, live_server, sender)
    page.set_viewport_size({"width": 360, "height": 740})

    page.goto(f"{live_server.url}/phan-anh-kien-nghi/{filed.code}/")

    assert page.inner_text("#petition-closed-reason") == "Nội dung trùng với một phản ánh đã trả lời."
    check(page, "petition-closed")
