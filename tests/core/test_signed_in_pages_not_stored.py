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
    return {part.strip() for part in response.get("Cache-Control", "").split(",")} >= {"no-store", "private"}


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


def test_the_applicants_dossier_pages_are_not_stored_but_the_e_form_is():
    """Pages only fetched by GET are ``no-store``; the e-form, which a saved draft renders from a POST, is not
    (Back to it would be the browser's "resubmit?" error instead of the input the page puts back)."""
    from chinhquyen.dossiers.services import online_draft_start
    from tests.portal.apply_world import OnlineWorld

    world = OnlineWorld()
    received = world.received(at=vn(2026, 3, 2, 8, 0))
    draft = online_draft_start(
        by=world.applicant.user, procedure=world.procedure, receiving_agency=world.agency, client_key="k"
    )
    client = world.client()

    pages = {
        "mine": client.get(reverse("portal:my_dossiers")),
        "dossier": client.get(reverse("portal:my_dossier", args=[received.pk])),
        "form": client.get(reverse("portal:apply_form", args=[draft.pk])),
    }

    assert {name: (r.status_code, _no_store(r)) for name, r in pages.items()} == {
        "mine": (200, True),
        "dossier": (200, True),
        "form": (200, False),
    }
