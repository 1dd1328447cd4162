"""A refused action shows the officer's entries again, ready to confirm once more; only a chosen file is lost."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import DocumentKind, DossierStatus

from .helpers import pdf_upload, received

pytestmark = pytest.mark.django_db

# Not the services' "reload it and try again": the page has reloaded the dossier already.
STALE = (
    "Someone else changed this dossier while this page was open. The page now shows it as it is: "
    "check it, then confirm again if the action still applies."
)
KEPT = "What you entered is kept below: check the dossier as it is now, then confirm again."
FILE_LOST = "The file you chose could not be kept: choose it again before confirming."
RESULT_TEXT = "Xác nhận ông Nguyễn Văn A đủ điều kiện.\nCăn cứ hồ sơ đã nộp ngày 02/03/2026."


def _at_leader(office):
    dossier = received(office)
    services.dossier_forward(by=office.specialist, dossier=dossier)
    dossier.refresh_from_db()
    return dossier


def _url(dossier, action):
    return reverse("office:dossier_action", args=[dossier.pk, action])


def _changed_meanwhile(office, dossier):
    """The leader claims the step in another tab: the version the open page carries is now stale."""
    seen = dossier.version
    services.dossier_claim(by=office.leader, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.version != seen
    return seen


def _resubmit(client, response, action):
    """Confirm the re-rendered page as it stands, as the browser would send it (files aside)."""
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    return client.post(_url(response.context["dossier"], action), data)


def test_a_stale_written_result_is_shown_again_and_confirming_it_issues_it(as_user, office):
    dossier = _at_leader(office)
    client = as_user(office.leader)
    seen = _changed_meanwhile(office, dossier)

    refused = client.post(
        _url(dossier, "issue_result"),
        {"expected_version": seen, "title": "Giấy xác nhận cư trú", "text": RESULT_TEXT},
    )
    body = refused.content.decode()
    issued = _resubmit(client, refused, "issue_result")

    assert refused.status_code == 409
    assert STALE in body
    assert KEPT in body
    assert FILE_LOST not in body
    assert 'name="title" value="Giấy xác nhận cư trú"' in body
    assert f">\n{RESULT_TEXT}</textarea>" in body
    assert f'name="expected_version" value="{dossier.version}"' in body
    assert issued.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED
    result = dossier.documents.get(kind=DocumentKind.RESULT)
    assert (result.name, result.signed) == ("Giấy xác nhận cư trú.pdf", True)


def test_a_stale_approval_keeps_the_note_and_confirming_it_approves(as_user, office):
    dossier = _at_leader(office)
    client = as_user(office.leader)
    seen = _changed_meanwhile(office, dossier)

    refused = client.post(_url(dossier, "approve"), {"expected_version": seen, "note": "Đồng ý, đủ điều kiện cấp"})
    body = refused.content.decode()
    approved = _resubmit(client, refused, "approve")

    assert refused.status_code == 409
    assert STALE in body
    assert ">\nĐồng ý, đủ điều kiện cấp</textarea>" in body
    assert approved.status_code == 302
    dossier.refresh_from_db()
    assert dossier.approved_at is not None
    assert dossier.events.filter(action="approve").get().reason == "Đồng ý, đủ điều kiện cấp"


def test_a_stale_supplement_request_keeps_the_items_and_the_reason(as_user, office):
    dossier = received(office)
    client = as_user(office.specialist)
    seen = dossier.version
    services.dossier_claim(by=office.specialist, dossier=dossier)
    dossier.refresh_from_db()

    refused = client.post(
        _url(dossier, "request_supplement"),
        {"expected_version": seen, "items": "Bản sao CCCD\nẢnh 4x6", "reason": "Thiếu giấy tờ tùy thân"},
    )
    asked = _resubmit(client, refused, "request_supplement")

    assert refused.status_code == 409
    assert refused.context["form"].initial == {
        "items": "Bản sao CCCD\nẢnh 4x6",
        "reason": "Thiếu giấy tờ tùy thân",
        "expected_version": dossier.version,
    }
    assert asked.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED


def test_a_refusal_that_is_not_stale_keeps_the_note_and_the_version(as_user, office):
    dossier = received(office)  # the active step is the specialist's: there is nothing to approve yet
    client = as_user(office.leader)
    version = dossier.version

    refused = client.post(_url(dossier, "approve"), {"expected_version": version, "note": "Đồng ý"})

    body = refused.content.decode()
    assert refused.status_code == 409
    assert "The action was refused; nothing was changed." in body
    assert ">\nĐồng ý</textarea>" in body
    assert refused.context["form"].initial == {"note": "Đồng ý", "expected_version": version}
    dossier.refresh_from_db()
    assert dossier.version == version


def test_a_refused_upload_says_the_file_must_be_chosen_again(as_user, office):
    dossier = _at_leader(office)
    client = as_user(office.leader)
    seen = _changed_meanwhile(office, dossier)

    refused = client.post(
        _url(dossier, "issue_result"), {"expected_version": seen, "upload": pdf_upload("ket-qua.pdf"), "title": ""}
    )

    body = refused.content.decode()
    assert refused.status_code == 409
    assert STALE in body
    assert FILE_LOST in body
    assert "ket-qua.pdf" not in body
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING


def test_a_claim_refused_as_stale_has_nothing_to_keep(as_user, office):
    dossier = received(office)
    client = as_user(office.specialist)

    refused = client.post(_url(dossier, "claim"), {"expected_version": dossier.version - 1})

    body = refused.content.decode()
    assert refused.status_code == 409
    assert STALE in body
    assert KEPT not in body
    assert f'name="expected_version" value="{dossier.version}"' in body


def test_a_written_result_for_an_action_closed_meanwhile_is_shown_to_copy(as_user, office):
    # Given the leader's page to issue the result, then, in another tab, the dossier sent back to the specialist.
    dossier = _at_leader(office)
    client = as_user(office.leader)
    seen = dossier.version
    services.dossier_send_back(by=office.leader, dossier=dossier, reason="Bổ sung căn cứ")

    # When the written result typed on the first page is confirmed.
    refused = client.post(
        _url(dossier, "issue_result"),
        {"expected_version": seen, "title": "Giấy xác nhận cư trú", "text": RESULT_TEXT},
    )

    # Then nothing is issued, no form is offered, and the text is there to copy, in a read-only box.
    body = refused.content.decode()
    dossier.refresh_from_db()
    assert (refused.status_code, dossier.status) == (409, DossierStatus.PROCESSING)
    assert refused.context["typed"] == [(gettext("Written result"), RESULT_TEXT)]
    assert f'<textarea id="typed-1" rows="6" readonly>{RESULT_TEXT}</textarea>' in body
    assert 'name="text"' not in body
