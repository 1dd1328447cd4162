"""The pages confirming an apology letter's approval or sending say which letter they act on, and the dossier
page's links to them are told apart by their new due dates."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from chinhquyen.dossiers import services
from tests.factories import working_days_later

from .helpers import received

pytestmark = pytest.mark.django_db


def _two_drafts(office):
    dossier = received(office)
    first = services.apology_letter_draft(
        by=office.specialist,
        dossier=dossier,
        reason="Chờ xác minh hộ tịch",
        new_due_at=working_days_later(dossier.due_at, 5),
    )
    second = services.apology_letter_draft(
        by=office.specialist,
        dossier=dossier,
        reason="Chờ ý kiến Sở Tư pháp",
        new_due_at=working_days_later(dossier.due_at, 9),
    )
    return dossier, first, second


def _shown(at) -> str:
    return timezone.localtime(at).strftime("%d/%m/%Y %H:%M")


def _chosen(body: str) -> str:
    """The text of the block naming the chosen letter, tags removed."""
    block = re.search(r'<dl class="facts letter-chosen">(.*?)</dl>', body, re.S)
    assert block is not None, "no letter named"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block.group(1))).strip()


@pytest.mark.parametrize("action", ["letter_approve", "letter_send"])
def test_the_confirmation_names_the_letter_chosen_of_two(as_user, office, action):
    dossier, first, second = _two_drafts(office)
    if action == "letter_send":
        services.apology_letter_approve(by=office.leader, letter=first)
        services.apology_letter_approve(by=office.leader, letter=second)
    url = reverse("office:dossier_action", args=[dossier.pk, action]) + f"?letter={second.pk}"

    response = as_user(office.leader).get(url)

    assert response.status_code == 200
    assert response.context["letter"] == second
    assert _chosen(response.content.decode()) == (
        f"Agency at fault {office.agency.name} Reason Chờ ý kiến Sở Tư pháp New due date {_shown(second.new_due_at)}"
    )
    assert "Chờ xác minh hộ tịch" not in response.content.decode()


def test_a_confirmation_refused_for_a_stale_version_still_names_the_letter(as_user, office):
    dossier, _first, second = _two_drafts(office)
    url = reverse("office:dossier_action", args=[dossier.pk, "letter_approve"])

    response = as_user(office.leader).post(url, {"expected_version": dossier.version - 1, "letter": second.pk})

    assert response.status_code == 409
    assert response.context["letter"] == second
    assert "Chờ ý kiến Sở Tư pháp" in _chosen(response.content.decode())
    second.refresh_from_db()
    assert second.state == "draft"


@pytest.mark.parametrize(
    "query", ["", "?letter=", "?letter=abc", "?letter=999999"], ids=["none", "empty", "text", "unknown"]
)
def test_no_letter_of_the_dossier_named_shows_none(as_user, office, query):
    dossier, _first, _second = _two_drafts(office)
    url = reverse("office:dossier_action", args=[dossier.pk, "letter_approve"]) + query

    response = as_user(office.leader).get(url)

    assert response.status_code == 200
    assert response.context["letter"] is None
    assert "letter-chosen" not in response.content.decode()


def test_a_letter_of_another_dossier_is_not_shown(as_user, office):
    dossier, _first, _second = _two_drafts(office)
    _other, _o1, foreign = _two_drafts(office)
    url = reverse("office:dossier_action", args=[dossier.pk, "letter_approve"]) + f"?letter={foreign.pk}"

    response = as_user(office.leader).get(url)

    assert response.context["letter"] is None


def test_the_other_actions_have_no_letter(as_user, office):
    dossier = received(office)

    response = as_user(office.specialist).get(reverse("office:dossier_action", args=[dossier.pk, "letter_draft"]))

    assert response.status_code == 200
    assert "letter" not in response.context


def test_each_letter_link_of_the_dossier_page_has_its_own_name(as_user, office):
    dossier, first, second = _two_drafts(office)
    services.apology_letter_approve(by=office.leader, letter=first)

    body = as_user(office.leader).get(reverse("office:dossier", args=[dossier.pk])).content.decode()

    links = re.findall(r'<a href="[^"]*/actions/(letter_\w+)/\?letter=(\d+)">(.*?)</a>', body)
    names = [(action, int(pk), re.sub(r"<[^>]+>", "", text)) for action, pk, text in links]
    assert names == [
        ("letter_send", first.pk, f"Send the apology letter with the new due date {_shown(first.new_due_at)}"),
        ("letter_withdraw", first.pk, f"Withdraw the apology letter with the new due date {_shown(first.new_due_at)}"),
        ("letter_approve", second.pk, f"Approve the apology letter with the new due date {_shown(second.new_due_at)}"),
        (
            "letter_withdraw",
            second.pk,
            f"Withdraw the apology letter with the new due date {_shown(second.new_due_at)}",
        ),
    ]
