"""Forms 01-07 built from dossiers that went through the services, read back field by field (spec §3)."""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from chinhquyen.directory.models import Applicant
from chinhquyen.dossiers.documents import render_slip, slip_data_for, slip_pdf_for
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services import (
    apology_letter_draft,
    dossier_authorised_person_set,
    dossier_create_at_counter,
    dossier_receive,
    dossier_refuse,
    dossier_request_supplement,
    dossier_supplement_provided,
    dossier_supplement_reject,
)
from tests.dossiers.factories import World, vn
from tests.dossiers.test_documents_data import text_of

pytestmark = pytest.mark.django_db

A5 = (419.53, 595.28)

AUTHORISED = {
    "name": "Lê Văn Tâm",
    "personal_id": "037090005678",
    "address": "Số 5 đường Lê Lợi, phường Hoa Lư",
    "phone": "0987654321",
    "email": "tam@example.vn",
    "authorisation": "Giấy ủy quyền số 12/2026 ngày 20/02/2026",
}


def lines_of(pdf: bytes) -> list[str]:
    """The lines of every page as laid out, without trailing white space."""
    return [line.rstrip() for page in PdfReader(io.BytesIO(pdf)).pages for line in page.extract_text().splitlines()]


def page_size(pdf: bytes) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return (round(float(box.width), 2), round(float(box.height), 2))


def world_with_contacts(*, days: int | None = 5) -> World:
    """A world whose applicant gave an address, a phone number and an e-mail address."""
    world = World(days=days)
    applicant = world.applicant
    applicant.address, applicant.phone, applicant.email = "Thôn Đông, xã Gia Viễn", "0912345678", "binh@example.vn"
    applicant.save()
    return world


def received_through_authorised_person(world: World) -> Dossier:
    draft = world.draft(at=vn(2026, 3, 2, 7, 50))
    dossier = dossier_authorised_person_set(by=world.front_desk, dossier=draft, details=AUTHORISED)
    return dossier_receive(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 2, 8, 15))


def test_receipt_01_starts_the_authorised_person_on_a_line_of_its_own():
    world = world_with_contacts()
    dossier = received_through_authorised_person(world)

    lines = lines_of(slip_pdf_for(dossier=dossier, kind="01", sign=False))

    # Given: the applicant's contacts end their line; the person lodging under the authorisation follows.
    assert "Số điện thoại: 0912345678 E-mail: binh@example.vn" in lines
    assert "Người được ủy quyền: Lê Văn Tâm" in lines
    assert "Số điện thoại: 0987654321 E-mail: tam@example.vn" in lines


def test_refusal_03_starts_the_legal_representative_on_a_line_of_its_own():
    world = World()
    company = Applicant.objects.create(
        kind="organisation",
        name="Công ty TNHH Minh An",
        tax_code="2800123456",
        representative="Phạm Thị Hà",
        phone="02293123456",
        email="minhan@example.vn",
    )
    draft = dossier_create_at_counter(by=world.front_desk, procedure=world.procedure, applicant=company)
    dossier = dossier_refuse(by=world.front_desk, dossier=draft, reasons=["Sai thẩm quyền"])

    lines = lines_of(slip_pdf_for(dossier=dossier, kind="03", sign=False))

    assert "Số điện thoại: 02293123456 E-mail: minhan@example.vn" in lines
    assert "Người đại diện theo pháp luật: Phạm Thị Hà" in lines


def refused_through_authorised_person(world: World) -> Dossier:
    dossier = dossier_authorised_person_set(by=world.front_desk, dossier=world.draft(), details=AUTHORISED)
    return dossier_refuse(by=world.front_desk, dossier=dossier, reasons=["Sai thẩm quyền"])


@pytest.mark.parametrize(
    ("make", "kind"),
    [(received_through_authorised_person, "01"), (refused_through_authorised_person, "03")],
    ids=["receipt", "refusal"],
)
def test_the_authorised_person_signs_as_the_person_lodging(make, kind):
    world = world_with_contacts()
    dossier = make(world)

    lines = lines_of(slip_pdf_for(dossier=dossier, kind=kind, sign=False))

    # The person lodging (người nộp hồ sơ) signs the receipt: here the authorised person, not the applicant.
    start = lines.index("NGƯỜI NỘP HỒ SƠ")
    assert lines[start : start + 3] == ["NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", "Lê Văn Tâm"]


def test_supplement_request_02_after_an_answer_not_enough_gives_the_request_standing_now():
    world = world_with_contacts()
    dossier = world.received(at=vn(2026, 3, 3, 14, 5))
    dossier = dossier_request_supplement(
        by=world.specialist,
        dossier=dossier,
        items=["Bản sao Giấy chứng nhận kết hôn"],
        reason="Thiếu giấy tờ",
        at=vn(2026, 3, 4, 10, 0),
    )
    dossier = dossier_supplement_provided(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 5, 10, 0))
    dossier = dossier_supplement_reject(
        by=world.specialist,
        dossier=dossier,
        items=["Bản sao có chứng thực Giấy chứng nhận kết hôn"],
        reason="Bản sao nộp bổ sung chưa được chứng thực",
        at=vn(2026, 3, 5, 15, 0),
    )

    text = text_of(slip_pdf_for(dossier=dossier, kind="02", sign=False))

    assert "Ninh Bình, ngày 05 tháng 3 năm 2026" in text
    assert "1. Bản sao có chứng thực Giấy chứng nhận kết hôn" in text
    assert "Lý do: Bản sao nộp bổ sung chưa được chứng thực" in text
    assert "1. Bản sao Giấy chứng nhận kết hôn" not in text


def test_receipt_01_writes_a_fractional_time_limit_with_a_decimal_comma():
    world = World(days=5)
    world.procedure.time_limit_value = Decimal("0.50")
    world.procedure.save(update_fields=["time_limit_value"])
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    text = text_of(slip_pdf_for(dossier=dossier, kind="01", sign=False))

    assert "3. Thời gian giải quyết hồ sơ theo quy định là: 0,5 ngày làm việc" in text


def test_apology_letter_04_being_prepared_gives_the_due_date_it_will_replace():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))  # due 09/03 08:00
    apology_letter_draft(
        by=world.specialist,
        dossier=dossier,
        reason="Chờ ý kiến cơ quan khác",
        new_due_at=vn(2026, 3, 20, 8, 0),
        at=vn(2026, 3, 3, 8, 0),
    )
    # Asked for a document after the drafting: two working days paused move the due date to 11/03.
    dossier = dossier_request_supplement(
        by=world.specialist,
        dossier=Dossier.objects.get(pk=dossier.pk),
        items=["Bản sao sổ hộ khẩu"],
        reason="Thiếu giấy tờ",
        at=vn(2026, 3, 3, 9, 0),
    )
    dossier = dossier_supplement_provided(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 5, 9, 0))

    text = text_of(slip_pdf_for(dossier=Dossier.objects.get(pk=dossier.pk), kind="04", sign=False))

    assert "Thời hạn trả kết quả giải quyết hồ sơ: 08 giờ 00 phút, ngày 11/03/2026" in text


def _supplement(world: World) -> Dossier:
    return dossier_request_supplement(
        by=world.front_desk, dossier=world.draft(), items=["Bản sao sổ hộ khẩu"], reason="Thiếu giấy tờ"
    )


def _refusal(world: World) -> Dossier:
    return dossier_refuse(by=world.front_desk, dossier=world.draft(), reasons=["Sai thẩm quyền"])


def _letter(world: World) -> Dossier:
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    apology_letter_draft(
        by=world.specialist, dossier=dossier, reason="Chờ", new_due_at=vn(2026, 3, 20, 8, 0), at=vn(2026, 3, 3, 9, 0)
    )
    return dossier


def _stopped(world: World) -> Dossier:
    from chinhquyen.dossiers.services import dossier_stop

    return dossier_stop(by=world.leader, dossier=world.received(at=vn(2026, 3, 2, 8, 0)), reason="Vi phạm")


@pytest.mark.parametrize(
    ("make", "kind"),
    [(_supplement, "02"), (_refusal, "03"), (_letter, "04"), (_stopped, "05")],
    ids=["supplement", "refusal", "apology", "stop"],
)
def test_letters_02_to_05_are_a5(make, kind):
    pdf = slip_pdf_for(dossier=make(World()), kind=kind, sign=False)

    assert page_size(pdf) == A5


def test_control_slip_06_names_the_default_steps_in_vietnamese_whatever_the_officers_language():
    world = World(days=5)
    # The tests run in English (conftest): as an officer whose interface is in English receives the dossier.
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    text = text_of(slip_pdf_for(dossier=dossier, kind="06", sign=False))

    assert f"Thẩm định, dự thảo kết quả - {world.agency.name}" in text
    assert [step.name for step in dossier.steps.order_by("order")] == [
        "Thẩm định, dự thảo kết quả",
        "Phê duyệt, ký số",
        "Trả kết quả",
    ]


def pages_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("documents", [2, 3, 4, 6])
def test_receipt_01_keeps_its_qr_code_on_the_page_of_the_signatures(documents):
    # Given: a receipt long enough to need a second A5 page (an authorised person, several documents).
    world = world_with_contacts()
    data = slip_data_for(dossier=received_through_authorised_person(world), kind="01")
    data["documents"] = [
        {"name": f"Giấy tờ số {n} của hồ sơ đăng ký", "originals": 1, "copies": 1} for n in range(1, documents + 1)
    ]

    pages = pages_of(render_slip(kind="01", data=data))

    # Then: whichever page the signatures fall on carries the QR code's lookup lines too, never a page alone.
    signed = [i for i, text in enumerate(pages) if "NGƯỜI NỘP HỒ SƠ" in text]
    looked_up = [i for i, text in enumerate(pages) if "Tra cứu tình trạng hồ sơ" in text]
    assert signed == looked_up == [len(pages) - 1]
    assert "Vào Sổ theo dõi hồ sơ" in "".join(pages)


def test_receipt_01_printed_again_lists_only_what_came_with_the_dossier():
    from chinhquyen.catalog.models import RequiredDocument
    from chinhquyen.dossiers.services import dossier_document_add, dossier_documents_mark_received
    from tests.dossiers.factories import supplement_send
    from tests.dossiers.test_documents_data import upload

    world = World(days=5)
    declaration = RequiredDocument.objects.create(procedure=world.procedure, position=1, name="Tờ khai", originals=1)
    draft = world.draft(at=vn(2026, 3, 2, 7, 50))
    dossier_document_add(
        by=world.front_desk, dossier=draft, upload=upload("to-khai.pdf"), name="Tờ khai", required_document=declaration
    )
    dossier_documents_mark_received(by=world.front_desk, dossier=draft, required_document_ids=[declaration.pk])
    dossier = dossier_receive(by=world.front_desk, dossier=Dossier.objects.get(pk=draft.pk), at=vn(2026, 3, 2, 8, 0))
    # During processing the specialist asks for a certified copy, which the applicant sends online.
    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["Bản sao có chứng thực"], reason="Thiếu", at=vn(2026, 3, 3, 8, 0)
    )
    supplement_send(world, dossier, at=vn(2026, 3, 4, 8, 0))
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.documents.filter(name="Bản bổ sung", received=True).exists()

    data = slip_data_for(dossier=dossier, kind="01", lookup_url="https://portal.example/tra-cuu", number="1")

    assert data["documents"] == [{"name": "Tờ khai", "originals": 1, "copies": 0}]
