"""Limits: requests a minute per credential and per address (429 + Retry-After), request size (413)."""

import json

import pytest

from tests.api.helpers import api_client, place_make, system_make, token_for

pytestmark = pytest.mark.django_db


def test_a_key_over_its_rate_gets_429_with_retry_after(settings):
    settings.API_RATE_LIMIT_PER_KEY = 3
    _system, secret = system_make(scopes=("catalog:read",))
    client = api_client(secret)

    statuses = [client.get("/api/v1/meta/me").status_code for _ in range(3)]
    refused = client.get("/api/v1/meta/me")
    _other, other_secret = system_make(code="other", scopes=("catalog:read",))

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert api_client(other_secret).get("/api/v1/meta/me").status_code == 200  # counted per key


def test_an_address_over_its_rate_gets_429_before_credentials_are_checked(settings):
    settings.API_RATE_LIMIT_PER_IP = 2
    client = api_client("cqk_abcdefgh_" + "x" * 43)

    statuses = [client.get("/api/v1/dossiers").status_code for _ in range(3)]
    elsewhere = client.get("/api/v1/dossiers", REMOTE_ADDR="10.0.0.9")

    assert statuses == [401, 401, 429]
    assert elsewhere.status_code == 401  # another address has its own count


def test_the_portal_is_not_counted(settings, client):
    settings.API_RATE_LIMIT_PER_IP = 1

    client.get("/api/v1/catalog/fields")
    assert client.get("/api/v1/catalog/fields").status_code == 429
    assert client.get("/this-page-does-not-exist/").status_code != 429


def test_a_json_body_over_the_limit_is_413(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    place = place_make()

    response = api_client(token_for(place.front_desk)).post(
        "/api/v1/dossiers/1/refuse", json.dumps({"reasons": ["x" * 2000]}), content_type="application/json"
    )

    assert response.status_code == 413
    assert response.json() == {
        "code": "request_too_large",
        "message": "The request is larger than 1000 bytes.",
        "field": None,
        "errors": [],
    }


def test_a_multipart_body_over_the_limit_is_413(settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.API_MAX_REQUEST_BYTES = 5000
    place = place_make()

    response = api_client(token_for(place.front_desk)).post(
        "/api/v1/dossiers",
        {"procedure": "x", "agency": "y", "documents": [SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * 6000)]},
    )

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
