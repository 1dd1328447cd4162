"""The API's skeleton: OpenAPI 3.1, the docs page without CDN, one error shape in vi and en."""

import json

import pytest
from django.test import Client

from tests.api.helpers import api_client, place_make, system_make, token_for

pytestmark = pytest.mark.django_db


def test_openapi_is_3_1_with_every_domain():
    schema = Client().get("/api/v1/openapi.json").json()

    assert schema["openapi"] == "3.1.0"
    assert schema["info"]["title"] == "chinhquyen API"
    tags = {tag for op in (o for p in schema["paths"].values() for o in p.values()) for tag in op["tags"]}
    assert {"catalog", "directory", "dossiers", "dossier actions", "webhooks", "meta"} <= tags
    assert set(schema["components"]["securitySchemes"]) == {"SystemKey", "OfficerToken", "ApplicantBearer", "Session"}


def test_the_schema_has_no_duplicate_keys():
    def refuse_duplicates(pairs):
        keys = [key for key, _value in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    json.loads(Client().get("/api/v1/openapi.json").content, object_pairs_hook=refuse_duplicates)


def test_every_operation_documents_its_errors_with_the_error_shape():
    schema = Client().get("/api/v1/openapi.json").json()

    for path, item in schema["paths"].items():
        for method, op in item.items():
            errors = {code for code in op["responses"] if code.startswith("4")}
            assert {"400", "401", "404", "429"} <= errors, (method, path)
            assert op["responses"]["400"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorOut"
            }
            if method == "post":
                assert {"403", "409", "413", "422"} <= errors, (method, path)


def test_docs_page_serves_swagger_from_our_static_files_without_inline_script():
    response = Client().get("/api/v1/docs")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in html
    assert '<script src="/static/ninja/swagger-ui-init.js">' in html
    assert "cdn" not in html.lower()
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/api/v1/nothing/here", "/api/v1/nothing%0Ahere", "/api/v1/%0A"])
def test_unknown_path_is_a_json_404(path):
    response = api_client().get(path)

    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "There is no such API operation; see /api/v1/docs.",
        "field": None,
        "errors": [],
    }


def test_missing_credentials_are_401_with_www_authenticate():
    response = api_client().get("/api/v1/dossiers")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="chinhquyen"'
    assert response.json()["code"] == "unauthenticated"


def test_unknown_key_is_401_invalid_credentials():
    response = api_client("cqk_abcdefgh_" + "x" * 43).get("/api/v1/dossiers")

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_bad_query_is_400_with_the_fields_in_error():
    place = place_make()
    client = api_client(token_for(place.front_desk))

    response = client.get("/api/v1/dossiers?limit=0&received_from=yesterday")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_request"
    assert body["message"] == "Some fields are missing or not valid."
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("received_from", "invalid"), ("limit", "invalid")]


def test_malformed_json_is_400():
    place = place_make()
    client = api_client(token_for(place.front_desk))

    response = client.post("/api/v1/dossiers/1/receive", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"


def test_messages_follow_accept_language():
    place = place_make()
    secret = token_for(place.front_desk)

    english = Client(headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en"}).get("/api/v1/dossiers/999")
    vietnamese = Client(headers={"Authorization": f"Bearer {secret}", "Accept-Language": "vi"}).get(
        "/api/v1/dossiers/999"
    )

    assert english.status_code == vietnamese.status_code == 404
    assert english.json()["code"] == vietnamese.json()["code"] == "dossier_not_found"
    assert english.json()["message"] == "No dossier 999 among those you may see."
    assert vietnamese.json()["message"] != english.json()["message"]


def test_system_key_without_the_scope_is_403():
    _system, secret = system_make(scopes=("catalog:read",))

    response = api_client(secret).get("/api/v1/dossiers")

    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert response.json()["message"] == "This API key lacks the scope dossiers:read."
