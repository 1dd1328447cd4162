"""A procedure withdrawn from the catalog cannot be applied for; its drafts say so and can be discarded."""

import re

import pytest
from django.urls import reverse

from chinhquyen.dossiers.models import Dossier, DossierStatus
from chinhquyen.dossiers.services import dossier_document_add, online_draft_save, online_draft_start
from tests.portal.apply_world import FORM, OnlineWorld, pdf_upload

pytestmark = pytest.mark.django_db

WITHDRAWN = "This procedure has been withdrawn from the catalog: applications for it are no longer accepted."
BANNER = (
    "The procedure has been withdrawn from the catalog, so this application can no longer be submitted. "
    "You can keep it to read or discard it."
)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def withdraw(world: OnlineWorld) -> None:
    world.procedure.is_active = False
    world.procedure.save(update_fields=["is_active"])


def complete_draft(world: OnlineWorld) -> Dossier:
    user = world.applicant.user
    draft = online_draft_start(by=user, procedure=world.procedure, receiving_agency=world.agency, client_key="k")
    online_draft_save(by=user, dossier=draft, form_data={**FORM, "applicant_id": world.applicant.personal_id})
    for rd in (world.declaration, world.certificate):
        dossier_document_add(by=user, dossier=draft, upload=pdf_upload(), name=rd.name, required_document=rd)
    return draft


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_start_page_of_a_withdrawn_procedure_says_so_and_offers_no_form(method):
    world = OnlineWorld()
    withdraw(world)
    client = world.client()
    url = reverse("portal:apply", args=[world.procedure.code])

    response = getattr(client, method)(url, {"agency": world.agency.pk, "key": "k"} if method == "post" else None)

    html = text(response)
    assert response.status_code == 404
    assert WITHDRAWN in html
    assert 'name="agency"' not in html
    assert Dossier.objects.count() == 0


def test_returning_to_a_withdrawn_procedure_leads_to_the_draft_which_says_so():
    world = OnlineWorld()
    draft = complete_draft(world)
    withdraw(world)
    client = world.client()

    back = client.get(reverse("portal:apply", args=[world.procedure.code]))
    form = client.get(back["Location"])

    assert back["Location"] == reverse("portal:apply_form", args=[draft.pk])
    assert form.status_code == 200
    assert BANNER in text(form)
    assert f'href="{reverse("portal:apply_discard", args=[draft.pk])}"' in text(form)
    assert "You had started this application" not in text(form)


def test_the_review_page_offers_no_submission_and_a_submission_is_refused():
    world = OnlineWorld()
    draft = complete_draft(world)
    withdraw(world)
    client = world.client()
    url = reverse("portal:apply_review", args=[draft.pk])

    review = client.get(url)
    submit = client.post(url, {"key": "k"})

    draft.refresh_from_db()
    assert review.status_code == 200
    assert BANNER in text(review)
    assert "Submit the application" not in text(review)
    assert submit.status_code == 400
    assert f"The application cannot be submitted yet</h2><p>{WITHDRAWN}</p>" in text(submit).replace("> <", "><")
    assert draft.status == DossierStatus.DRAFT


@pytest.mark.parametrize("name", ["apply_form", "apply_documents", "apply_review"])
def test_every_step_of_the_draft_shows_the_notice(name):
    world = OnlineWorld()
    draft = complete_draft(world)
    withdraw(world)

    response = world.client().get(reverse(f"portal:{name}", args=[draft.pk]))

    assert response.status_code == 200
    assert text(response).count(BANNER) == 1
