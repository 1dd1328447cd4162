"""slip_data_for: the data of forms 01-07 built from dossiers that went through the services."""

import io
import re
import unicodedata
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from chinhquyen.catalog.models import RequiredDocument
from chinhquyen.directory.models import Applicant, StaffRole
from chinhquyen.dossiers.documents import pdf_verify, render_slip, slip_data_for, slip_pdf_for
from chinhquyen.dossiers.documents.data import lookup_url_for, person_name
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services import (
    dossier_approve,
    dossier_create_at_counter,
    dossier_document_add,
    dossier_documents_mark_received,
    dossier_forward,
    dossier_issue_result,
    dossier_receive,
    dossier_refuse,
    dossier_request_supplement,
    dossier_return,
    dossier_stop,
)
from tests.dossiers.factories import World, pdf_bytes, vn

pytestmark = pytest.mark.django_db

URL = "https://dichvucong.example.vn/tra-cuu-ho-so/?ma=x"


def text_of(pdf: bytes) -> str:
    raw = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", raw))


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def test_receipt_lists_the_documents_ticked_at_the_counter():
    world = World(days=5)
    declaration = RequiredDocument.objects.create(
        procedure=world.procedure, position=1, name="Tờ khai", originals=1, copies=0
    )

    certificate = RequiredDocument.objects.create(
        procedure=world.procedure, position=2, name="Giấy chứng sinh", copies=2
    )
    dossier = world.draft()
    for rd in (declaration, certificate):
        dossier_document_add(
            by=world.front_desk, dossier=dossier, upload=upload("a.pdf"), name="a", required_document=rd
        )
    dossier_documents_mark_received(by=world.front_desk, dossier=dossier, required_document_ids=[declaration.pk])
    dossier = dossier_receive(by=world.front_desk, dossier=Dossier.objects.get(pk=dossier.pk), at=vn(2026, 3, 2, 8, 0))

    data = slip_data_for(dossier=dossier, kind="01", lookup_url=URL, number="7/GTN")

    assert data["documents"] == [{"name": "Tờ khai", "originals": 1, "copies": 0}]
    assert data["code"] == dossier.code
    assert data["applicant"] == {
        "name": "Trần Thị Bình",
        "id_number": world.applicant.personal_id,
        "address": "",
        "phone": "",
        "email": "",
    }
    assert data["procedure"] == {"code": world.procedure.code, "name": world.procedure.name}
    assert (data["received_at"], data["due_at"]) == (vn(2026, 3, 2, 8, 0), vn(2026, 3, 9, 8, 0))
    assert data["time_limit"] == "5 ngày làm việc"  # Vietnamese whatever the interface language
    assert data["officer"] == {"name": "Nguyễn Văn A"}
    assert data["place"] == "Ninh Bình"  # PROVINCE_CODE 37: the agency has no division of its own
    assert (data["lookup_url"], data["number"]) == (URL, "7/GTN")
    text = text_of(render_slip(kind="01", data=data))
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "4. Thời gian nhận hồ sơ: 08 giờ 00 phút, ngày 02/03/2026" in text
    assert "5. Thời gian trả kết quả giải quyết hồ sơ: 08 giờ 00 phút, ngày 09/03/2026" in text
    assert "1 Tờ khai 1 0" in text
    assert "Giấy chứng sinh" not in text
    assert "Ninh Bình, ngày 02 tháng 3 năm 2026" in text


def test_receipt_counts_a_scan_made_at_the_counter_once_and_unticking_takes_it_off():
    from chinhquyen.dossiers.selectors import mandatory_documents_missing

    world = World(days=5)
    declaration = RequiredDocument.objects.create(
        procedure=world.procedure, position=1, name="Tờ khai", originals=1, mandatory=True
    )
    certificate = RequiredDocument.objects.create(
        procedure=world.procedure, position=2, name="Giấy chứng sinh", copies=1, mandatory=True
    )
    dossier = world.draft()
    dossier_document_add(
        by=world.front_desk,
        dossier=dossier,
        upload=upload("quet.pdf"),
        name="Tờ khai (bản quét)",
        kind="scan",
        required_document=declaration,
    )
    both = [declaration.pk, certificate.pk]
    dossier_documents_mark_received(
        by=world.front_desk, dossier=Dossier.objects.get(pk=dossier.pk), required_document_ids=both
    )
    dossier = Dossier.objects.get(pk=dossier.pk)

    assert [d["name"] for d in slip_data_for(dossier=dossier, kind="01", lookup_url=URL)["documents"]] == [
        "Tờ khai",
        "Giấy chứng sinh",
    ]
    assert mandatory_documents_missing(dossier=dossier) == []

    dossier_documents_mark_received(by=world.front_desk, dossier=dossier, required_document_ids=[certificate.pk])
    dossier = Dossier.objects.get(pk=dossier.pk)

    assert [d["name"] for d in slip_data_for(dossier=dossier, kind="01", lookup_url=URL)["documents"]] == [
        "Giấy chứng sinh"
    ]
    assert mandatory_documents_missing(dossier=dossier) == ["Tờ khai"]
    assert list(dossier.documents.order_by("pk").values_list("kind", "required_document_id", "received")) == [
        ("scan", declaration.pk, False),
        ("component", certificate.pk, True),
    ]


def test_default_lookup_url_carries_the_code_and_the_secret(settings):
    settings.PUBLIC_BASE_URL = "https://dichvucong.ninhbinh.gov.vn/"
    dossier = World().received(at=vn(2026, 3, 2, 8, 0))

    url = lookup_url_for(dossier)

    assert url.startswith("https://dichvucong.ninhbinh.gov.vn/")
    assert f"ma={dossier.code}" in url
    assert (f"k={dossier.lookup_secret}" in url) == bool(dossier.lookup_secret)


def test_supplement_request_gives_items_reason_and_officer():
    world = World()
    dossier = dossier_request_supplement(
        by=world.front_desk, dossier=world.draft(), items=["Bản sao sổ hộ khẩu"], reason="Thiếu giấy tờ"
    )

    data = slip_data_for(dossier=dossier, kind="02", lookup_url=URL)

    assert (data["items"], data["reason"]) == (["Bản sao sổ hộ khẩu"], "Thiếu giấy tờ")
    assert data["officer"] == {"name": "Nguyễn Văn A"}
    text = text_of(render_slip(kind="02", data=data))
    assert "1. Bản sao sổ hộ khẩu" in text
    assert "Lý do: Thiếu giấy tờ" in text


def test_refusal_gives_each_reason_and_no_code():
    world = World()
    dossier = dossier_refuse(by=world.front_desk, dossier=world.draft(), reasons=["Sai thẩm quyền", "Hồ sơ giả"])

    data = slip_data_for(dossier=dossier, kind="03", lookup_url=URL)

    assert (data["code"], data["reasons"]) == ("", ["Sai thẩm quyền", "Hồ sơ giả"])
    # Without a code the public lookup cannot find the dossier: the slip points nowhere.
    assert data["lookup_url"] == ""
    pdf = render_slip(kind="03", data=data)
    text = text_of(pdf)
    assert "1. Sai thẩm quyền 2. Hồ sơ giả" in text
    assert "Mã hồ sơ" not in text
    assert "tra-cuu-ho-so" not in text


def test_stop_notice_gives_the_reason_and_the_day():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    StaffRole.objects.filter(user=world.leader, role="leader").update(title="Chủ tịch")
    dossier = dossier_stop(by=world.leader, dossier=dossier, reason="Người nộp đề nghị dừng")

    data = slip_data_for(dossier=dossier, kind="05", lookup_url=URL)

    assert data["reason"] == "Người nộp đề nghị dừng"
    assert isinstance(data["stopped_at"], date)
    assert data["signer"] == {"name": "Nguyễn Văn A", "title": "Chủ tịch"}
    text = text_of(render_slip(kind="05", data=data))
    assert "Lý do: Người nộp đề nghị dừng" in text
    assert "CHỦ TỊCH (Ký, ghi rõ họ tên và đóng dấu) Nguyễn Văn A" in text


def test_organisation_applicant_names_its_legal_representative():
    world = World()
    company = Applicant.objects.create(
        kind="organisation", name="Công ty TNHH Minh An", tax_code="2800123456", representative="Phạm Thị Hà"
    )
    dossier = dossier_create_at_counter(by=world.front_desk, procedure=world.procedure, applicant=company)

    data = slip_data_for(dossier=dossier, kind="03", lookup_url=URL)

    assert (data["applicant"]["name"], data["applicant"]["id_number"]) == ("Công ty TNHH Minh An", "2800123456")
    assert data["representative"] == {"name": "Phạm Thị Hà", "kind": "legal"}
    assert "Người đại diện theo pháp luật: Phạm Thị Hà" in text_of(render_slip(kind="03", data=data))


def test_apology_letter_comes_from_the_agency_at_fault_with_the_new_due_date():
    from chinhquyen.dossiers.services import apology_letter_approve, apology_letter_draft

    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    letter = apology_letter_draft(
        by=world.specialist,
        dossier=dossier,
        reason="Chờ ý kiến cơ quan khác",
        new_due_at=vn(2026, 3, 16, 8, 0),
        at=vn(2026, 3, 3, 9, 0),
    )
    apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 3, 10, 0))

    data = slip_data_for(dossier=Dossier.objects.get(pk=dossier.pk), kind="04", lookup_url=URL)

    assert data["agency"]["name"] == world.agency.name
    assert (data["original_due_at"], data["new_due_at"]) == (vn(2026, 3, 9, 8, 0), vn(2026, 3, 16, 8, 0))
    assert (data["reason"], data["signer"]["name"]) == ("Chờ ý kiến cơ quan khác", "Nguyễn Văn A")
    text = text_of(render_slip(kind="04", data=data))
    assert "Thời hạn trả kết quả giải quyết hồ sơ: 08 giờ 00 phút, ngày 09/03/2026" in text
    assert "hẹn lại thời gian trả kết quả giải quyết hồ sơ vào: 08 giờ 00 phút, ngày 16/03/2026" in text


def test_apology_letter_printed_is_the_one_sent_not_a_later_draft():
    from chinhquyen.dossiers.services import apology_letter_approve, apology_letter_draft, apology_letter_send

    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    sent = apology_letter_draft(
        by=world.specialist,
        dossier=dossier,
        reason="Chờ ý kiến cơ quan khác",
        new_due_at=vn(2026, 3, 12, 8, 0),
        at=vn(2026, 3, 3, 9, 0),
    )
    apology_letter_draft(
        by=world.specialist,
        dossier=dossier,
        reason="Bản nháp khác",
        new_due_at=vn(2026, 3, 20, 8, 0),
        at=vn(2026, 3, 3, 10, 0),
    )
    assert slip_data_for(dossier=dossier, kind="04", lookup_url=URL)["reason"] == "Bản nháp khác"  # being prepared

    apology_letter_approve(by=world.leader, letter=sent, at=vn(2026, 3, 4, 8, 0))
    apology_letter_send(by=world.leader, letter=sent, at=vn(2026, 3, 4, 9, 0))
    data = slip_data_for(dossier=Dossier.objects.get(pk=dossier.pk), kind="04", lookup_url=URL)

    assert (data["reason"], data["new_due_at"], data["signer"]["name"]) == (
        "Chờ ý kiến cơ quan khác",
        vn(2026, 3, 12, 8, 0),
        "Nguyễn Văn A",
    )
    assert data["issued_at"] == vn(2026, 3, 4, 9, 0)


def test_control_slip_has_a_row_per_handoff_with_outcomes():
    world = World(days=5)
    world.specialist.first_name, world.specialist.last_name = "Hoa", "Lê Thị"
    world.specialist.save()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    steps = list(dossier.steps.order_by("order"))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 4, 9, 0))

    data = slip_data_for(dossier=dossier, kind="06", lookup_url=URL)

    first, second = (f"{s.name} - {world.agency.name}" for s in steps[:2])
    assert data["handoffs"] == [
        {
            "from_unit": world.agency.name,
            "from_person": "Nguyễn Văn A",  # the front-desk officer who received it
            "to_unit": first,
            "to_person": "Lê Thị Hoa",  # who handled the step, though she never claimed it
            "at": vn(2026, 3, 2, 8, 0),
            "outcome": "",
            "note": "",
        },
        {
            "from_unit": first,
            "from_person": "Lê Thị Hoa",
            "to_unit": second,
            "to_person": "",
            "at": vn(2026, 3, 4, 9, 0),
            "outcome": "early",
            "note": "",
        },
    ]
    assert (data["lead_agency"], data["coordinating_agencies"]) == (world.agency.name, [])
    text = text_of(render_slip(kind="06", data=data))
    assert "09 giờ 00 phút ngày 04/03/2026 Trước hạn" in text


def test_control_slip_follows_the_file_to_the_applicant():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 3, 9, 0))
    dossier = dossier_approve(by=world.leader, dossier=dossier, at=vn(2026, 3, 5, 10, 0))
    dossier = dossier_issue_result(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 5, 14, 0), text="Kết quả")
    dossier = dossier_return(by=world.front_desk, dossier=dossier, method="counter", at=vn(2026, 3, 6, 9, 30))
    units = [f"{s.name} - {world.agency.name}" for s in dossier.steps.order_by("order")]

    data = slip_data_for(dossier=dossier, kind="06", lookup_url=URL)

    rows = [(h["from_unit"], h["to_unit"], h["to_person"], h["at"], h["outcome"], h["note"]) for h in data["handoffs"]]
    desk, specialist, leader = (person_name(u) for u in (world.front_desk, world.specialist, world.leader))
    assert rows == [
        (world.agency.name, units[0], specialist, vn(2026, 3, 2, 8, 0), "", ""),
        (units[0], units[1], leader, vn(2026, 3, 3, 9, 0), "early", ""),
        # The leader's approval hands the file on to the step returning the result.
        (units[1], units[2], desk, vn(2026, 3, 5, 10, 0), "early", ""),
        # The last row: the result handed to the applicant, by the method chosen.
        (units[2], "Tổ chức, cá nhân nộp hồ sơ", "Trần Thị Bình", vn(2026, 3, 6, 9, 30), "early", "Trực tiếp"),
    ]
    text = text_of(render_slip(kind="06", data=data))
    assert "Tổ chức, cá nhân nộp hồ sơ" in text
    assert "09 giờ 30 phút ngày 06/03/2026 Trước hạn Trực tiếp" in text


def test_control_slip_has_the_leaders_handoff_when_the_leader_issues_the_result():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 3, 9, 0))
    dossier = dossier_issue_result(by=world.leader, dossier=dossier, at=vn(2026, 3, 10, 10, 0), text="Kết quả")
    dossier = dossier_return(by=world.front_desk, dossier=dossier, method="counter", at=vn(2026, 3, 10, 14, 0))
    units = [f"{s.name} - {world.agency.name}" for s in dossier.steps.order_by("order")]

    data = slip_data_for(dossier=dossier, kind="06", lookup_url=URL)

    rows = [(h["from_unit"], h["to_unit"], h["from_person"], h["at"], h["outcome"]) for h in data["handoffs"]]
    desk, specialist, leader = (person_name(u) for u in (world.front_desk, world.specialist, world.leader))
    assert rows == [
        (world.agency.name, units[0], desk, vn(2026, 3, 2, 8, 0), ""),
        (units[0], units[1], specialist, vn(2026, 3, 3, 9, 0), "early"),
        (units[1], units[2], leader, vn(2026, 3, 10, 10, 0), "late"),  # due 09/03 08:00
        (units[2], "Tổ chức, cá nhân nộp hồ sơ", desk, vn(2026, 3, 10, 14, 0), "late"),
    ]


def test_register_lists_the_dossiers_of_the_period_in_few_queries(django_assert_num_queries):
    world = World(days=5)
    first = world.received(at=vn(2026, 3, 2, 8, 0))
    second = world.received(at=vn(2026, 3, 3, 9, 15))
    dossiers = Dossier.objects.filter(pk__in=[first.pk, second.pk]).order_by("received_at")

    with django_assert_num_queries(4):
        data = slip_data_for(
            dossier=None,
            kind="07",
            agency=world.agency,
            dossiers=dossiers,
            date_from=date(2026, 3, 1),
            date_to=date(2026, 3, 31),
            book="01",
        )

    assert [(r["line"], r["code"], r["applicant"]) for r in data["rows"]] == [
        ("1", first.code, "Trần Thị Bình"),
        ("2", second.code, "Trần Thị Bình"),
    ]
    assert data["rows"][0]["lead_agency"] == world.agency.name
    text = text_of(render_slip(kind="07", data=data))
    assert "Từ ngày 01/03/2026 đến ngày 31/03/2026 · Quyển số: 01" in text
    assert f"2 {second.code} {world.procedure.name}" in text


def test_receipt_and_register_give_the_same_line_numbered_through_the_year():
    world = World(days=5)
    last_year = world.received(at=vn(2025, 12, 31, 9, 0))
    first = world.received(at=vn(2026, 3, 2, 8, 0))
    second = world.received(at=vn(2026, 3, 2, 9, 0))
    third = world.received(at=vn(2026, 3, 4, 10, 0))

    receipt = slip_data_for(dossier=third, kind="01", lookup_url=URL)
    # Received later, another dossier moves no line already printed.
    world.received(at=vn(2026, 3, 4, 11, 0))

    assert (receipt["number"], receipt["register"]) == ("3", {"book": "2026", "line": "3"})
    assert slip_data_for(dossier=last_year, kind="01", lookup_url=URL)["register"] == {"book": "2025", "line": "1"}
    register = slip_data_for(
        dossier=None,
        kind="07",
        agency=world.agency,
        dossiers=Dossier.objects.filter(received_at__gte=vn(2026, 3, 2)).order_by("received_at", "pk"),
        date_from=date(2026, 3, 2),
        date_to=date(2026, 3, 4),
    )
    assert [(r["line"], r["code"]) for r in register["rows"][:3]] == [
        ("1", first.code),
        ("2", second.code),
        ("3", third.code),
    ]
    assert (register["rows"][3]["line"], register["book"]) == ("4", "2026")
    text = text_of(render_slip(kind="01", data=receipt))
    assert "Vào Sổ theo dõi hồ sơ, Quyển số: 2026, Số thứ tự: 3" in text
    assert "Số: 3 " in text


def test_a_dossier_not_received_has_no_register_line():
    world = World(days=5)

    data = slip_data_for(dossier=world.draft(), kind="01", lookup_url=URL)

    assert (data["number"], data["register"]) == ("", {})


def test_slip_pdf_is_signed_by_the_receiving_agency(settings, tmp_path):
    settings.SIGNING_PKI_DIR = tmp_path
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    pdf = slip_pdf_for(dossier=dossier, kind="01", lookup_url=URL)

    check = pdf_verify(pdf=pdf)
    assert (check.valid, check.signer) == (True, world.agency.name)
    assert f"Mã hồ sơ: {dossier.code}" in text_of(pdf)
    assert pdf_verify(pdf=slip_pdf_for(dossier=dossier, kind="01", lookup_url=URL, sign=False)).summary == "unsigned"


def test_unknown_kind_and_missing_dossier_are_refused():
    with pytest.raises(ValueError, match="Unknown slip kind '09'"):
        slip_data_for(dossier=World().draft(), kind="09")
    with pytest.raises(ValueError, match="Form 01 needs a dossier"):
        slip_data_for(dossier=None, kind="01")
