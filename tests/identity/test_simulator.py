"""The identity provider simulator speaks enough OpenID Connect, and refuses what a real provider refuses."""

import base64

import pytest
from django.test import Client

from chinhquyen.identity.simulator.tokens import access_token_issue

from .helpers import choose, query, start

pytestmark = pytest.mark.django_db
ISSUER = "http://testserver/idp-sim"
SECRET = "test-client-secret-of-32-characters"


def test_discovery_names_the_endpoints_and_rs256(client):
    config = client.get("/idp-sim/.well-known/openid-configuration").json()

    assert config["issuer"] == ISSUER
    assert config["authorization_endpoint"] == f"{ISSUER}/authorize"
    assert config["token_endpoint"] == f"{ISSUER}/token"
    assert config["userinfo_endpoint"] == f"{ISSUER}/userinfo"
    assert config["jwks_uri"] == f"{ISSUER}/jwks"
    assert config["id_token_signing_alg_values_supported"] == ["RS256"]


def test_the_authorise_page_lists_the_demo_people(client):
    html = client.get(start(client), headers={"accept-language": "en"}).content.decode()

    for shown in ("Nguyễn Văn An", "037090001234", "Trần Thị Bích", "037195004321"):
        assert shown in html
    assert "On behalf of Công ty TNHH Tràng An Xanh (tax code 2700123459)" in html
    assert "this is not the real national identity system" in html


def authorize_url(**params) -> str:
    base = {
        "client_id": "chinhquyen-portal",
        "redirect_uri": "http://testserver/oidc/callback/",
        "response_type": "code",
        "scope": "openid",
        "state": "s1",
        "nonce": "n1",
    }
    base.update(params)
    from urllib.parse import urlencode

    return f"/idp-sim/authorize?{urlencode(base)}"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"client_id": "someone-else"}, "The application asking you to sign in is not registered."),
        (
            {"redirect_uri": "https://evil.example/oidc/callback/"},
            "The application asked to send the answer to an address it did not register.",
        ),
        (
            {"redirect_uri": "http://testserver/tai-khoan/"},
            "The application asked to send the answer to an address it did not register.",
        ),
    ],
    ids=["unknown-client", "other-host", "other-path"],
)
def test_a_bad_client_or_redirect_is_shown_never_followed(client, params, message):
    response = client.get(authorize_url(**params), headers={"accept-language": "en"})

    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("params", "error"),
    [({"response_type": "token"}, "unsupported_response_type"), ({"scope": "profile"}, "invalid_scope")],
    ids=["implicit-flow", "no-openid-scope"],
)
def test_other_errors_go_back_to_the_client(client, params, error):
    response = client.get(authorize_url(**params))

    assert response.status_code == 302
    assert query(response["Location"]) == {"error": error, "state": "s1"}


def test_a_typed_identity_is_checked(client):
    data = {"personal_id": "037090001234", "name": "X", "birthdate": "1991-01-01"}

    response = client.post(authorize_url(), data, headers={"accept-language": "en"})

    assert response.status_code == 400
    assert "does not match the birth year 1991" in response.content.decode()


def _code(client) -> str:
    return query(choose(client, authorize_url(), {"person": "congdan"}))["code"]


def _token(client, the_code, **changes):
    data = {
        "grant_type": "authorization_code",
        "code": the_code,
        "redirect_uri": "http://testserver/oidc/callback/",
        "client_id": "chinhquyen-portal",
        "client_secret": SECRET,
    }
    data.update(changes)
    return Client().post("/idp-sim/token", {k: v for k, v in data.items() if v is not None})


def test_a_code_is_exchanged_once(client):
    code = _code(client)

    first = _token(client, code)
    second = _token(client, code)

    assert first.status_code == 200
    assert first["Cache-Control"] == "no-store"
    assert set(first.json()) == {"access_token", "token_type", "expires_in", "id_token"}
    assert (second.status_code, second.json()["error"]) == (400, "invalid_grant")


@pytest.mark.parametrize(
    ("changes", "status", "error"),
    [
        ({"client_secret": "wrong"}, 401, "invalid_client"),
        ({"client_id": None, "client_secret": None}, 401, "invalid_client"),
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
        ({"redirect_uri": "http://testserver/other/"}, 400, "invalid_grant"),
        ({"code": "forged"}, 400, "invalid_grant"),
    ],
    ids=["wrong-secret", "no-client", "password-grant", "other-redirect", "forged-code"],
)
def test_the_token_endpoint_refuses_bad_requests(client, changes, status, error):
    response = _token(client, _code(client), **changes)

    assert (response.status_code, response.json()["error"]) == (status, error)


def test_the_client_may_authenticate_with_http_basic(client):
    code = _code(client)
    basic = base64.b64encode(f"chinhquyen-portal:{SECRET}".encode()).decode()

    response = Client().post(
        "/idp-sim/token",
        {"grant_type": "authorization_code", "code": code, "redirect_uri": "http://testserver/oidc/callback/"},
        headers={"authorization": f"Basic {basic}"},
    )

    assert response.status_code == 200


def test_userinfo_needs_a_valid_bearer_token(client):
    token = access_token_issue({"sub": "abc", "name": "X"})

    assert client.get("/idp-sim/userinfo", headers={"authorization": f"Bearer {token}"}).json() == {
        "sub": "abc",
        "name": "X",
    }
    refused = client.get("/idp-sim/userinfo", headers={"authorization": "Bearer forged"})
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_the_simulator_answers_404_when_turned_off(client, settings):
    settings.IDP_SIMULATOR = False

    assert client.get("/idp-sim/jwks").status_code == 404
    assert client.get(authorize_url()).status_code == 404
