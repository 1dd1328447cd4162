"""A letter draft, a stop or a withdrawal confirmed again from the same page with other words or another date (the
officer went back, corrected a typo and confirmed) is not the first request sent twice: the page does not say
"Done" for words that were never saved. Sent again unchanged, it still answers as the first."""

import pytest
from django.urls import reverse

from chinhquyen.dossiers.models import ApologyLetter, DossierStatus
from tests.office.helpers import received

pytestmark = pytest.mark.django_db

KEPT = "What you entered is kept below: check the dossier as it is now, then confirm again."
NOT_OPEN = "This action is not open to you on this dossier now."


def _url(dossier, action):
    return reverse("office:dossier_action", args=[dossier.pk, action])


def _draft(client, dossier, version, reason, new_due_at):
    return client.post(
        _url(dossier, "letter_draft"), {"expected_version": version, "reason": reason, "new_due_at": new_due_at}
    )


def test_a_letter_draft_corrected_and_confirmed_again_is_kept_to_confirm_not_said_done(as_user, office):
    dossier = received(office)
    client = as_user(office.specialist)
    seen = dossier.version

    first = _draft(client, dossier, seen, "Chờ ý kiến", "2099-03-10T08:00")
    corrected = _draft(client, dossier, seen, "Chờ ý kiến Sở Xây dựng", "2099-03-17T08:00")
    body = corrected.content.decode()
    confirmed = _draft(client, dossier, corrected.context["form"]["expected_version"].value(), *_kept(corrected))

    assert first.status_code == 302
    assert corrected.status_code == 409
    assert KEPT in body
    assert 'value="2099-03-17T08:00"' in body
    assert ">\nChờ ý kiến Sở Xây dựng</textarea>" in body
    assert confirmed.status_code == 302
    letters = ApologyLetter.objects.order_by("pk").values_list("reason", "new_due_at__year", "new_due_at__day")
    assert list(letters) == [("Chờ ý kiến", 2099, 10), ("Chờ ý kiến Sở Xây dựng", 2099, 17)]


def _kept(response):
    form = response.context["form"]
    return form["reason"].value(), form["new_due_at"].value().strftime("%Y-%m-%dT%H:%M")


def test_a_letter_draft_sent_twice_unchanged_is_drafted_once(as_user, office):
    dossier = received(office)
    client = as_user(office.specialist)

    first = _draft(client, dossier, dossier.version, "Chờ ý kiến", "2099-03-10T08:00")
    second = _draft(client, dossier, dossier.version, "Chờ ý kiến", "2099-03-10T08:00")

    assert (first.status_code, second.status_code) == (302, 302)
    assert second["Location"] == f"/office/dossiers/{dossier.pk}/"
    assert ApologyLetter.objects.count() == 1


def test_a_letter_draft_with_another_date_only_is_not_taken_for_the_first(as_user, office):
    dossier = received(office)
    client = as_user(office.specialist)

    _draft(client, dossier, dossier.version, "Chờ ý kiến", "2099-03-10T08:00")
    second = _draft(client, dossier, dossier.version, "Chờ ý kiến", "2099-03-11T08:00")

    assert second.status_code == 409
    assert ApologyLetter.objects.count() == 1


@pytest.mark.parametrize(
    ("action", "who", "status"),
    [("stop", "leader", DossierStatus.STOPPED), ("withdraw", "front_desk", DossierStatus.WITHDRAWN)],
)
def test_a_closing_reason_corrected_after_the_dossier_closed_is_not_said_done(as_user, office, action, who, status):
    dossier = received(office)
    client = as_user(getattr(office, who))
    seen = dossier.version

    first = client.post(_url(dossier, action), {"expected_version": seen, "reason": "Hồ sơ giả mạo"})
    corrected = client.post(_url(dossier, action), {"expected_version": seen, "reason": "Giấy tờ giả mạo"})
    body = corrected.content.decode()

    assert first.status_code == 302
    assert corrected.status_code == 409
    assert NOT_OPEN in body
    assert ">Giấy tờ giả mạo</textarea>" in body  # shown to copy: nothing was saved
    dossier.refresh_from_db()
    assert dossier.status == status
    assert list(dossier.events.filter(action=action).values_list("reason", flat=True)) == ["Hồ sơ giả mạo"]


@pytest.mark.parametrize(("action", "who"), [("stop", "leader"), ("withdraw", "front_desk")])
def test_a_closing_confirmed_twice_unchanged_answers_as_the_first(as_user, office, action, who):
    dossier = received(office)
    client = as_user(getattr(office, who))
    form = {"expected_version": dossier.version, "reason": "  Hồ sơ   giả mạo "}

    first = client.post(_url(dossier, action), form)
    second = client.post(_url(dossier, action), form)

    assert (first.status_code, second.status_code) == (302, 302)
    assert second["Location"] == f"/office/dossiers/{dossier.pk}/"
    assert dossier.events.filter(action=action).count() == 1
