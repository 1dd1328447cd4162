"""HEAD on an API path answers as its GET would, without the body (RFC 9110 §9.3.2).

Same status and headers (Content-Length is that of the GET's body), the same refusals; a path without GET
answers HEAD with 405 and its ``Allow``, and nothing is written. The ``Allow`` of every path, and the 405s of
the methods a path lacks, are in test_http_edge_answers.py.
"""

import io
import logging

import pytest
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.test import RequestFactory

from chinhquyen.api.middleware import ApiLimitsMiddleware
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier, DossierStatus
from chinhquyen.feedback.models import Petition
from tests.api.helpers import api_client, place_make, system_make, token_for
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db


def _get_then_head(client, path: str) -> tuple[HttpResponse, HttpResponse]:
    return client.get(path), client.head(path)


def _assert_head_answers_as_get(get: HttpResponse, head: HttpResponse) -> None:
    assert head.status_code == get.status_code
    assert dict(head.headers) == dict(get.headers)
    assert head["Content-Length"] == str(len(get.content))
    assert head.content == b""


@pytest.mark.parametrize("path", ["/api/v1/meta/health", "/api/v1/openapi.json", "/api/v1/docs"])
def test_a_head_on_a_public_get_answers_as_the_get_without_a_body(path):
    get, head = _get_then_head(api_client(), path)

    assert get.status_code == 200
    _assert_head_answers_as_get(get, head)


def test_a_head_with_a_key_answers_as_the_get_with_its_etag():
    place = place_make()
    draft = services.dossier_create_at_counter(
        by=place.front_desk, procedure=place.procedure, applicant=CitizenFactory()
    )
    _system, secret = system_make(scopes=("dossiers:read",), roles=((place.agency, "front_desk"),))

    get, head = _get_then_head(api_client(secret), f"/api/v1/dossiers/{draft.pk}")

    assert (get.status_code, get["ETag"]) == (200, f'"{draft.version}"')
    _assert_head_answers_as_get(get, head)


def test_a_head_without_credentials_is_the_gets_401_and_is_logged_as_head(caplog):
    caplog.set_level(logging.INFO, logger="chinhquyen.api.access")

    get, head = _get_then_head(api_client(), "/api/v1/dossiers")

    assert (get.status_code, get["Content-Type"], get.json()["code"]) == (401, "application/json", "unauthenticated")
    _assert_head_answers_as_get(get, head)
    assert [(r.method, r.status, r.error_code) for r in caplog.records if r.name == "chinhquyen.api.access"] == [
        ("GET", 401, "unauthenticated"),
        ("HEAD", 401, "unauthenticated"),
    ]


def test_a_head_on_a_path_with_get_and_post_runs_the_get_only():
    place_make()

    get, head = _get_then_head(api_client(), "/api/v1/petitions")
    wrong = api_client().put("/api/v1/petitions", "{}", content_type="application/json")

    _assert_head_answers_as_get(get, head)
    assert Petition.objects.count() == 0
    assert (wrong.status_code, wrong["Allow"]) == (405, "GET, HEAD, POST")


def test_a_head_on_a_post_only_path_is_405_allowing_post_and_writes_nothing():
    place = place_make()
    draft = services.dossier_create_at_counter(
        by=place.front_desk, procedure=place.procedure, applicant=CitizenFactory()
    )

    head = api_client(token_for(place.front_desk)).head(f"/api/v1/dossiers/{draft.pk}/receive")

    assert (head.status_code, head["Allow"], head["Content-Type"], head.content) == (
        405,
        "POST",
        "application/json",
        b"",
    )
    assert Dossier.objects.get(pk=draft.pk).status == DossierStatus.DRAFT


@pytest.mark.parametrize(
    ("answer", "length"),
    [(lambda: JsonResponse({"status": "ok"}), "16"), (lambda: FileResponse(io.BytesIO(b"%PDF-1.7")), "8")],
    ids=["json", "file"],
)
def test_the_middleware_itself_runs_a_head_as_get_and_drops_the_body(answer, length):
    # The test client drops a HEAD's body on its own, as a WSGI server may: check the middleware does too.
    seen: list[str | None] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(request.method)
        return answer()

    request = RequestFactory().head("/api/v1/meta/health")
    response = ApiLimitsMiddleware(view)(request)

    assert (seen, request.method, response.status_code, response["Content-Length"]) == (["GET"], "HEAD", 200, length)
    assert b"".join(response) == b""
    response.close()
