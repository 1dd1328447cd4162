"""The dossier page and the actions on it: each asks for confirmation, calls the service, reports refusals."""

import pytest
from django.urls import reverse

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import DossierStatus
from tests.factories import working_days_later

from .helpers import pdf_upload, received

pytestmark = pytest.mark.django_db


def _act(client, dossier, action, **data):
    dossier.refresh_from_db()
    return client.post(
        reverse("office:dossier_action", args=[dossier.pk, action]), {"expected_version": dossier.version, **data}
    )


def test_detail_shows_header_steps_timeline_and_the_open_actions(as_user, office):
    dossier = received(office)
    client = as_user(office.specialist)

    response = client.get(reverse("office:dossier", args=[dossier.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert dossier.code in body
    assert office.procedure.name in body
    assert "Received (Được tiếp nhận)" in body
    assert "<dt>Time limit</dt><dd>5 working days</dd>" in body  # recorded as "5 Ngày làm việc", shown in English
    assert "Thụ lý" in body
    assert "Phê duyệt" in body
    assert reverse("office:dossier_action", args=[dossier.pk, "claim"]) in body
    assert reverse("office:dossier_action", args=[dossier.pk, "approve"]) not in body
    assert reverse("office:slip", args=[dossier.pk, "01"]) in body


def test_claim_then_forward_moves_the_dossier_to_the_leader(as_user, office):
    dossier = received(office)
    client = as_user(office.specialist)

    claimed = _act(client, dossier, "claim")
    forwarded = _act(client, dossier, "forward", note="Đủ điều kiện")

    assert claimed.status_code == 302
    assert forwarded.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING
    assert dossier.active_step.role == "leader"
    follow = client.get(forwarded["Location"])
    assert "Done: Forward to the next step." in follow.content.decode()


def test_leader_issues_the_result_and_front_desk_returns_it(as_user, office):
    dossier = received(office)
    services.dossier_forward(by=office.specialist, dossier=dossier)
    client = as_user(office.leader)

    issued = client.post(
        reverse("office:dossier_action", args=[dossier.pk, "issue_result"]),
        {"expected_version": dossier.version, "upload": pdf_upload("ket-qua.pdf")},
    )
    client = as_user(office.front_desk)
    returned = _act(client, dossier, "return", method="counter")

    assert issued.status_code == 302
    assert returned.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED
    assert dossier.return_method == "counter"


def test_a_refused_action_shows_the_reason_and_changes_nothing(as_user, office):
    dossier = received(office)
    client = as_user(office.leader)  # the active step is the specialist's
    version = dossier.version

    response = _act(client, dossier, "claim")

    body = response.content.decode()
    assert response.status_code == 409
    assert "The action was refused; nothing was changed." in body
    assert "You do not hold a role" in body
    dossier.refresh_from_db()
    assert dossier.version == version


def test_a_stale_form_is_refused(as_user, office):
    dossier = received(office)
    client = as_user(office.specialist)

    response = client.post(
        reverse("office:dossier_action", args=[dossier.pk, "claim"]), {"expected_version": dossier.version - 1}
    )

    assert response.status_code == 409
    assert "Someone else changed this dossier" in response.content.decode()


def test_missing_reason_is_shown_at_the_field(as_user, office):
    dossier = received(office)
    client = as_user(office.front_desk)

    response = _act(client, dossier, "withdraw", reason="")

    assert response.status_code == 400
    assert 'id="id_reason_errors"' in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED


def test_action_page_without_the_right_says_so_and_offers_no_form(as_user, office):
    dossier = received(office)
    client = as_user(office.leader)

    response = client.get(reverse("office:dossier_action", args=[dossier.pk, "claim"]))

    assert "This action is not open to you" in response.content.decode()
    assert "Confirm:" not in response.content.decode()


def test_unknown_action_is_404(as_user, office):
    dossier = received(office)
    client = as_user(office.specialist)

    assert client.get(reverse("office:dossier_action", args=[dossier.pk, "delete"])).status_code == 404


def test_document_is_served_only_through_the_checked_view(as_user, office, other_office):
    dossier = received(office)
    document = services.dossier_document_add(
        by=office.front_desk, dossier=dossier, upload=pdf_upload(), name="Bản quét tờ khai", kind="scan"
    )
    url = reverse("office:document", args=[dossier.pk, document.pk])

    own = as_user(office.specialist).get(url)
    assert own.status_code == 200
    assert own["Content-Type"] == "application/pdf"
    assert b"".join(own.streaming_content).startswith(b"%PDF")
    foreign = as_user(other_office.specialist).get(url)
    assert foreign.status_code == 404


def test_letters_are_drafted_with_a_new_due_date(as_user, office):
    dossier = received(office)
    client = as_user(office.specialist)
    new_due = working_days_later(dossier.due_at, 5).replace(microsecond=0)

    response = _act(
        client, dossier, "letter_draft", reason="Chờ xác minh", new_due_at=new_due.strftime("%Y-%m-%dT%H:%M")
    )

    assert response.status_code == 302
    assert dossier.apology_letters.get().state == "draft"
    page = client.get(reverse("office:dossier", args=[dossier.pk])).content.decode()
    assert "Chờ xác minh" in page


def test_claim_is_offered_until_the_specialist_holds_the_step(as_user, office):
    dossier = received(office)
    client = as_user(office.specialist)
    claim = reverse("office:dossier_action", args=[dossier.pk, "claim"])

    before = client.get(reverse("office:dossier", args=[dossier.pk])).content.decode()
    _act(client, dossier, "claim")
    after = client.get(reverse("office:dossier", args=[dossier.pk])).content.decode()
    again = _act(client, dossier, "claim")

    assert claim in before
    assert claim not in after
    assert reverse("office:dossier_action", args=[dossier.pk, "forward"]) in after
    assert again.status_code == 409
    assert "This step is already yours." in again.content.decode()


def test_an_approved_letter_waits_while_a_supplement_pauses_the_clock(as_user, office):
    dossier = received(office)
    letter = services.apology_letter_draft(
        by=office.specialist,
        dossier=dossier,
        reason="Chờ xác minh",
        new_due_at=working_days_later(dossier.due_at, 5).replace(microsecond=0),
    )
    services.apology_letter_approve(by=office.leader, letter=letter)
    send = reverse("office:dossier_action", args=[dossier.pk, "letter_send"]) + f"?letter={letter.pk}"
    client = as_user(office.leader)

    running = client.get(reverse("office:dossier", args=[dossier.pk])).content.decode()
    services.dossier_request_supplement(by=office.specialist, dossier=dossier, items=["CCCD"], reason="Thiếu")
    paused = client.get(reverse("office:dossier", args=[dossier.pk])).content.decode()
    refused = _act(client, dossier, "letter_send", letter=letter.pk)

    assert send in running
    assert "A letter must reach the applicant at least one working day before the due date" in running
    assert send not in paused
    assert "To send once the clock runs again (after the applicant's supply or payment)" in paused
    assert "A letter must reach the applicant at least one working day before the due date" not in paused
    assert refused.status_code == 409
    assert "The clock is stopped while the dossier waits for the applicant" in refused.content.decode()
    letter.refresh_from_db()
    assert letter.state == "approved"


def test_detail_page_query_count_stays_small(as_user, office, django_assert_max_num_queries):
    dossier = received(office)
    for i in range(5):
        services.dossier_document_add(by=office.front_desk, dossier=dossier, upload=pdf_upload(), name=f"Bản {i}")
    client = as_user(office.specialist)

    with django_assert_max_num_queries(16):
        response = client.get(reverse("office:dossier", args=[dossier.pk]))

    assert response.status_code == 200


def test_the_page_shows_when_the_result_was_ready(as_user, office):
    from django.utils import timezone

    dossier = services.dossier_forward(by=office.specialist, dossier=received(office))
    dossier = services.dossier_approve(by=office.leader, dossier=dossier)
    dossier = services.dossier_issue_result(by=office.front_desk, dossier=dossier, text="Kết quả")

    page = as_user(office.front_desk).get(reverse("office:dossier", args=[dossier.pk])).content.decode()

    ready = timezone.localtime(dossier.resolved_at).strftime("%d/%m/%Y %H:%M")
    assert f"<dt>Result ready</dt><dd>{ready}</dd>" in page
