"""A result uploaded as a photo or scan image (JPEG, PNG) is issued as a one-page PDF signed by the agency, as an
uploaded PDF is: the applicant gets a document whose origin they can check, not a bare picture."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from chinhquyen.dossiers.documents import pdf_verify
from chinhquyen.dossiers.models import DocumentKind
from chinhquyen.dossiers.services import dossier_forward, dossier_issue_result
from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db


def image_upload(
    name: str, fmt: str, *, size=(1240, 1754), mode="RGB", dpi=(150, 150), exif=None
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    options = {"dpi": dpi} if dpi else {}
    if exif is not None:
        options["exif"] = exif
    Image.new(mode, size, "white").save(buffer, fmt, **options)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png"}[fmt]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def _issued(upload, **kwargs):
    world = World()
    dossier = dossier_forward(by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)))
    dossier = dossier_issue_result(by=world.leader, dossier=dossier, upload=upload, **kwargs)
    return world, dossier, dossier.documents.get(kind=DocumentKind.RESULT)


@pytest.mark.parametrize(("name", "fmt", "mode"), [("ket-qua.jpg", "JPEG", "RGB"), ("ket-qua.png", "PNG", "RGBA")])
def test_an_image_result_is_stored_as_a_signed_one_page_pdf_of_the_image(name, fmt, mode):
    world, dossier, result = _issued(image_upload(name, fmt, mode=mode))

    pdf = result.file.read()
    check = pdf_verify(pdf=pdf)
    (page,) = PdfReader(io.BytesIO(pdf)).pages
    (image,) = page.images
    assert (result.name, result.content_type, result.signed, result.size) == (
        "ket-qua.pdf",
        "application/pdf",
        True,
        len(pdf),
    )
    assert (check.valid, check.signer) == (True, world.agency.name)
    # The page is the image at its own resolution: 1240 x 1754 px at 150 dpi is A4 (595.2 x 841.92 pt).
    assert (round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1)) == (595.2, 841.9)
    assert image.image.size == (1240, 1754)
    assert dossier.events.get(action="issue_result").data["signed"] is True


def test_a_typed_title_names_the_pdf_made_of_the_image():
    _world, _dossier, result = _issued(image_upload("IMG_0042.jpg", "JPEG"), title="Trích lục khai sinh")

    assert (result.name, result.content_type) == ("Trích lục khai sinh.pdf", "application/pdf")


def test_a_photo_taken_sideways_is_turned_upright_as_its_camera_recorded():
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the camera was turned 90 degrees
    _world, _dossier, result = _issued(image_upload("anh.jpg", "JPEG", size=(1754, 1240), exif=exif.tobytes()))

    (page,) = PdfReader(io.BytesIO(result.file.read())).pages
    assert float(page.mediabox.width) < float(page.mediabox.height)


def test_an_image_without_a_resolution_is_laid_out_at_the_scanners_usual_200_dpi():
    _world, _dossier, result = _issued(image_upload("scan.png", "PNG", size=(1654, 2339), dpi=None))

    (page,) = PdfReader(io.BytesIO(result.file.read())).pages
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
