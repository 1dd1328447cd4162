"""Every action of the dossier page posts its form to the domain service and reports the result."""

import pytest
from django.urls import reverse

from chinhquyen.directory.services import staff_role_grant
from chinhquyen.dossiers import services
from chinhquyen.dossiers.deadlines import letter_send_by
from chinhquyen.dossiers.models import DossierStatus
from tests.factories import AgencyFactory, UserFactory, working_days_later

from .helpers import received

pytestmark = pytest.mark.django_db


def _act(client, dossier, action, query="", **data):
    dossier.refresh_from_db()
    url = reverse("office:dossier_action", args=[dossier.pk, action]) + query
    return client.post(url, {"expected_version": dossier.version, **data})


def _at_leader(office):
    dossier = received(office)
    services.dossier_forward(by=office.specialist, dossier=dossier)
    return dossier


def _back_at_specialist(office):
    dossier = _at_leader(office)
    services.dossier_send_back(by=office.leader, dossier=dossier, reason="Xem lại")
    return dossier


def test_leader_sends_the_dossier_back_with_a_reason(as_user, office):
    dossier = _at_leader(office)

    response = _act(as_user(office.leader), dossier, "send_back", reason="Thiếu chữ ký")

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.active_step.role == "specialist"
    assert dossier.events.last().reason == "Thiếu chữ ký"


def test_leader_reassigns_the_step_to_another_specialist(as_user, office):
    dossier = received(office)
    colleague = UserFactory(username="a.specialist2")
    staff_role_grant(user=colleague, agency=office.agency, role="specialist")

    response = _act(as_user(office.leader), dossier, "reassign", to_user=colleague.pk)

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.active_step.assignee == colleague


def test_specialist_asks_for_a_supplement_and_front_desk_records_it(as_user, office):
    dossier = received(office)

    asked = _act(as_user(office.specialist), dossier, "request_supplement", items="Bản sao CCCD", reason="Thiếu")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    provided = _act(as_user(office.front_desk), dossier, "supplement_provided", note="Đã nộp")

    assert asked.status_code == 302
    assert provided.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED


def test_payment_is_requested_then_confirmed(as_user, office):
    dossier = _back_at_specialist(office)

    requested = _act(as_user(office.specialist), dossier, "request_payment", amount="50000", note="Lệ phí")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PAYMENT_REQUIRED
    confirmed = _act(as_user(office.front_desk), dossier, "payment_confirmed")

    assert requested.status_code == 302
    assert confirmed.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING


def test_a_non_positive_amount_is_refused_at_the_field(as_user, office):
    dossier = _back_at_specialist(office)

    response = _act(as_user(office.specialist), dossier, "request_payment", amount="0")

    assert response.status_code == 400
    assert 'id="id_amount_errors"' in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING


def test_specialist_consults_another_agency(as_user, office):
    dossier = _back_at_specialist(office)
    from tests.dossiers.factories import officer

    consulted = AgencyFactory(name="Công an tỉnh")
    officer(consulted, "specialist")
    silent = AgencyFactory(name="Ban không người trả lời")
    page = as_user(office.specialist).get(reverse("office:dossier_action", args=[dossier.pk, "consult_agency"]))

    too_long = _act(
        as_user(office.specialist), dossier, "consult_agency", agency=consulted.pk, question="Xác minh", answer_days=31
    )
    response = _act(
        as_user(office.specialist), dossier, "consult_agency", agency=consulted.pk, question="Xác minh", answer_days=2
    )

    assert too_long.status_code == 400
    assert 'id="id_answer_days_errors"' in too_long.content.decode()
    assert "Xác minh" in too_long.content.decode()  # what was typed is kept
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.active_step.agency, dossier.active_step.share_hours) == (consulted, 16)
    assert 'name="answer_days" value="1"' in page.content.decode()
    # Only agencies with a specialist to answer are offered.
    assert "Công an tỉnh" in page.content.decode()
    assert silent.name not in page.content.decode()


def test_leader_approves_and_the_front_desk_issues_the_result(as_user, office):
    from decimal import Decimal

    from chinhquyen.catalog.services import process_template_set

    process_template_set(
        procedure=office.procedure,
        steps=[
            {"name": "Thụ lý", "role": "specialist", "share_hours": Decimal(28), "agency": None},
            {"name": "Phê duyệt", "role": "leader", "share_hours": Decimal(8), "agency": None},
            {"name": "Trả kết quả", "role": "front_desk", "share_hours": Decimal(4), "agency": None},
        ],
    )
    dossier = _at_leader(office)

    approved = _act(as_user(office.leader), dossier, "approve", note="Đồng ý")
    issued = _act(as_user(office.front_desk), dossier, "issue_result")

    assert approved.status_code == 302
    assert issued.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED


def test_leader_stops_the_dossier_and_the_notice_is_available(as_user, office):
    dossier = received(office)
    client = as_user(office.leader)

    response = _act(client, dossier, "stop", reason="Người nộp không bổ sung")

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.STOPPED
    page = client.get(reverse("office:dossier", args=[dossier.pk])).content.decode()
    assert reverse("office:slip", args=[dossier.pk, "05"]) in page


def test_front_desk_withdraws_at_the_applicants_request(as_user, office):
    dossier = received(office)

    response = _act(as_user(office.front_desk), dossier, "withdraw", reason="Công dân xin rút")

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WITHDRAWN


def test_apology_letter_is_drafted_approved_and_sent(as_user, office):
    dossier = received(office)
    new_due = working_days_later(dossier.due_at, 5)

    drafted = _act(
        as_user(office.specialist),
        dossier,
        "letter_draft",
        reason="Chờ xác minh",
        new_due_at=new_due.strftime("%Y-%m-%dT%H:%M"),
    )
    letter = dossier.apology_letters.get()
    leader = as_user(office.leader)
    page = leader.get(reverse("office:dossier", args=[dossier.pk])).content.decode()
    approved = _act(leader, dossier, "letter_approve", query=f"?letter={letter.pk}", letter=letter.pk)
    sent = _act(leader, dossier, "letter_send", letter=letter.pk)
    after = leader.get(reverse("office:dossier", args=[dossier.pk])).content.decode()

    assert drafted.status_code == 302
    assert f"letter_approve/?letter={letter.pk}" in page
    send_by = letter_send_by(due_at=dossier.due_at).strftime("%d/%m/%Y")
    assert f"send it by {send_by} at the latest." in page
    assert "at the latest" not in after
    assert approved.status_code == 302
    assert sent.status_code == 302
    letter.refresh_from_db()
    dossier.refresh_from_db()
    assert letter.state == "sent"
    assert dossier.due_at == letter.new_due_at


def test_a_letter_of_another_dossier_is_refused_by_the_form(as_user, office):
    dossier = received(office)
    other = received(office)
    letter = services.apology_letter_draft(
        by=office.specialist, dossier=other, reason="Chờ", new_due_at=working_days_later(other.due_at, 5)
    )

    response = _act(as_user(office.leader), dossier, "letter_approve", letter=letter.pk)

    assert response.status_code == 400
    letter.refresh_from_db()
    assert letter.state == "draft"


def test_detail_and_action_pages_never_change_the_dossier(as_user, office):
    dossier = received(office)
    client = as_user(office.leader)
    version = dossier.version

    client.get(reverse("office:dossier", args=[dossier.pk]))
    for name in ("claim", "forward", "approve", "stop", "withdraw", "issue_result", "return", "letter_draft"):
        client.get(reverse("office:dossier_action", args=[dossier.pk, name]))

    dossier.refresh_from_db()
    assert dossier.version == version


def test_forward_offers_only_the_officials_of_the_next_step(as_user, office, other_office):
    dossier = received(office)
    client = as_user(office.specialist)

    response = client.get(reverse("office:dossier_action", args=[dossier.pk, "forward"]))

    choices = {value for value, _label in response.context["form"].fields["to_user"].choices if value}
    assert choices == {office.leader.pk}


def test_forward_to_a_named_leader_assigns_the_next_step(as_user, office):
    dossier = received(office)

    response = _act(as_user(office.specialist), dossier, "forward", note="", to_user=office.leader.pk)

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.active_step.assignee == office.leader


def test_the_front_desk_writes_the_result_titled_after_the_procedures_result(as_user, office):
    from chinhquyen.catalog.models import ProcedureResult
    from chinhquyen.dossiers.models import DocumentKind

    ProcedureResult.objects.create(procedure=office.procedure, position=1, name="Giấy xác nhận")
    dossier = _at_leader(office)
    services.dossier_approve(by=office.leader, dossier=dossier)
    client = as_user(office.front_desk)
    url = reverse("office:dossier_action", args=[dossier.pk, "issue_result"])

    form = client.get(url).content.decode()
    refused = _act(client, dossier, "issue_result", title="Giấy xác nhận", text="x" * 20_001)
    issued = _act(client, dossier, "issue_result", title="Giấy xác nhận", text="Xác nhận ông/bà đủ điều kiện.")

    assert 'name="title" value="Giấy xác nhận"' in form
    assert refused.status_code == 400
    too_long = "Ensure this value has at most 20000 characters (it has 20001)."
    assert refused.context["form"].errors == {"text": [too_long]}
    assert issued.status_code == 302
    result = dossier.documents.get(kind=DocumentKind.RESULT)
    assert (result.name, result.signed) == ("Giấy xác nhận.pdf", True)
