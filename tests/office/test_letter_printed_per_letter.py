"""Each apology letter of a dossier prints as its own form 04 (``?letter=``): the head signing the letter approved
first gets that letter, not the newest draft beside it; a letter never sent prints only while the dossier is open."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from chinhquyen.dossiers import services
from tests.factories import working_days_later

from .helpers import received

pytestmark = pytest.mark.django_db


def _two_letters(office):
    """The first letter approved, a second drafted after it."""
    dossier = received(office)
    first = services.apology_letter_draft(
        by=office.specialist,
        dossier=dossier,
        reason="Chờ xác minh hộ tịch",
        new_due_at=working_days_later(dossier.due_at, 5),
    )
    services.apology_letter_approve(by=office.leader, letter=first)
    second = services.apology_letter_draft(
        by=office.specialist,
        dossier=dossier,
        reason="Chờ ý kiến Sở Tư pháp",
        new_due_at=working_days_later(dossier.due_at, 9),
    )
    return dossier, first, second


def _text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _url(dossier, letter=None) -> str:
    url = reverse("office:slip", args=[dossier.pk, "04"])
    return url if letter is None else f"{url}?letter={letter.pk}"


def _day(at) -> str:
    return timezone.localtime(at).strftime("%d/%m/%Y")


def test_the_letter_chosen_is_printed_not_the_newest(as_user, office):
    dossier, first, second = _two_letters(office)
    client = as_user(office.leader)

    chosen = _text(client.get(_url(dossier, first)))
    newest = _text(client.get(_url(dossier)))

    assert "Lý do: Chờ xác minh hộ tịch" in chosen
    assert f"ngày {_day(first.new_due_at)}" in chosen
    assert "Chờ ý kiến Sở Tư pháp" not in chosen
    assert "Lý do: Chờ ý kiến Sở Tư pháp" in newest  # unnamed, the newest letter being prepared, as before


def test_the_dossier_page_links_each_letter_to_its_own_print(as_user, office):
    dossier, first, second = _two_letters(office)

    body = as_user(office.leader).get(reverse("office:dossier", args=[dossier.pk])).content.decode()

    links = re.findall(r'<a href="([^"]*/slips/04\.pdf\?letter=\d+)">(.*?)</a>', body)
    assert [(href, re.sub(r"<[^>]+>", "", text)) for href, text in links] == [
        (_url(dossier, first), f"Print the letter (PDF) with the new due date {_shown(first.new_due_at)}"),
        (_url(dossier, second), f"Print the letter (PDF) with the new due date {_shown(second.new_due_at)}"),
    ]


def _shown(at) -> str:
    return timezone.localtime(at).strftime("%d/%m/%Y %H:%M")


@pytest.mark.parametrize("query", ["999999", "abc", ""], ids=["unknown", "text", "empty"])
def test_no_such_letter_of_the_dossier_is_404(as_user, office, query):
    dossier, _first, _second = _two_letters(office)

    response = as_user(office.leader).get(reverse("office:slip", args=[dossier.pk, "04"]) + f"?letter={query}")

    assert response.status_code == 404
    assert "This dossier has no such slip in its current state." in response.content.decode()


def test_a_letter_of_another_dossier_is_404(as_user, office):
    dossier, first, _second = _two_letters(office)
    other = received(office)
    services.apology_letter_draft(
        by=office.specialist, dossier=other, reason="Khác", new_due_at=working_days_later(other.due_at, 3)
    )

    response = as_user(office.leader).get(_url(other, first))

    assert response.status_code == 404


def test_once_closed_only_the_letter_sent_prints_and_is_linked(as_user, office):
    dossier, first, second = _two_letters(office)
    services.apology_letter_approve(by=office.leader, letter=second)
    services.apology_letter_send(by=office.leader, letter=second)
    dossier.refresh_from_db()
    services.dossier_withdraw(by=office.front_desk, dossier=dossier, reason="Rút theo yêu cầu")
    client = as_user(office.leader)

    unsent = client.get(_url(dossier, first))
    sent = client.get(_url(dossier, second))
    body = client.get(reverse("office:dossier", args=[dossier.pk])).content.decode()

    assert unsent.status_code == 404
    assert "Lý do: Chờ ý kiến Sở Tư pháp" in _text(sent)
    assert re.findall(r'href="([^"]*/slips/04\.pdf\?letter=\d+)"', body) == [_url(dossier, second)]
