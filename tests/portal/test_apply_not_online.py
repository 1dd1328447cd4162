"""A procedure not offered online: its start page says so, and a draft left from before cannot be submitted."""

import re

import pytest
from django.urls import reverse

from chinhquyen.dossiers.models import Dossier, DossierStatus
from tests.portal.apply_world import OnlineWorld
from tests.portal.test_apply_withdrawn import complete_draft

pytestmark = pytest.mark.django_db

NOT_ONLINE = "This procedure cannot be done online: apply at the counter of the agency that receives it."
BANNER = (
    "The procedure is no longer offered online, so this application can no longer be submitted. Apply at the "
    "counter of the agency that receives it. You can keep this application to read or discard it."
)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def not_online(world: OnlineWorld) -> None:
    world.procedure.online_level = "none"
    world.procedure.save(update_fields=["online_level"])


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_start_page_says_the_procedure_is_not_offered_online_and_offers_no_form(method):
    world = OnlineWorld()
    not_online(world)
    url = reverse("portal:apply", args=[world.procedure.code])

    response = getattr(world.client(), method)(
        url, {"agency": world.agency.pk, "key": "k"} if method == "post" else None
    )

    html = text(response)
    assert response.status_code == 404
    assert NOT_ONLINE in html
    assert 'name="agency"' not in html
    assert f'href="{reverse("portal:procedure_detail", args=[world.procedure.code])}"' in html
    assert Dossier.objects.count() == 0


def test_an_unknown_procedure_is_not_found():
    world = OnlineWorld()

    assert world.client().get(reverse("portal:apply", args=["0.000000"])).status_code == 404


def test_a_draft_left_from_before_says_so_and_its_submission_is_refused():
    world = OnlineWorld()
    draft = complete_draft(world)
    not_online(world)
    client = world.client()
    url = reverse("portal:apply_review", args=[draft.pk])

    back = client.get(reverse("portal:apply", args=[world.procedure.code]))
    review = client.get(url)
    submit = client.post(url, {"key": "k"})

    draft.refresh_from_db()
    assert back["Location"] == reverse("portal:apply_form", args=[draft.pk])
    assert review.status_code == 200
    assert text(review).count(BANNER) == 1
    assert "Submit the application" not in text(review)
    assert f'href="{reverse("portal:apply_discard", args=[draft.pk])}"' in text(review)
    assert submit.status_code == 400
    assert f"The application cannot be submitted yet</h2><p>{NOT_ONLINE}</p>" in text(submit).replace("> <", "><")
    assert draft.status == DossierStatus.DRAFT
