"""The applicant discards an unsubmitted draft after a confirmation: it and its files are gone."""

import re

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from chinhquyen.core.models import AuditEntry
from chinhquyen.dossiers.models import Dossier, DossierDocument
from chinhquyen.dossiers.services import dossier_document_add, online_draft_start
from tests.dossiers.factories import OwnedCitizenFactory
from tests.portal.apply_world import OnlineWorld, pdf_upload
from tests.portal.test_my_dossiers import submitted

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def draft_with_a_file(world: OnlineWorld) -> tuple[Dossier, DossierDocument]:
    user = world.applicant.user
    draft = online_draft_start(by=user, procedure=world.procedure, receiving_agency=world.agency, client_key="k")
    document = dossier_document_add(
        by=user, dossier=draft, upload=pdf_upload(), name="Giấy chứng sinh", required_document=world.certificate
    )
    return draft, document


@pytest.mark.parametrize("name", ["apply_form", "apply_documents", "apply_review"])
def test_every_step_links_to_the_confirmation(name):
    world = OnlineWorld()
    draft, _document = draft_with_a_file(world)

    html = text(world.client().get(reverse(f"portal:{name}", args=[draft.pk])))

    url = reverse("portal:apply_discard", args=[draft.pk])
    link = f'<a class="link-action" href="{url}">Discard this application</a>'
    assert html.count(link) == 1


def test_the_confirmation_names_what_goes_and_deletes_nothing():
    world = OnlineWorld()
    draft, document = draft_with_a_file(world)

    response = world.client().get(reverse("portal:apply_discard", args=[draft.pk]))

    html = text(response)
    assert response.status_code == 200
    assert "<h1>Discard this application?</h1>" in html
    assert (
        f"Your draft application to {world.agency.name} will be deleted, with what you filled in and the files you "
        "attached. This cannot be undone."
    ) in html
    assert "<li>Giấy chứng sinh (" in html
    assert '<button type="submit" class="btn">Discard the application</button>' in html
    assert f'<a href="{reverse("portal:apply_form", args=[draft.pk])}">Keep the application</a>' in html
    assert Dossier.objects.filter(pk=draft.pk).exists()


def test_discarding_deletes_the_draft_and_its_files_and_goes_to_my_dossiers(django_capture_on_commit_callbacks):
    world = OnlineWorld()
    draft, document = draft_with_a_file(world)
    client = world.client()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:apply_discard", args=[draft.pk]))
    mine = client.get(response["Location"])

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:my_dossiers")
    assert "Your draft application has been discarded." in text(mine)
    assert not Dossier.objects.filter(pk=draft.pk).exists()
    assert not default_storage.exists(document.file.name)
    assert AuditEntry.objects.filter(action="dossier.draft_discard", target=f"dossier:{draft.pk}").count() == 1
    # Starting again opens a new draft instead of leading to the discarded one.
    assert client.get(reverse("portal:apply", args=[world.procedure.code])).status_code == 200


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_applicant_cannot_reach_or_discard_the_draft(method):
    world = OnlineWorld()
    draft, _document = draft_with_a_file(world)
    client = world.client()
    client.force_login(OwnedCitizenFactory().user)

    response = getattr(client, method)(reverse("portal:apply_discard", args=[draft.pk]))

    assert response.status_code == 404
    assert Dossier.objects.filter(pk=draft.pk).exists()


def test_a_submitted_application_cannot_be_discarded():
    world = OnlineWorld()
    dossier = submitted(world)

    response = world.client().post(reverse("portal:apply_discard", args=[dossier.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:my_dossier", args=[dossier.pk])  # the submitted dossier's page
    assert Dossier.objects.filter(pk=dossier.pk).exists()


def test_the_confirmation_is_only_for_signed_in_applicants():
    world = OnlineWorld()
    draft, _document = draft_with_a_file(world)
    client = world.client()
    client.logout()

    response = client.post(reverse("portal:apply_discard", args=[draft.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))
    assert Dossier.objects.filter(pk=draft.pk).exists()
