"""A refusal's reasons and a supplement request's items are bounded like the office's textarea: each line at
most 4,000 characters, at most 2,000 lines. Longer is 400 on the field; nothing is written."""

import pytest

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import EVENT_TEXT_MAX, DossierStatus
from tests.api.helpers import api_client, place_make, post_json, token_for
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db


def _draft(place):
    return services.dossier_create_at_counter(
        by=place.front_desk, procedure=place.procedure, applicant=CitizenFactory()
    )


@pytest.mark.parametrize(
    ("reasons", "field", "code"),
    [
        (["x" * (EVENT_TEXT_MAX + 1)], "reasons.0", "too_long"),
        (["x"] * (EVENT_TEXT_MAX // 2 + 1), "reasons", "too_long"),
    ],
)
def test_a_refusal_beyond_the_bounds_is_400_and_nothing_changes(reasons, field, code):
    place = place_make()
    dossier = _draft(place)

    response = post_json(
        api_client(token_for(place.front_desk)), f"/api/v1/dossiers/{dossier.pk}/refuse", {"reasons": reasons}
    )

    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"], body["errors"][0]["code"]) == ("invalid_request", field, code)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.events.filter(action="refuse").count()) == (DossierStatus.DRAFT, 0)


def test_a_refusal_at_the_bounds_is_taken():
    place = place_make()
    dossier = _draft(place)
    reasons = ["x" * EVENT_TEXT_MAX] + ["Thiếu giấy tờ"] * (EVENT_TEXT_MAX // 2 - 1)

    response = post_json(
        api_client(token_for(place.front_desk)), f"/api/v1/dossiers/{dossier.pk}/refuse", {"reasons": reasons}
    )

    assert response.status_code == 200, response.content
    assert response.json()["status_name"] == "refused"
