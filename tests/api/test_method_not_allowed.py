"""A method no operation of an API path takes is a 405 in the API's error shape, with the Allow header."""

import pytest

from chinhquyen.dossiers import services
from tests.api.helpers import api_client, place_make, token_for
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db

NOT_ALLOWED = {
    "code": "method_not_allowed",
    "message": "This method is not allowed here; the Allow header lists those that are.",
    "field": None,
    "errors": [],
}


def test_a_wrong_method_on_a_public_path_is_405_in_the_error_shape():
    response = api_client().delete("/api/v1/catalog/fields")

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response["Allow"] == "GET, HEAD"
    assert response.json() == NOT_ALLOWED


def test_a_wrong_method_on_a_dossier_is_405_in_the_error_shape():
    place = place_make()
    draft = services.dossier_create_at_counter(
        by=place.front_desk, procedure=place.procedure, applicant=CitizenFactory()
    )

    response = api_client(token_for(place.front_desk)).put(
        f"/api/v1/dossiers/{draft.pk}", "{}", content_type="application/json"
    )

    assert (response.status_code, response["Allow"], response.json()) == (405, "GET, HEAD", NOT_ALLOWED)


def test_a_get_on_an_action_is_405_allowing_post():
    response = api_client().get("/api/v1/dossiers/1/receive")

    assert (response.status_code, response["Allow"], response.json()) == (405, "POST", NOT_ALLOWED)


def test_an_unknown_api_path_stays_404_whatever_the_method():
    response = api_client().delete("/api/v1/no-such-operation")

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
