"""The office's buttons to check a supplied supplement: shown to whoever asked, posted, and reported."""

import re

import pytest
from django.urls import reverse

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import DossierStatus, Substatus

from .helpers import draft, received

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _act(client, dossier, action, **data):
    dossier.refresh_from_db()
    return client.post(
        reverse("office:dossier_action", args=[dossier.pk, action]), {"expected_version": dossier.version, **data}
    )


def _supplied_in_processing(office):
    dossier = received(office)
    services.dossier_request_supplement(by=office.specialist, dossier=dossier, items=["Bản sao CCCD"], reason="Thiếu")
    return services.dossier_supplement_provided(by=office.front_desk, dossier=dossier, note="Đã nộp")


def _supplied_at_the_counter(office):
    dossier = services.dossier_request_supplement(
        by=office.front_desk, dossier=draft(office), items=["Bản sao CCCD"], reason="Thiếu"
    )
    return services.dossier_supplement_provided(by=office.front_desk, dossier=dossier)


def _links(page: str, dossier) -> list[str]:
    found = []
    for name in ("supplement_accept", "supplement_reject"):
        if reverse("office:dossier_action", args=[dossier.pk, name]) in page:
            found.append(name)
    return found


def test_the_specialist_sees_both_buttons_and_the_others_none(as_user, office):
    dossier = _supplied_in_processing(office)

    pages = {
        user.username: _text(as_user(user).get(reverse("office:dossier", args=[dossier.pk])))
        for user in (office.specialist, office.front_desk, office.leader)
    }

    assert {name: _links(page, dossier) for name, page in pages.items()} == {
        "a.specialist": ["supplement_accept", "supplement_reject"],
        "a.front_desk": [],
        "a.leader": [],
    }
    # Everyone is told why the dossier waits (no "forward" until the check).
    hint = "The applicant has supplied documents. Whoever asked for them accepts them"
    assert [hint in page for page in pages.values()] == [True, True, True]
    assert reverse("office:dossier_action", args=[dossier.pk, "forward"]) not in pages["a.specialist"]
    assert "Accept the supplement</a>" in pages["a.specialist"]
    assert "Supplement not sufficient</a>" in pages["a.specialist"]
    assert "(Applicant has supplied the documents)" in pages["a.specialist"]


def test_the_front_desk_finds_the_buttons_on_the_reception_page(as_user, office):
    dossier = _supplied_at_the_counter(office)

    page = _text(as_user(office.front_desk).get(reverse("office:reception_dossier", args=[dossier.pk])))

    assert _links(page, dossier) == ["supplement_accept", "supplement_reject"]
    assert "The applicant has supplied documents. Whoever asked for them accepts them" in page
    assert reverse("office:dossier_action", args=[dossier.pk, "receive"]) not in page


def test_forwarding_before_the_check_is_refused_and_says_why(as_user, office):
    dossier = _supplied_in_processing(office)

    response = _act(as_user(office.specialist), dossier, "forward")

    assert response.status_code == 409
    assert "Check the documents the applicant supplied first: accept them or ask again for what is missing." in (
        _text(response)
    )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.substatus) == (DossierStatus.RECEIVED, Substatus.SUPPLEMENT_SUPPLIED)


def test_accepting_posts_and_reports_it(as_user, office):
    dossier = _supplied_in_processing(office)
    client = as_user(office.specialist)

    form = _text(client.get(reverse("office:dossier_action", args=[dossier.pk, "supplement_accept"])))
    response = _act(client, dossier, "supplement_accept", note="Đủ")
    page = _text(client.get(response["Location"]))

    assert "Accept the documents the applicant supplied? The applicant is told they were accepted." in form
    assert "Confirm: Accept the supplement" in form
    assert response.status_code == 302
    assert response["Location"] == reverse("office:dossier", args=[dossier.pk])
    assert "Done: Accept the supplement." in page
    assert "(Supplied documents accepted)" in page
    dossier.refresh_from_db()
    assert (dossier.status, dossier.substatus) == (DossierStatus.RECEIVED, Substatus.SUPPLEMENT_ACCEPTED)


def test_not_sufficient_asks_again_and_pauses_the_clock(as_user, office):
    dossier = _supplied_in_processing(office)
    client = as_user(office.specialist)

    response = _act(
        client, dossier, "supplement_reject", items="Bản sao CCCD có chứng thực\nẢnh 4x6", reason="Bản sao mờ"
    )
    page = _text(client.get(response["Location"]))

    assert response.status_code == 302
    assert "Done: Supplement not sufficient." in page
    dossier.refresh_from_db()
    assert (dossier.status, dossier.substatus) == (
        DossierStatus.SUPPLEMENT_REQUESTED,
        Substatus.SUPPLEMENT_BY_PROCESSOR,
    )
    assert dossier.paused_at is not None
    event = dossier.events.get(action="supplement_reject")
    assert (event.reason, event.data) == ("Bản sao mờ", {"items": ["Bản sao CCCD có chứng thực", "Ảnh 4x6"]})
    assert "Supplement not sufficient</strong>" in page  # its timeline row
    assert "Bản sao mờ" in page


def test_not_sufficient_without_a_reason_is_shown_at_the_field(as_user, office):
    dossier = _supplied_in_processing(office)

    response = _act(as_user(office.specialist), dossier, "supplement_reject", items="CCCD", reason="")

    assert response.status_code == 400
    assert response.context["form"].errors == {"reason": ["This field is required."]}
    dossier.refresh_from_db()
    assert dossier.substatus == Substatus.SUPPLEMENT_SUPPLIED


def test_the_front_desk_posting_the_specialists_check_is_refused(as_user, office):
    dossier = _supplied_in_processing(office)
    client = as_user(office.front_desk)

    shown = _text(client.get(reverse("office:dossier_action", args=[dossier.pk, "supplement_accept"])))
    response = _act(client, dossier, "supplement_accept")

    assert "This action is not open to you on this dossier now." in shown
    assert response.status_code == 409
    assert "The action was refused; nothing was changed." in _text(response)
    refusal = "You do not hold a role that may take the action “accept the documents supplied” on this dossier."
    assert refusal in _text(response)
    dossier.refresh_from_db()
    assert dossier.substatus == Substatus.SUPPLEMENT_SUPPLIED


def test_the_front_desk_says_not_enough_before_reception(as_user, office):
    dossier = _supplied_at_the_counter(office)
    client = as_user(office.front_desk)

    response = _act(client, dossier, "supplement_reject", items="Bản chính CCCD", reason="Chỉ có bản sao")

    assert response.status_code == 302
    assert response["Location"] == reverse("office:dossier", args=[dossier.pk])
    dossier.refresh_from_db()
    assert (dossier.status, dossier.paused_status, dossier.paused_at) == (
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.DRAFT,
        None,
    )
