"""A result written at issue: rendered from the dossier, signed by the deciding agency, stored for download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.catalog.models import ProcedureResult
from chinhquyen.core.errors import InvalidInput
from chinhquyen.directory.models import StaffRole
from chinhquyen.dossiers.documents import pdf_verify
from chinhquyen.dossiers.documents.data import DEFAULT_RESULT_TITLE
from chinhquyen.dossiers.models import DocumentKind, DossierStatus, Substatus
from chinhquyen.dossiers.services import dossier_approve, dossier_forward, dossier_issue_result
from tests.dossiers.factories import World, pdf_bytes, vn
from tests.dossiers.test_documents_data import text_of

pytestmark = pytest.mark.django_db

TEXT = "Đồng ý xác nhận tình trạng hôn nhân của ông/bà Trần Thị Bình.\n\n  Giấy xác nhận có giá trị 6 tháng.  \n"


def _approved(world: World):
    world.leader.last_name, world.leader.first_name = "Lê Văn", "Cường"
    world.leader.save(update_fields=["last_name", "first_name"])
    StaffRole.objects.filter(user=world.leader).update(title="Chủ tịch")
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 3, 9, 0))
    return dossier_approve(by=world.leader, dossier=dossier, at=vn(2026, 3, 4, 9, 0))


def test_the_front_desk_issues_a_written_result_signed_for_the_approving_leader():
    world = World()
    ProcedureResult.objects.create(procedure=world.procedure, position=1, name="Giấy xác nhận tình trạng hôn nhân")
    dossier = _approved(world)

    dossier = dossier_issue_result(by=world.front_desk, dossier=dossier, text=TEXT, at=vn(2026, 3, 4, 10, 0))

    result = dossier.documents.get(kind=DocumentKind.RESULT)
    pdf = result.file.read()
    text = text_of(pdf)
    check = pdf_verify(pdf=pdf)
    event = dossier.events.get(action="issue_result")
    assert (dossier.status, dossier.substatus) == (DossierStatus.RESOLVED, Substatus.RESULT_READY)
    assert (result.name, result.content_type, result.signed, result.size) == (
        "Giấy xác nhận tình trạng hôn nhân.pdf",
        "application/pdf",
        True,
        len(pdf),
    )
    assert (check.valid, check.signer) == (True, world.agency.name)
    assert "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert f"Kính gửi: {dossier.applicant_snapshot['name']}" in text
    assert f"(thủ tục {world.procedure.code})" in text
    assert "Đồng ý xác nhận tình trạng hôn nhân của ông/bà Trần Thị Bình. Giấy xác nhận có giá trị 6 tháng." in text
    assert "CHỦ TỊCH" in text
    assert "Lê Văn Cường" in text
    assert "ngày 04 tháng 3 năm 2026" in text  # the day of the issue
    assert event.data == {"document": result.pk, "signed": True, "digitisation": "digitised", "written": True}


def test_a_leader_issuing_from_the_leaders_step_signs_it_and_the_title_defaults_to_a_notice():
    world = World()
    world.leader.last_name, world.leader.first_name = "Phạm Thị", "Dung"
    world.leader.save(update_fields=["last_name", "first_name"])
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 3, 9, 0))

    dossier = dossier_issue_result(by=world.leader, dossier=dossier, text="Chấp thuận.", at=vn(2026, 3, 4, 9, 0))

    result = dossier.documents.get(kind=DocumentKind.RESULT)
    text = text_of(result.file.read())
    assert result.name == f"{DEFAULT_RESULT_TITLE}.pdf"
    assert DEFAULT_RESULT_TITLE.upper() in text
    assert "THỦ TRƯỞNG CƠ QUAN" in text  # the leader has no job title
    assert "Phạm Thị Dung" in text
    assert dossier.approved_at == vn(2026, 3, 4, 9, 0)


def test_a_given_title_wins_and_blank_lines_are_not_paragraphs():
    world = World()
    dossier = dossier_issue_result(
        by=world.front_desk, dossier=_approved(world), title="  Văn bản trả lời  ", text="\n\nMột.\n\nHai.\n"
    )

    result = dossier.documents.get(kind=DocumentKind.RESULT)
    assert result.name == "Văn bản trả lời.pdf"
    assert "VĂN BẢN TRẢ LỜI" in text_of(result.file.read())


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"upload": "file", "text": "Chấp thuận."}, "result_source", "text"),
        ({"title": "x" * 256, "text": "Chấp thuận."}, "title_too_long", "title"),
        ({"text": "x" * 20_001}, "text_too_long", "text"),
    ],
)
def test_bad_written_results_are_refused_and_nothing_changes(kwargs, code, field):
    world = World()
    dossier = _approved(world)
    if kwargs.get("upload") == "file":
        kwargs = {**kwargs, "upload": SimpleUploadedFile("kq.pdf", pdf_bytes(), content_type="application/pdf")}

    with pytest.raises(InvalidInput) as refused:
        dossier_issue_result(by=world.front_desk, dossier=dossier, **kwargs)

    assert (refused.value.code, refused.value.field) == (code, field)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING
    assert not dossier.documents.filter(kind=DocumentKind.RESULT).exists()


def test_only_blank_text_is_no_written_result():
    world = World()

    dossier = dossier_issue_result(by=world.front_desk, dossier=_approved(world), text=" \n ")

    assert dossier.status == DossierStatus.RESOLVED
    assert not dossier.documents.filter(kind=DocumentKind.RESULT).exists()
