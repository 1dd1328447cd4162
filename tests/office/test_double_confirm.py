"""A confirmation sent twice (Enter pressed twice, or held): the browser drops the first answer and shows the
second, which must be the answer the first would have given. A change made meanwhile by someone else, or by
another action, is still refused, and an action no longer open is not offered again."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from chinhquyen.directory.services import staff_role_grant
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import DossierStatus
from tests.factories import UserFactory
from tests.office.helpers import draft, login, office_make, pdf_upload, received

pytestmark = pytest.mark.django_db

REFUSED = "Thao tác không được chấp nhận; không có gì thay đổi."
STALE = "Người khác đã thay đổi hồ sơ này trong lúc trang đang mở."
NOT_OPEN = "Hiện bạn không thể thực hiện thao tác này đối với hồ sơ."
KEPT = "Nội dung bạn đã nhập vẫn được giữ bên dưới"
CHOOSE_AGAIN = "Không thể giữ lại tệp bạn đã chọn: hãy chọn lại tệp trước khi xác nhận."
CONFIRM_RECEIVE = "Xác nhận: Tiếp nhận"
DONE = "Đã thực hiện:"


def _another_front_desk(o):
    colleague = UserFactory(username=f"{o.agency.code}.colleague")
    staff_role_grant(user=colleague, agency=o.agency, role="front_desk")
    return colleague


def _other_pdf(name: str) -> SimpleUploadedFile:
    """A valid PDF whose bytes differ from ``pdf_upload``'s (a landscape page)."""
    writer = PdfWriter()
    writer.add_blank_page(width=842, height=595)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


# --- The same form sent twice ---------------------------------------------------------------------


def test_receive_confirmed_twice_lands_on_the_outcome_page_both_times(client):
    o = office_make(prefix="dbl")
    dossier = draft(o)
    login(client, o.front_desk)
    url = f"/office/dossiers/{dossier.pk}/actions/receive/"
    form = {"expected_version": dossier.version}

    first = client.post(url, form)
    second = client.post(url, form)  # the same form, sent again before the first page arrived

    outcome = f"/office/reception/{dossier.pk}/outcome/"
    assert (first.status_code, first["Location"]) == (302, outcome)
    assert (second.status_code, second["Location"]) == (302, outcome)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.events.filter(action="receive").count() == 1


def test_forward_confirmed_twice_answers_as_the_first_and_says_done_once(client):
    o = office_make(prefix="dbf")
    dossier = services.dossier_claim(by=o.specialist, dossier=received(o))
    login(client, o.specialist)
    url = f"/office/dossiers/{dossier.pk}/actions/forward/"
    form = {"expected_version": dossier.version, "note": "Đủ điều kiện", "to_user": ""}

    first = client.post(url, form)
    second = client.post(url, form)

    assert (first.status_code, first["Location"]) == (302, f"/office/dossiers/{dossier.pk}/")
    assert (second.status_code, second["Location"]) == (302, f"/office/dossiers/{dossier.pk}/")
    dossier.refresh_from_db()
    assert dossier.active_step.role == "leader"
    assert dossier.events.filter(action="forward").count() == 1
    assert client.get(second["Location"]).content.decode().count(DONE) == 1


def test_scan_attached_twice_is_attached_once_and_not_asked_for_again(client):
    o = office_make(prefix="dba")
    dossier = draft(o)
    login(client, o.front_desk)
    url = f"/office/reception/{dossier.pk}/upload/"
    version = dossier.version

    first = client.post(url, {"expected_version": version, "upload": pdf_upload("to-khai.pdf"), "name": "Tờ khai"})
    second = client.post(url, {"expected_version": version, "upload": pdf_upload("to-khai.pdf"), "name": "Tờ khai"})

    assert (first.status_code, first["Location"]) == (302, f"/office/reception/{dossier.pk}/")
    assert (second.status_code, second["Location"]) == (302, f"/office/reception/{dossier.pk}/")
    assert list(dossier.documents.exclude(file="").values_list("name", flat=True)) == ["Tờ khai"]
    page = client.get(second["Location"]).content.decode()
    assert page.count("Đã đính kèm tệp Tờ khai.") == 1


def test_documents_list_saved_twice_is_saved_once(client):
    o = office_make(prefix="dbd")
    dossier = draft(o)
    login(client, o.front_desk)
    url = f"/office/reception/{dossier.pk}/documents/"
    form = {"expected_version": dossier.version, "required_documents": [str(o.documents[0].pk)]}

    client.post(url, form)
    second = client.post(url, form)

    assert (second.status_code, second["Location"]) == (302, f"/office/reception/{dossier.pk}/")
    assert dossier.events.filter(action="documents_mark_received").count() == 1


# --- A real conflict ------------------------------------------------------------------------------


def test_receive_by_another_officer_meanwhile_is_refused_and_not_offered_again(client):
    o = office_make(prefix="dbc")
    dossier = draft(o)
    seen = dossier.version
    colleague = _another_front_desk(o)
    services.dossier_documents_mark_received(by=colleague, dossier=dossier, required_document_ids=[])
    services.dossier_receive(by=colleague, dossier=dossier)
    login(client, o.front_desk)

    answer = client.post(f"/office/dossiers/{dossier.pk}/actions/receive/", {"expected_version": seen})

    body = answer.content.decode()
    assert answer.status_code == 409
    assert REFUSED in body
    assert STALE in body
    assert NOT_OPEN in body
    assert CONFIRM_RECEIVE not in body
    assert KEPT not in body


def test_receive_after_own_other_action_is_refused_and_offered_again(client):
    o = office_make(prefix="dbo")
    dossier = draft(o)
    seen = dossier.version
    # The same officer saves the list of documents in another tab: another action, not this form sent twice.
    services.dossier_documents_mark_received(by=o.front_desk, dossier=dossier, required_document_ids=[])
    login(client, o.front_desk)

    answer = client.post(f"/office/dossiers/{dossier.pk}/actions/receive/", {"expected_version": seen})

    body = answer.content.decode()
    assert answer.status_code == 409
    assert STALE in body
    assert CONFIRM_RECEIVE in body
    assert NOT_OPEN not in body
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT


def test_another_file_from_a_stale_scan_form_is_refused_and_asked_for_again(client):
    o = office_make(prefix="dbs")
    dossier = draft(o)
    seen = dossier.version
    login(client, o.front_desk)
    url = f"/office/reception/{dossier.pk}/upload/"
    client.post(url, {"expected_version": seen, "upload": pdf_upload("to-khai.pdf"), "name": "Tờ khai"})

    answer = client.post(url, {"expected_version": seen, "upload": _other_pdf("giay.pdf"), "name": "Giấy chứng sinh"})

    body = answer.content.decode()
    assert answer.status_code == 409
    assert STALE in body
    assert CHOOSE_AGAIN in body
    assert list(dossier.documents.exclude(file="").values_list("name", flat=True)) == ["Tờ khai"]


def test_a_forged_version_ahead_of_the_dossier_is_refused(client):
    o = office_make(prefix="dbv")
    dossier = draft(o)
    login(client, o.front_desk)

    answer = client.post(f"/office/dossiers/{dossier.pk}/actions/receive/", {"expected_version": dossier.version + 5})

    assert answer.status_code == 409
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT
