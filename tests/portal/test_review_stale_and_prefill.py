"""The review page submits only what it showed; a prefilled field the applicant cleared stays cleared."""

import re

import pytest
from django.urls import reverse

from chinhquyen.dossiers.models import Dossier, DossierStatus
from tests.portal.apply_world import FORM, OnlineWorld, pdf_upload

pytestmark = pytest.mark.django_db

STALE = "This dossier changed while this page was open. The page now shows it as it is: check it, then send again."


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def started(world: OnlineWorld, client) -> Dossier:
    response = client.post(
        reverse("portal:apply", args=[world.procedure.code]), {"agency": world.agency.pk, "key": "k"}
    )
    assert response.status_code == 302
    return Dossier.objects.get(applicant=world.applicant, client_key="k")


def save(world: OnlineWorld, client, dossier: Dossier, **changes):
    dossier.refresh_from_db()
    data = {**FORM, "applicant_id": world.applicant.personal_id, "version": dossier.version, **changes}
    return client.post(reverse("portal:apply_form", args=[dossier.pk]), data)


def ready(world: OnlineWorld, client) -> Dossier:
    dossier = started(world, client)
    save(world, client, dossier, next="1")
    for required in (world.declaration, world.certificate):
        dossier.refresh_from_db()
        data = {"required_document": required.pk, "upload": pdf_upload(), "version": dossier.version}
        client.post(reverse("portal:apply_documents", args=[dossier.pk]), data)
    dossier.refresh_from_db()
    return dossier


def test_submitting_from_a_review_page_older_than_the_draft_is_refused_and_shows_it_again():
    world = OnlineWorld()
    client = world.client()
    dossier = ready(world, client)
    shown_version = dossier.version
    save(world, client, dossier, child_name="Trần Văn Sai", save="1")

    response = client.post(
        reverse("portal:apply_review", args=[dossier.pk]), {"key": dossier.client_key, "version": shown_version}
    )

    dossier.refresh_from_db()
    assert response.status_code == 400
    assert dossier.status == DossierStatus.DRAFT
    assert response.context["problem"] == STALE
    assert f'<input type="hidden" name="version" value="{dossier.version}">' in text(response)
    assert "<dd>Trần Văn Sai</dd>" in text(response)


def test_submitting_from_a_current_review_page_submits():
    world = OnlineWorld()
    client = world.client()
    dossier = ready(world, client)

    response = client.post(
        reverse("portal:apply_review", args=[dossier.pk]), {"key": dossier.client_key, "version": dossier.version}
    )

    dossier.refresh_from_db()
    assert response.status_code == 302
    assert dossier.status == DossierStatus.SUBMITTED


def test_the_refusal_on_the_review_page_names_the_field():
    world = OnlineWorld()
    client = world.client()
    dossier = started(world, client)
    save(world, client, dossier, child_name="", save="1")

    response = client.post(reverse("portal:apply_review", args=[dossier.pk]), {"key": dossier.client_key})

    assert response.status_code == 400
    assert response.context["problem"] == "Full name of the child: This field is required."


def test_a_prefilled_optional_field_the_applicant_cleared_stays_empty():
    world = OnlineWorld()
    world.applicant.email = "an@example.vn"
    world.applicant.save()
    client = world.client()
    dossier = started(world, client)
    assert 'value="an@example.vn"' in text(client.get(reverse("portal:apply_form", args=[dossier.pk])))

    save(world, client, dossier, applicant_email="", save="1")

    dossier.refresh_from_db()
    assert "applicant_email" not in dossier.form_data
    assert 'value="an@example.vn"' not in text(client.get(reverse("portal:apply_form", args=[dossier.pk])))
