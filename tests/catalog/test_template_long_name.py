"""A form template keeps a random stored name: a long Vietnamese title would pass Linux's 255-byte limit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.catalog.models import RequiredDocument
from tests.catalog.factories import ProcedureFactory
from tests.catalog.test_admin_and_value_fixes import _change_form_post
from tests.dossiers.factories import pdf_bytes

pytestmark = pytest.mark.django_db

LONG_NAME = (
    "Mẫu số 01 Tờ khai đăng ký khai sinh ban hành kèm theo Thông tư số 04 năm 2020 của Bộ trưởng Bộ Tư pháp quy "
    "định chi tiết thi hành một số điều của Luật Hộ tịch và biện pháp thi hành Luật Hộ tịch, bản cập nhật.PDF"
)


def test_a_template_with_a_long_vietnamese_name_is_saved(admin_client):
    assert len(LONG_NAME.encode()) > 255
    procedure = ProcedureFactory(code="1.000052")
    upload = SimpleUploadedFile(LONG_NAME, pdf_bytes(), content_type="application/pdf")

    response = _change_form_post(
        admin_client,
        procedure,
        **{
            "documents-TOTAL_FORMS": "1",
            "documents-0-name": "Tờ khai",
            "documents-0-position": "0",
            "documents-0-mandatory": "on",
            "documents-0-template_file": upload,
            "documents-0-procedure": str(procedure.pk),
        },
    )

    assert response.status_code == 302
    stored = RequiredDocument.objects.get(procedure=procedure).template_file.name
    assert stored.startswith("catalog/templates/")
    assert stored.endswith(".pdf")
    assert len(stored) == len("catalog/templates/") + 32 + len(".pdf")
