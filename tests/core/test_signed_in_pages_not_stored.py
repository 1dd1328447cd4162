"""An official's pages and files are kept by no browser cache or proxy (a counter's shared computer shows nothing
of the last person served); public pages keep their own caching."""

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.dossiers.services import dossier_document_add
from tests.dossiers.factories import World, pdf_bytes, vn
from tests.office.auth_helpers import officer_login

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    return {part.strip() for part in response["Cache-Control"].split(",")} >= {"no-store", "private"}


def test_an_officials_pages_and_the_applicants_files_are_not_stored():
    from django.core.files.uploadedfile import SimpleUploadedFile

    world = World()
    dossier = world.draft(at=vn(2026, 3, 2, 8, 0))
    document = dossier_document_add(
        by=world.front_desk,
        dossier=dossier,
        upload=SimpleUploadedFile("cccd.pdf", pdf_bytes(), content_type="application/pdf"),
        name="CCCD",
    )
    client = Client()
    officer_login(client, world.front_desk)

    pages = {
        "inbox": client.get(reverse("office:inbox")),
        "dossier": client.get(reverse("office:dossier", args=[dossier.pk])),
        "document": client.get(reverse("office:document", args=[dossier.pk, document.pk])),
        "search": client.get(reverse("office:search")),
    }

    assert {name: (r.status_code, _no_store(r)) for name, r in pages.items()} == dict.fromkeys(pages, (200, True))


def test_a_public_page_is_not_marked_private():
    response = Client().get("/")

    assert response.status_code == 200
    assert "private" not in response.get("Cache-Control", "")
