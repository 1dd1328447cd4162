"""A petition closed by the agency shows its sender why; nobody else sees it (a closed petition is never published)."""

import re

import pytest
from django.urls import reverse

from chinhquyen.feedback import services
from chinhquyen.workcal.engine import TZ
from tests.factories import UserFactory

from .helpers import agency_with_staff, answered, petition

pytestmark = pytest.mark.django_db

REASON = "Nội dung trùng với phản ánh PA-2026-0001 đã được trả lời.\nĐề nghị xem câu trả lời ở đó."


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def en(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_sender_reads_why_a_petition_was_closed_without_an_answer(client):
    staffed = agency_with_staff()
    sender = UserFactory()
    filed = petition(about=staffed.agency, sender_user=sender)
    services.petition_close(petition=filed, by=staffed.leader, reason=REASON)
    filed.refresh_from_db()
    en(client).force_login(sender)

    response = client.get(reverse("portal:petition_detail", args=[filed.code]))

    html = text(response)
    assert response.status_code == 200
    assert '<dd id="petition-status">Closed</dd>' in html
    closed = filed.closed_at.astimezone(TZ)
    assert f'<dt>Closed on</dt><dd><time datetime="{closed.isoformat()}">{closed:%d/%m/%Y}</time></dd>' in html
    assert "<h2>Why the petition was closed</h2>" in html
    assert "The agency closed your petition without answering it, for the reason below." in html
    assert (
        '<p class="fb-text" id="petition-closed-reason">Nội dung trùng với phản ánh PA-2026-0001 đã được trả lời.<br>'
        "Đề nghị xem câu trả lời ở đó.</p>"
    ) in html
    assert "No answer yet." not in html


def test_a_petition_closed_after_its_answer_shows_both(client):
    staffed = agency_with_staff()
    sender = UserFactory()
    done = answered(staffed, sender_user=sender)
    services.petition_close(petition=done, by=staffed.leader, reason="Không công bố: việc riêng của người gửi.")
    en(client).force_login(sender)

    html = text(client.get(reverse("portal:petition_detail", args=[done.code])))

    assert '<p class="fb-text" id="petition-answer">' in html
    assert '<p class="fb-text" id="petition-closed-reason">Không công bố: việc riêng của người gửi.</p>' in html
    assert "The agency closed your petition without answering it" not in html
    # Still the sender's to rate: closing after the answer must not keep it out of the satisfaction indicator.
    assert "Did the answer satisfy you?" in html


def test_an_open_petition_still_says_no_answer_yet(client):
    sender = UserFactory()
    filed = petition(about=agency_with_staff().agency, sender_user=sender)
    en(client).force_login(sender)

    html = text(client.get(reverse("portal:petition_detail", args=[filed.code])))

    assert '<p class="fb-notice" role="status">No answer yet.</p>' in html
    assert "petition-closed-reason" not in html
    assert "Closed on" not in html


def test_nobody_but_the_sender_reads_the_closing_reason(client):
    staffed = agency_with_staff()
    filed = petition(about=staffed.agency, sender_user=UserFactory())
    services.petition_close(petition=filed, by=staffed.leader, reason=REASON)
    url = reverse("portal:petition_detail", args=[filed.code])

    anonymous = client.get(url)
    client.force_login(UserFactory())
    stranger = client.get(url)

    assert (anonymous.status_code, stranger.status_code) == (404, 404)
    assert "PA-2026-0001" not in anonymous.content.decode() + stranger.content.decode()


def test_the_senders_page_of_a_closed_petition_never_shows_internal_notes(client):
    staffed = agency_with_staff()
    sender = UserFactory()
    filed = petition(about=staffed.agency, sender_user=sender)
    services.petition_assign(petition=filed, by=staffed.leader, agency=staffed.agency, note="Chuyển gấp: ưu tiên.")
    services.petition_note_add(petition=filed, by=staffed.specialist, note="Đã gọi điện, người gửi hay khiếu nại.")
    services.petition_close(petition=filed, by=staffed.leader, reason=REASON)
    en(client).force_login(sender)

    html = text(client.get(reverse("portal:petition_detail", args=[filed.code])))

    assert 'id="petition-closed-reason">Nội dung trùng với phản ánh PA-2026-0001' in html
    assert "Chuyển gấp" not in html
    assert "Đã gọi điện" not in html
