"""The counter refuses a file that only starts like a PDF or JPEG, and says why in the officer's language."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.office.helpers import draft, login, office_make

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("giay-to.pdf", b"%PDF-<html><script>alert(1)</script>", id="pdf-magic-then-html"),
        pytest.param("anh.jpg", b"\xff\xd8\xff" + b"not really a jpeg", id="jpeg-magic-then-text"),
    ],
)
def test_the_counter_refuses_a_file_that_only_starts_like_an_accepted_type(client, name, content):
    office = office_make()
    dossier = draft(office)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "vi"

    response = login(client, office.front_desk).post(
        reverse("office:reception_upload", args=[dossier.pk]),
        {"expected_version": dossier.version, "upload": SimpleUploadedFile(name, content)},
    )

    assert response.status_code == 400
    assert "Chỉ chấp nhận tệp PDF, JPEG và PNG; tệp này không thuộc các định dạng đó." in response.content.decode()
    assert dossier.documents.count() == 0
