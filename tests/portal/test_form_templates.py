"""Blank form templates: checked by content when published, downloaded from the procedure page."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chinhquyen.catalog.models import RequiredDocument
from chinhquyen.catalog.template_files import validate_template_file
from tests.catalog.factories import ProcedureFactory
from tests.dossiers.factories import pdf_bytes

pytestmark = pytest.mark.django_db


def published_template() -> RequiredDocument:
    procedure = ProcedureFactory()
    document = RequiredDocument.objects.create(
        procedure=procedure, position=0, name="Tờ khai đăng ký khai sinh", template_name="Tờ khai.pdf"
    )
    document.template_file.save("to-khai.pdf", SimpleUploadedFile("to-khai.pdf", pdf_bytes()), save=True)
    return document


def test_the_procedure_page_links_to_the_template_and_it_downloads():
    document = published_template()
    code = document.procedure.code
    client = Client(headers={"accept-language": "en"})

    page = client.get(reverse("portal:procedure_detail", args=[code])).content.decode()
    response = client.get(reverse("portal:procedure_template", args=[code, document.pk]))

    url = reverse("portal:procedure_template", args=[code, document.pk])
    assert f'<a href="{url}" download>Download Tờ khai.pdf</a>' in page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{code}-1.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_document_without_a_file_or_of_another_procedure_is_404():
    document = published_template()
    bare = RequiredDocument.objects.create(procedure=document.procedure, position=1, name="Giấy chứng sinh")
    other = ProcedureFactory()
    client = Client()

    assert client.get(reverse("portal:procedure_template", args=[other.code, document.pk])).status_code == 404
    assert client.get(reverse("portal:procedure_template", args=[document.procedure.code, bare.pk])).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("mau.exe", b"MZ\x90\x00", "template_type"),
        ("mau.pdf", b"MZ\x90\x00 renamed", "template_type"),
        ("mau.docx", b"%PDF-1.7 but named docx", "template_type"),
        ("mau.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "template_too_large"),
    ],
)
def test_templates_are_checked_by_content_name_and_size(name, content, code):
    with pytest.raises(ValidationError) as refused:
        validate_template_file(SimpleUploadedFile(name, content))

    assert refused.value.code == code


def test_word_and_pdf_templates_are_accepted():
    validate_template_file(SimpleUploadedFile("mau.docx", b"PK\x03\x04 rest of a zip"))
    validate_template_file(SimpleUploadedFile("mau.pdf", pdf_bytes()))
