"""The API's edge answers on every route, as docs/api.md promises them.

405 with an ``Allow`` header listing the methods the path has (HEAD wherever GET); 413 ``request_too_large``;
429 with a ``Retry-After`` in whole seconds; numbers no field can hold (an integer literal beyond Python's 4,300
digits, a float literal that overflows to infinity) refused as 400 ``invalid_request``, or 422
``form_data_invalid`` in the e-form's data, never a 500.
"""

import json
import re
import time
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chinhquyen.api import limits
from chinhquyen.api.main import api
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier
from tests.api.helpers import (
    api_client,
    citizen_with_account,
    csrf_token,
    place_make,
    post_json,
    session_client,
    system_make,
    token_for,
)
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
# The views ninja serves beside the operations: the schema and its documentation page.
NINJA_VIEWS = {"/api/v1/openapi.json": {"GET"}, "/api/v1/docs": {"GET"}}
HUGE = "1" + "0" * 5000  # an integer literal Python will not convert (more than 4,300 digits)
PETITION = {
    "subject": "Thời gian chờ tại quầy",
    "content": "Tôi đã phải chờ hơn hai giờ tại quầy tiếp nhận để nộp hồ sơ khai sinh.",
    "sender_name": "Lê Văn Cường",
    "sender_phone": "0912345678",
}


def _routes() -> dict[str, set[str]]:
    """Every path of the API (parameters as in the schema) and the methods it takes: its operations', and HEAD
    wherever GET (answered as the GET without the body)."""
    schema = api.get_openapi_schema()
    routes = {path: {method.upper() for method in ops} for path, ops in schema["paths"].items()}
    return {
        path: methods | ({"HEAD"} if "GET" in methods else set()) for path, methods in {**routes, **NINJA_VIEWS}.items()
    }


ROUTES = _routes()


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _json_routes() -> list[str]:
    """The POST operations whose body is JSON."""
    paths = api.get_openapi_schema()["paths"]
    return sorted(
        path
        for path, ops in paths.items()
        if "application/json" in ops.get("post", {}).get("requestBody", {}).get("content", {})
    )


def _accepted_caller(path: str, place) -> tuple[Client, dict[str, str]]:
    """A client of a caller the POST operation accepts, and the headers it sends."""
    callers = api.get_openapi_schema()["paths"][path]["post"]["x-callers"]
    if callers["officer"]:
        return api_client(token_for(place.leader)), {}
    if callers["system"]:
        return api_client(system_make()[1]), {}
    client = session_client(citizen_with_account().user)
    return client, {"X-CSRFToken": csrf_token(client)}


def test_the_routes_tested_are_every_route_of_the_api():
    patterns = {"/api/v1/" + str(p.pattern).replace("<", "{").replace(">", "}") for p in api.urls[0]}

    assert patterns - {"/api/v1/"} == set(ROUTES)
    assert len(ROUTES) > 40


@pytest.mark.parametrize(
    ("path", "method"),
    [(path, method) for path, allowed in ROUTES.items() for method in METHODS if method not in allowed],
)
def test_a_method_the_path_does_not_have_is_405_with_allow(path, method):
    response = api_client().generic(method, _concrete(path))

    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == ROUTES[path]
    assert response["Allow"] == ", ".join(sorted(ROUTES[path]))  # the same order every time
    if method != "HEAD":  # a HEAD answer has no body
        assert response.json()["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("path", "method"),
    [(path, method) for path, allowed in ROUTES.items() for method in sorted(allowed - {"HEAD"})],  # HEAD: its GET's
)
def test_an_oversized_json_body_is_413_on_every_operation(settings, path, method):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"reason": "x" * 2000})

    response = api_client().generic(method, _concrete(path), body, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {
        "code": "request_too_large",
        "message": "The request is larger than 1000 bytes.",
        "field": None,
        "errors": [],
    }


@pytest.mark.parametrize("path", sorted(path for path, allowed in ROUTES.items() if "POST" in allowed))
def test_an_oversized_multipart_body_is_413(settings, path):
    settings.API_MAX_REQUEST_BYTES = 5000

    response = api_client().post(_concrete(path), {"documents": [SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * 6000)]})

    assert (response.status_code, response.json()["code"]) == (413, "request_too_large")


@pytest.mark.parametrize("path", ["/api/v1/dossiers", "/api/v1/dossiers/{dossier_id}/documents"])
def test_multipart_fields_over_the_memory_limit_are_413(settings, path):
    # Under the limit of a whole multipart request, but its fields (not files) beyond what is held in memory.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    place = place_make()

    response = api_client(token_for(place.front_desk)).post(
        _concrete(path), {"procedure": "x" * 2000, "name": "x" * 2000, "upload": SimpleUploadedFile("a.pdf", b"%PDF-")}
    )

    assert (response.status_code, response.json()["code"]) == (413, "request_too_large")


@pytest.fixture
def mid_window(monkeypatch):
    """The rate windows' clock stopped halfway through a minute: two requests never fall into two windows."""
    halfway = (time.time() // limits.WINDOW_SECONDS) * limits.WINDOW_SECONDS + limits.WINDOW_SECONDS / 2
    monkeypatch.setattr(limits, "time", SimpleNamespace(time=lambda: halfway))


@pytest.mark.parametrize("path", sorted(ROUTES))
@pytest.mark.usefixtures("mid_window")
def test_an_address_over_its_rate_is_429_with_retry_after_in_seconds(settings, path):
    settings.API_RATE_LIMIT_PER_IP = 1
    client = api_client()
    method = sorted(ROUTES[path])[0]
    client.generic(method, _concrete(path))

    response = client.generic(method, _concrete(path))

    assert (response.status_code, response.json()["code"]) == (429, "rate_limited")
    assert response["Retry-After"] == "30"


def _system_operations() -> dict[tuple[str, str], str]:
    """The operations a system's key may call, and the scope each needs."""
    paths = api.get_openapi_schema()["paths"]
    return {
        (path, method.upper()): op["x-callers"]["system"]
        for path, ops in paths.items()
        for method, op in ops.items()
        if op["x-callers"]["system"]
    }


SYSTEM_OPERATIONS = _system_operations()


@pytest.mark.parametrize(("path", "method"), sorted(SYSTEM_OPERATIONS))
@pytest.mark.usefixtures("mid_window")
def test_a_key_over_its_rate_is_429_with_retry_after_in_seconds(settings, path, method):
    settings.API_RATE_LIMIT_PER_KEY = 1
    scopes = {scope for scope in SYSTEM_OPERATIONS.values() if scope != "*"}
    _system, secret = system_make(scopes=tuple(sorted(scopes)))
    client = api_client(secret)
    client.generic(method, _concrete(path), "{}", content_type="application/json")

    response = client.generic(method, _concrete(path), "{}", content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (429, "rate_limited")
    assert response["Retry-After"] == "30"


def test_too_many_petitions_is_429_with_retry_after_in_seconds():
    from chinhquyen.feedback.limits import PETITIONS_PER_HOUR

    place_make()
    client = api_client()
    for _ in range(PETITIONS_PER_HOUR):
        post_json(client, "/api/v1/petitions", PETITION)

    response = post_json(client, "/api/v1/petitions", PETITION)

    assert (response.status_code, response.json()["code"]) == (429, "petitions_rate_limited")
    assert re.fullmatch(r"[1-9][0-9]*", response["Retry-After"])
    assert int(response["Retry-After"]) <= 3600


@pytest.mark.parametrize("path", _json_routes())
def test_an_integer_literal_beyond_4300_digits_in_a_json_body_is_400_on_its_field(path):
    client, headers = _accepted_caller(path, place_make())
    body = '{"expected_version": %s}' % HUGE  # noqa: UP031 - the literal itself, not a Python int

    response = client.post(_concrete(path), body, content_type="application/json", headers=headers)

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_request",
        "message": "Some fields are missing or not valid.",
        "field": "expected_version",
        "errors": [{"code": "too_long", "message": "This value is too long.", "field": "expected_version"}],
    }


def test_an_integer_literal_beyond_4300_digits_deep_in_a_json_body_names_its_place():
    place = place_make()
    body = '{"items": ["a", {"x": [%s]}]}' % HUGE  # noqa: UP031

    response = api_client(token_for(place.specialist)).post(
        "/api/v1/dossiers/1/request-supplement", body, content_type="application/json"
    )

    assert (response.status_code, response.json()["code"]) == (400, "invalid_request")
    assert response.json()["field"] == "items.1.x.0"


def test_a_json_body_that_is_only_a_long_integer_is_malformed():
    place = place_make()

    response = api_client(token_for(place.front_desk)).post(
        "/api/v1/dossiers/1/receive", HUGE, content_type="application/json"
    )

    assert (response.status_code, response.json()["code"]) == (400, "malformed_request")


def _submit(place, form_data: str):
    data = {
        "procedure": place.procedure.code,
        "agency": place.agency.code,
        "applicant": CitizenFactory().personal_id,
        "form_data": form_data,
    }
    return api_client(token_for(place.front_desk)).post("/api/v1/dossiers", data)


def test_an_integer_literal_beyond_4300_digits_in_form_data_is_400_on_form_data():
    place = place_make()

    response = _submit(place, '{"household": {"members": %s}}' % HUGE)  # noqa: UP031

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid_request", "form_data")
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize("literal", ["1e999", "-1e999", "NaN", "Infinity"])
def test_a_number_no_database_stores_in_form_data_is_refused(literal):
    place = place_make()

    response = _submit(place, '{"area": %s}' % literal)  # noqa: UP031

    assert (response.status_code, response.json()["code"]) in {(422, "form_data_invalid"), (400, "invalid_request")}
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/dossiers/1/receive", '{"expected_version": 1e999}', "expected_version"),
        ("/api/v1/dossiers/1/request-payment", '{"amount": 1e999}', "amount"),
        ("/api/v1/dossiers/1/request-payment", '{"amount": NaN}', "amount"),
        ("/api/v1/dossiers/1/consult", '{"agency": "x", "answer_days": 1e999}', "answer_days"),
    ],
)
def test_a_float_literal_beyond_range_in_a_json_field_is_400(path, body, field):
    place = place_make()

    response = api_client(token_for(place.leader)).post(path, body, content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (400, "invalid_request")
    assert field in [e["field"] for e in response.json()["errors"]]


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/dossiers/" + HUGE, ""),
        ("/api/v1/dossiers/1/timeline", ""),
        ("/api/v1/dossiers", "?limit=" + HUGE),
        ("/api/v1/catalog/procedures", "?limit=" + HUGE),
    ],
    ids=["path", "path-ok", "query-dossiers", "query-catalog"],
)
def test_a_long_integer_in_the_path_or_query_is_a_4xx(path, query):
    place = place_make()

    response = api_client(token_for(place.front_desk)).get(path + query)

    assert 400 <= response.status_code < 500
    assert set(response.json()) == {"code", "message", "field", "errors"}


def test_a_long_integer_in_if_match_or_a_form_field_is_400():
    place = place_make()
    draft = services.dossier_create_at_counter(
        by=place.front_desk, procedure=place.procedure, applicant=CitizenFactory()
    )
    client = api_client(token_for(place.front_desk))

    if_match = post_json(client, f"/api/v1/dossiers/{draft.pk}/receive", {}, **{"If-Match": HUGE})
    form = client.post(
        f"/api/v1/dossiers/{draft.pk}/documents",
        {"expected_version": HUGE, "upload": SimpleUploadedFile("a.pdf", b"%PDF-")},
    )

    assert (if_match.status_code, if_match.json()["code"]) == (400, "invalid_if_match")
    assert (form.status_code, form.json()["code"], form.json()["field"]) == (400, "invalid_request", "expected_version")
