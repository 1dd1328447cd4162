"""Every API request leaves one access-log record: who called, what, the outcome and how long it took.

Never a secret, a query string or a body; refusals (401/403) at WARNING, the rest at INFO.
"""

import itertools
import logging

import pytest

from chinhquyen.api import middleware
from chinhquyen.integrations.services import api_key_revoke, system_change
from tests.api.helpers import api_client, citizen_with_account, place_make, session_client, system_make, token_for

pytestmark = pytest.mark.django_db

LOGGER = "chinhquyen.api.access"


@pytest.fixture
def access_log(caplog, monkeypatch):
    """The access-log records, each as its fields; every request takes 250 ms."""
    ticks = itertools.count(0, 0.25)
    monkeypatch.setattr(middleware, "perf_counter", lambda: next(ticks))
    caplog.set_level(logging.INFO, logger=LOGGER)

    def records() -> list[tuple[str, str, str, str, int, str, int]]:
        return [
            (r.levelname, r.caller, r.method, r.path, r.status, r.error_code, r.latency_ms)
            for r in caplog.records
            if r.name == LOGGER
        ]

    return records


def test_an_accepted_system_call_is_logged_with_its_system_and_never_its_secret_or_query(access_log, caplog):
    _system, secret = system_make(scopes=("dossiers:read",))

    response = api_client(secret).get("/api/v1/dossiers?status=2&agency=secret-agency")

    assert response.status_code == 200
    assert access_log() == [("INFO", "system:motcua", "GET", "/api/v1/dossiers", 200, "", 250)]
    [record] = [r for r in caplog.records if r.name == LOGGER]
    assert record.getMessage() == "caller=system:motcua method=GET path=/api/v1/dossiers status=200 code=- ms=250"
    assert secret not in caplog.text
    assert "secret-agency" not in caplog.text


def test_a_call_with_a_revoked_key_is_logged_as_a_refusal_with_the_keys_prefix(access_log, caplog):
    system, secret = system_make(scopes=("dossiers:read",))
    key = system.keys.get()
    api_key_revoke(by=key.created_by, key=key)

    response = api_client(secret).get("/api/v1/dossiers")

    assert (response.status_code, response.json()["code"]) == (401, "invalid_credentials")
    assert access_log() == [
        ("WARNING", f"key:{key.prefix}", "GET", "/api/v1/dossiers", 401, "invalid_credentials", 250)
    ]
    assert secret not in caplog.text


def test_a_call_of_a_system_switched_off_is_logged_as_a_refusal_with_the_keys_prefix(access_log):
    system, secret = system_make(scopes=("dossiers:read",))
    key = system.keys.get()
    system_change(by=key.created_by, system=system, name=system.name, contact_email="", is_active=False, managers=[])

    api_client(secret).get("/api/v1/dossiers")

    assert access_log() == [
        ("WARNING", f"key:{key.prefix}", "GET", "/api/v1/dossiers", 401, "invalid_credentials", 250)
    ]


def test_a_call_without_the_scope_is_logged_as_a_refusal_with_the_system(access_log):
    _system, secret = system_make(scopes=("catalog:read",))

    api_client(secret).get("/api/v1/dossiers")

    assert access_log() == [("WARNING", "system:motcua", "GET", "/api/v1/dossiers", 403, "insufficient_scope", 250)]


def test_an_officer_is_logged_by_username_also_where_officers_may_not_call(access_log):
    place = place_make()
    token = token_for(place.front_desk)

    api_client(token).get("/api/v1/dossiers")
    api_client(token).get("/api/v1/webhooks")

    assert access_log() == [
        ("INFO", "officer:a.front_desk", "GET", "/api/v1/dossiers", 200, "", 250),
        ("WARNING", "officer:a.front_desk", "GET", "/api/v1/webhooks", 403, "caller_not_allowed", 250),
    ]


@pytest.mark.parametrize(
    ("token", "caller"),
    [
        ("cqo_abcdefgh_" + "x" * 43, "token:cqo_abcdefgh"),
        ("cqk_short", "key:invalid"),
        ("not-a-jwt", "applicant"),
    ],
    ids=["unknown-officer-token", "malformed-key", "identity-provider-token"],
)
def test_an_unknown_credential_is_logged_by_its_public_prefix_only(access_log, caplog, token, caller):
    response = api_client(token).get("/api/v1/webhooks")

    assert response.status_code == 401
    assert access_log() == [("WARNING", caller, "GET", "/api/v1/webhooks", 401, response.json()["code"], 250)]
    assert token not in caplog.text


def test_applicants_and_anonymous_callers_are_logged_as_such(access_log):
    applicant = citizen_with_account()

    session_client(applicant.user).get("/api/v1/meta/me")
    api_client().get("/api/v1/meta/me")
    api_client().get("/api/v1/dossiers")

    assert access_log() == [
        ("INFO", "applicant", "GET", "/api/v1/meta/me", 200, "", 250),
        ("INFO", "anonymous", "GET", "/api/v1/meta/me", 200, "", 250),
        ("WARNING", "anonymous", "GET", "/api/v1/dossiers", 401, "unauthenticated", 250),
    ]


def test_a_request_refused_before_credentials_are_read_is_logged(access_log, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    _system, secret = system_make(scopes=("webhooks:manage",))
    key_prefix = secret[:12]

    api_client(secret).post("/api/v1/webhooks", "x" * 100, content_type="application/json")

    assert access_log() == [("INFO", f"key:{key_prefix}", "POST", "/api/v1/webhooks", 413, "request_too_large", 250)]


def test_a_forged_line_in_the_path_stays_on_the_records_line(access_log):
    api_client().get("/api/v1/x%0Dcaller=system:motcua")

    assert access_log() == [("INFO", "anonymous", "GET", "/api/v1/x\\rcaller=system:motcua", 404, "not_found", 250)]


def test_pages_outside_the_api_are_not_in_the_access_log(access_log, client):
    client.get("/")

    assert access_log() == []
