"""The demo's procedures offered online can be submitted with what an online applicant has.

Documents the national record marks mandatory but needs only in some case (authorisation, in-person or
postal filing, the interactive e-form, what the registries hold) are optional in the demo's data.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.catalog.models import Procedure
from chinhquyen.core.errors import InvalidInput
from chinhquyen.demo.services import demo_document_conditional
from chinhquyen.directory.models import Applicant
from chinhquyen.dossiers.models import DossierStatus
from chinhquyen.dossiers.services import (
    dossier_document_add,
    online_draft_save,
    online_draft_start,
    online_draft_submit,
)
from tests.dossiers.factories import pdf_bytes
from tests.portal.apply_world import FORM

BIRTH_CERTIFICATE = (
    "Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm chứng xác nhận về việc "
    "sinh; nếu không có người làm chứng thì phải có giấy cam đoan về việc sinh."
)


@pytest.mark.parametrize(
    ("name", "conditional"),
    [
        pytest.param(BIRTH_CERTIFICATE, False, id="alternatives-after-semicolon"),
        pytest.param(
            "Giấy báo tử do cơ quan có thẩm quyền cấp. Trường hợp đã nộp bản điện tử ...",
            False,
            id="exemption-after-sentence",
        ),
        pytest.param("Thông báo chấm dứt hoạt động hộ kinh doanh.", False, id="plain"),
        pytest.param("Trường hợp trẻ em bị bỏ rơi thì phải có biên bản.", True, id="starts-with-case"),
        pytest.param(
            "Văn bản ủy quyền (được chứng thực) trong trường hợp ủy quyền thực hiện việc đăng ký khai sinh.",
            True,
            id="power-of-attorney",
        ),
        pytest.param(
            "Giấy tờ chứng minh cư trú trong trường hợp cơ quan không thể khai thác được thông tin",
            True,
            id="residence",
        ),
        pytest.param(
            "Hộ chiếu/Thẻ căn cước để chứng minh về nhân thân khi làm thủ tục trực tiếp tại cơ quan",
            True,
            id="id-in-person",
        ),
        pytest.param(
            "Tờ khai đăng ký khai sinh theo mẫu (nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực tiếp "
            "hoặc gửi hồ sơ qua hệ thống bưu chính);",
            True,
            id="paper-form",
        ),
        pytest.param(
            "Mẫu hộ tịch điện tử tương tác đăng ký khai sinh (do người yêu cầu cung cấp thông tin)",
            True,
            id="interactive-eform",
        ),
        pytest.param("Các giấy tờ để chứng minh đối tượng miễn, hoặc giảm phí (nếu có).", True, id="if-any"),
        pytest.param("Biên bản họp nhóm đối với hộ kinh doanh do nhóm cá nhân thành lập", True, id="for-those"),
        pytest.param(
            "Bản sao Thẻ Căn cước (Xuất trình bản chính để đối chiếu. Trường hợp không có bản chính ...)",
            True,
            id="original-to-compare",
        ),
        pytest.param("Thông tin chứng minh trong Cơ sở dữ liệu quốc gia về dân cư", True, id="registry"),
    ],
)
def test_demo_document_conditional(name, conditional):
    assert demo_document_conditional(name) is conditional


def _birth_draft():
    birth = Procedure.objects.get(code="1.001193")
    citizen = Applicant.objects.get(user__username="congdan")
    draft = online_draft_start(
        by=citizen.user, procedure=birth, receiving_agency=birth.agencies.order_by("pk").first(), client_key="k1"
    )
    draft = online_draft_save(by=citizen.user, dossier=draft, form_data={**FORM, "applicant_id": citizen.personal_id})
    return birth, citizen, draft


def test_demo_birth_registration_needs_only_the_birth_certificate_online(demo):
    birth, citizen, draft = _birth_draft()
    certificate = birth.documents.get(mandatory=True)

    with pytest.raises(InvalidInput) as refused:
        online_draft_submit(by=citizen.user, dossier=draft)
    upload = SimpleUploadedFile("giay-chung-sinh.pdf", pdf_bytes(), content_type="application/pdf")
    dossier_document_add(
        by=citizen.user, dossier=draft, upload=upload, name=certificate.name, required_document=certificate
    )
    dossier = online_draft_submit(by=citizen.user, dossier=draft)

    assert certificate.name == BIRTH_CERTIFICATE
    assert (refused.value.code, refused.value.message) == (
        "documents_missing",
        f"Vui lòng đính kèm các giấy tờ bắt buộc: {BIRTH_CERTIFICATE}.",
    )
    assert dossier.status == DossierStatus.SUBMITTED
    assert birth.documents.count() == 8


def test_demo_online_procedures_keep_their_core_documents_mandatory(demo):
    mandatory = {
        code: list(
            Procedure.objects.get(code=code)
            .documents.filter(mandatory=True)
            .order_by("position", "pk")
            .values_list("name", flat=True)
        )
        for code in ("1.000656", "1.001266", "2.000635", "3.000333")
    }

    assert mandatory == {
        "1.000656": [
            "Giấy báo tử hoặc giấy tờ thay Giấy báo tử do cơ quan có thẩm quyền cấp. Trường hợp người yêu cầu đã nộp "
            "bản điện tử Giấy báo tử hoặc cơ quan đăng ký hộ tịch đã khai thác được dữ liệu điện tử có ký số của Giấy "
            "báo tử thì không phải nộp bản giấy."
        ],
        "1.001266": ["Thông báo chấm dứt hoạt động hộ kinh doanh."],
        "2.000635": [],
        "3.000333": [
            "Tờ khai yêu cầu cấp Phiếu Lý lịch tư pháp (Dùng cho cá nhân có yêu cầu cấp Phiếu Lý lịch tư pháp), "
            "Mẫu số 01/2025/LLTP;"
        ],
    }
