"""A stored file downloads with the extension of its checked type, whatever name the uploader gave it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chinhquyen.core.downloads import download_name
from chinhquyen.dossiers import services
from tests.dossiers.factories import jpeg_bytes, online_start, online_world, pdf_bytes, png_bytes
from tests.office.helpers import draft, login, office_make

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        pytest.param("giay-to.html", "application/pdf", "giay-to.pdf", id="wrong-extension-replaced"),
        pytest.param("Giấy khai sinh", "application/pdf", "Giấy khai sinh.pdf", id="missing-extension-added"),
        pytest.param("to-khai.PDF", "application/pdf", "to-khai.PDF", id="right-extension-kept"),
        pytest.param("anh.jpeg", "image/jpeg", "anh.jpeg", id="other-spelling-kept"),
        pytest.param("anh.jpg", "image/png", "anh.png", id="image-of-another-type"),
        pytest.param("to-khai.pdf.html", "application/pdf", "to-khai.pdf", id="double-extension"),
        pytest.param("Quyết định số 1.2", "application/pdf", "Quyết định số 1.2.pdf", id="number-is-no-extension"),
        pytest.param("scan\\x/y\n.pdf", "application/pdf", "scan-x-y-.pdf", id="separators-and-controls"),
        pytest.param(".html", "application/pdf", "html.pdf", id="hidden-name"),
        pytest.param("", "image/png", "file.png", id="empty"),
        pytest.param("x.exe", "", "x.bin", id="unknown-type"),
    ],
)
def test_download_name(name, content_type, expected):
    assert download_name(name, content_type=content_type) == expected


@pytest.mark.parametrize(
    ("name", "content", "content_type", "disposition"),
    [
        pytest.param("giay-to.html", pdf_bytes(), "application/pdf", 'attachment; filename="giay-to.pdf"', id="ascii"),
        pytest.param(
            "Ảnh chụp.png",
            jpeg_bytes(),
            "image/jpeg",
            "attachment; filename*=utf-8''%E1%BA%A2nh%20ch%E1%BB%A5p.jpg",
            id="vietnamese",
        ),
    ],
)
def test_office_download_is_named_by_the_checked_type(client, name, content, content_type, disposition):
    office = office_make()
    dossier = draft(office)
    document = services.dossier_document_add(
        by=office.front_desk,
        dossier=dossier,
        upload=SimpleUploadedFile(name, content, content_type="text/html"),
        name=name,
    )

    response = login(client, office.front_desk).get(reverse("office:document", args=[dossier.pk, document.pk]))

    assert response.status_code == 200
    assert (response["Content-Type"], response["Content-Disposition"], response["X-Content-Type-Options"]) == (
        content_type,
        disposition,
        "nosniff",
    )
    assert b"".join(response.streaming_content) == content


def _applicant_upload(name: str, content: bytes):
    world = online_world()
    dossier = online_start(world)
    document = services.dossier_document_add(
        by=world.applicant.user, dossier=dossier, upload=SimpleUploadedFile(name, content), name=name
    )
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.applicant.user)
    return dossier, document, client


def test_portal_download_is_named_by_the_dossier_and_the_checked_type():
    dossier, document, client = _applicant_upload("anh.html", png_bytes())

    response = client.get(reverse("portal:my_file", args=[dossier.pk, document.pk]))

    assert response.status_code == 200
    assert (
        response["Content-Type"],
        response["Content-Disposition"],
        response["X-Content-Type-Options"],
        response["Cache-Control"],
    ) == (
        "image/png",
        f'attachment; filename="{dossier.code or dossier.pk}-{document.pk}.png"',
        "nosniff",
        "private, no-store",
    )


def test_api_download_is_named_by_the_checked_type():
    dossier, document, client = _applicant_upload("Tờ khai.html", pdf_bytes())

    response = client.get(f"/api/v1/dossiers/{dossier.pk}/documents/{document.pk}/content")

    assert response.status_code == 200
    assert (response["Content-Type"], response["Content-Disposition"], response["X-Content-Type-Options"]) == (
        "application/pdf",
        "attachment; filename*=utf-8''T%E1%BB%9D%20khai.pdf",
        "nosniff",
    )
