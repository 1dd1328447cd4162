"""Applicants call the API with the national identity's bearer token (a mobile app signed them in with VNeID).

The provider is the local simulator: its keys are generated into a temporary file, and the API's calls
for them (the JWKS) are answered by the test client, never over a socket.
"""

import base64
import json
import logging
import time
from datetime import date

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

from chinhquyen.directory.models import Applicant, ApplicantKind, User
from chinhquyen.directory.services import staff_role_grant
from chinhquyen.dossiers import services
from chinhquyen.identity.models import VerifiedIdentity
from chinhquyen.identity.simulator.identities import person_claims, subject_of
from chinhquyen.identity.simulator.keys import signing_key
from chinhquyen.identity.simulator.tokens import access_token_issue, id_token_sign
from tests.api.helpers import api_client, pdf_file, place_make
from tests.factories import AgencyFactory, CitizenFactory, UserFactory
from tests.identity.helpers import AN, BICH, KHOA, choose, demo_citizen, point_at_simulator, query
from tests.identity.transport import DjangoClientAdapter

pytestmark = pytest.mark.django_db

ISSUER = "http://testserver/idp-sim"
CLIENT = "chinhquyen-portal"
SECRET = "test-client-secret-of-32-characters"
INVALID = 'Bearer realm="chinhquyen", error="invalid_token"'


@pytest.fixture(scope="module")
def _idp_key_file(tmp_path_factory):
    return tmp_path_factory.mktemp("idp-sim") / "key.pem"


@pytest.fixture(autouse=True)
def idp(settings, monkeypatch, _idp_key_file):
    """The simulator is the identity provider; the API's requests for its keys go through the test client."""
    point_at_simulator(settings, ISSUER)
    settings.IDP_SIMULATOR_KEY_FILE = _idp_key_file
    settings.OIDC_RP_CLIENT_ID = CLIENT
    settings.OIDC_RP_CLIENT_SECRET = SECRET
    settings.OIDC_API_AUDIENCES = []
    adapter = DjangoClientAdapter()
    original = requests.Session.get_adapter

    def get_adapter(self, url):
        return adapter if url.startswith(f"{ISSUER}/") else original(self, url)

    monkeypatch.setattr(requests.Session, "get_adapter", get_adapter)
    return adapter


def claims(person=AN, **changes) -> dict:
    now = int(time.time())
    payload = {**person_claims(person), "iss": ISSUER, "aud": CLIENT, "iat": now, "exp": now + 300}
    payload.update(changes)
    return {name: value for name, value in payload.items() if value is not None}


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def bearer(token: str) -> Client:
    """An app's client: the token and no cookie, no CSRF token, CSRF checks on."""
    return Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"})


def _online(place, applicant):
    draft = services.online_draft_start(
        by=applicant.user, procedure=place.procedure, receiving_agency=place.agency, client_key="k"
    )
    services.dossier_document_add(
        by=applicant.user, dossier=draft, upload=pdf_file(), name="tờ khai", required_document=place.documents[0]
    )
    return services.online_draft_submit(by=applicant.user, dossier=draft)


def _refused(response) -> None:
    assert response.status_code == 401, response.content
    assert response.json()["code"] == "invalid_credentials"
    assert response.json()["message"] == "The API key or token is not valid, has expired or was revoked."
    assert response["WWW-Authenticate"] == INVALID


# --- reading as the applicant --------------------------------------------------------------------


def test_a_valid_token_lists_the_applicants_own_dossiers_and_hides_anothers():
    place = place_make()
    an = demo_citizen(AN, user=UserFactory(username="an"))
    bich = demo_citizen(BICH, user=UserFactory(username="bich"))
    mine, theirs = _online(place, an), _online(place, bich)
    client = bearer(access_token_issue(person_claims(AN)))

    listed = client.get("/api/v1/dossiers")
    seen = client.get(f"/api/v1/dossiers/{mine.pk}")
    hidden = client.get(f"/api/v1/dossiers/{theirs.pk}")

    assert listed.status_code == 200, listed.content
    assert [item["id"] for item in listed.json()["items"]] == [mine.pk]
    assert (seen.status_code, seen.json()["id"]) == (200, mine.pk)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "dossier_not_found")


def test_the_token_acts_as_the_account_the_sign_in_gives():
    an = demo_citizen(AN, user=UserFactory(username="an"))

    me = bearer(access_token_issue(person_claims(AN))).get("/api/v1/meta/me")

    assert me.status_code == 200
    assert me.json() == {"kind": "applicant", "username": "an", "system": None, "scopes": [], "roles": []}
    identity = VerifiedIdentity.objects.get(user=an.user)
    assert (identity.issuer, identity.subject) == (ISSUER, subject_of(AN.personal_id))


def test_a_first_call_of_an_unknown_person_creates_the_account_and_applicant_as_the_sign_in_does():
    response = bearer(access_token_issue(person_claims(BICH))).get("/api/v1/dossiers")

    assert response.status_code == 200
    assert response.json()["items"] == []
    applicant = Applicant.objects.get(personal_id=BICH.personal_id)
    assert (applicant.kind, applicant.name, applicant.birth_date) == (
        ApplicantKind.CITIZEN,
        "Trần Thị Bích",
        date(1995, 8, 2),
    )
    assert (applicant.phone, applicant.email) == ("0987654321", "congdan2@example.vn")
    assert applicant.user is not None
    assert applicant.user.username.startswith("vneid-")
    assert not applicant.user.has_usable_password()


def test_a_record_made_at_the_counter_is_linked_at_the_first_call():
    record = demo_citizen(AN)

    response = bearer(access_token_issue(person_claims(AN))).get("/api/v1/meta/me")

    record.refresh_from_db()
    assert response.json()["kind"] == "applicant"
    assert record.user is not None
    assert response.json()["username"] == record.user.username
    assert Applicant.objects.count() == 1


def test_a_representative_acts_for_the_organisation_named_in_the_token():
    response = bearer(access_token_issue(person_claims(KHOA))).get("/api/v1/meta/me")

    organisation = Applicant.objects.get(kind=ApplicantKind.ORGANISATION)
    assert response.status_code == 200
    assert (organisation.tax_code, organisation.representative) == ("2700123459", "Lê Minh Khoa")
    assert response.json()["username"] == organisation.user.username


def test_later_calls_read_only():
    client = bearer(access_token_issue(person_claims(AN)))
    client.get("/api/v1/meta/me")
    first = VerifiedIdentity.objects.get()

    again = client.get("/api/v1/meta/me")

    assert again.status_code == 200
    assert VerifiedIdentity.objects.get().last_verified_at == first.last_verified_at
    assert User.objects.count() == 1


def test_the_id_token_is_accepted_too():
    demo_citizen(AN, user=UserFactory(username="an"))
    id_token = id_token_sign(claims(AN, nonce="n1"))

    response = bearer(id_token).get("/api/v1/meta/me")

    assert (response.status_code, response.json()["username"]) == (200, "an")


def test_a_token_with_only_the_subject_is_accepted_for_an_identity_already_verified():
    an = demo_citizen(AN, user=UserFactory(username="an"))
    bearer(access_token_issue(person_claims(AN))).get("/api/v1/meta/me")

    known = bearer(access_token_issue({"sub": subject_of(AN.personal_id)})).get("/api/v1/meta/me")
    unknown = bearer(access_token_issue({"sub": subject_of(BICH.personal_id)})).get("/api/v1/meta/me")

    assert (known.status_code, known.json()["username"]) == (200, an.user.username)
    _refused(unknown)


def test_a_subject_with_two_accounts_needs_the_claims_to_tell_which():
    own = bearer(access_token_issue(person_claims(KHOA))).get("/api/v1/meta/me")
    as_person = {k: v for k, v in person_claims(KHOA).items() if k != "organisation"}
    bearer(access_token_issue(as_person)).get("/api/v1/meta/me")

    response = bearer(access_token_issue({"sub": subject_of(KHOA.personal_id)})).get("/api/v1/meta/me")

    assert own.status_code == 200
    assert VerifiedIdentity.objects.filter(subject=subject_of(KHOA.personal_id)).count() == 2
    _refused(response)


# --- writing without CSRF ------------------------------------------------------------------------


def test_a_post_with_the_bearer_token_needs_no_csrf_token():
    place = place_make()
    an = demo_citizen(AN, user=UserFactory(username="an"))
    client = bearer(access_token_issue(person_claims(AN)))

    response = client.post(
        "/api/v1/dossiers",
        {
            "procedure": place.procedure.code,
            "agency": place.agency.code,
            "form_data": json.dumps({}),
            "documents": [pdf_file()],
            "required_documents": [place.documents[0].pk],
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["status_name"], body["channel"]) == (1, "submitted", 2)
    assert an.dossiers.get().pk == body["id"]


def test_the_token_and_not_a_session_cookie_decides_who_calls():
    demo_citizen(AN, user=UserFactory(username="an"))
    client = bearer(access_token_issue(person_claims(AN)))
    client.force_login(CitizenFactory(user=UserFactory(username="someone-else")).user)

    response = client.get("/api/v1/meta/me")

    assert response.json()["username"] == "an"


# --- refusals ------------------------------------------------------------------------------------


def _alg_none() -> str:
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims())}."


def _other_key() -> str:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims(), other, algorithm="RS256", headers={"kid": signing_key().kid})


def _tampered() -> str:
    header, _body, signature = id_token_sign(claims(BICH)).split(".")
    return ".".join([header, b64(claims(AN)), signature])


def _hs256_unsigned() -> str:
    header = b64({"alg": "HS256", "typ": "JWT", "kid": signing_key().kid})
    return f"{header}.{b64(claims())}.c2lnbmF0dXJl"


NOW = int(time.time())


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        pytest.param(
            lambda: id_token_sign(claims(exp=NOW - 3600, iat=NOW - 4000)), "Signature has expired", id="expired"
        ),
        pytest.param(
            lambda: id_token_sign(claims(nbf=NOW + 3600)), "The token is not yet valid (nbf)", id="not-yet-valid"
        ),
        pytest.param(
            lambda: id_token_sign(claims(iat=NOW + 3600, exp=NOW + 7200)),
            "The token is not yet valid (iat)",
            id="issued-in-the-future",
        ),
        pytest.param(
            lambda: id_token_sign(claims(iss="https://evil.example/idp")), "Invalid issuer", id="wrong-issuer"
        ),
        pytest.param(
            lambda: id_token_sign(claims(aud="another-client")), "Audience doesn't match", id="wrong-audience"
        ),
        pytest.param(
            lambda: id_token_sign(claims(aud=[CLIENT, "other"], azp="other")),
            "several audiences and another authorised party",
            id="other-azp",
        ),
        pytest.param(lambda: id_token_sign(claims(exp=None)), 'Token is missing the "exp" claim', id="no-exp"),
        pytest.param(lambda: id_token_sign(claims(aud=None)), 'Token is missing the "aud" claim', id="no-aud"),
        pytest.param(
            lambda: id_token_sign(claims(), typ="logout+jwt"), "token type 'logout+jwt'", id="other-token-type"
        ),
        pytest.param(_other_key, "Signature verification failed", id="bad-signature"),
        pytest.param(_tampered, "Signature verification failed", id="tampered"),
        pytest.param(_alg_none, "algorithm 'none'", id="alg-none"),
        pytest.param(_hs256_unsigned, "algorithm 'HS256'", id="alg-hs256"),
        pytest.param(lambda: "not-a-jwt", "not a JWT: Not enough segments", id="garbage"),
        pytest.param(
            lambda: id_token_sign(claims(personal_id="123")), "claims refused: claims_personal_id", id="bad-claims"
        ),
    ],
)
def test_a_token_not_for_this_platform_or_out_of_date_is_401_and_creates_nothing(make, reason, caplog):
    demo_citizen(AN, user=UserFactory(username="an"))

    with caplog.at_level(logging.INFO, logger="chinhquyen.api"):
        response = bearer(make()).get("/api/v1/dossiers")

    _refused(response)
    logged = [r.getMessage() for r in caplog.records if r.name == "chinhquyen.api"]
    assert logged == [f"Applicant bearer token refused: {reason}"]
    assert User.objects.count() == 1
    assert VerifiedIdentity.objects.count() == 0


@pytest.mark.parametrize("staff", [True, False], ids=["staff-flag", "staff-role"])
def test_an_officials_account_cannot_be_reached_with_a_token(staff):
    official = UserFactory(username="official", is_staff=staff)
    if not staff:
        staff_role_grant(user=official, agency=AgencyFactory(), role="specialist")
    demo_citizen(AN, user=official)

    response = bearer(access_token_issue(person_claims(AN))).get("/api/v1/dossiers")

    _refused(response)
    assert VerifiedIdentity.objects.count() == 0


def test_an_account_that_became_an_officials_after_its_first_call_is_refused():
    client = bearer(access_token_issue(person_claims(AN)))
    assert client.get("/api/v1/meta/me").status_code == 200
    user = VerifiedIdentity.objects.get().user
    staff_role_grant(user=user, agency=AgencyFactory(), role="specialist")

    _refused(client.get("/api/v1/dossiers"))


def test_a_locked_account_is_refused():
    an = demo_citizen(AN, user=UserFactory(username="an", is_active=False))

    _refused(bearer(access_token_issue(person_claims(AN))).get("/api/v1/dossiers"))
    assert not User.objects.get(pk=an.user_id).is_active


def test_only_the_configured_audiences_are_accepted(settings):
    settings.OIDC_API_AUDIENCES = ["chinhquyen-mobile"]

    mobile = bearer(access_token_issue(person_claims(AN), client_id="chinhquyen-mobile")).get("/api/v1/meta/me")
    portal = bearer(access_token_issue(person_claims(AN))).get("/api/v1/meta/me")

    assert (mobile.status_code, mobile.json()["kind"]) == (200, "applicant")
    _refused(portal)


def test_without_a_configured_provider_every_token_is_refused(settings):
    settings.OIDC_OP_ISSUER = ""

    _refused(bearer(access_token_issue(person_claims(AN))).get("/api/v1/dossiers"))


def test_an_operation_applicants_may_not_call_refuses_a_valid_token_with_403_and_a_bad_one_with_401():
    schema = Client().get("/api/v1/openapi.json").json()
    receive = next(
        (path, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if op["operationId"] == "dossier_receive"
    )
    assert receive[1]["x-callers"]["applicant"] is False
    url = receive[0].replace("{dossier_id}", "1")

    valid = bearer(access_token_issue(person_claims(AN))).post(url)
    forged = bearer(_other_key()).post(url)

    assert (valid.status_code, valid.json()["code"]) == (403, "caller_not_allowed")
    _refused(forged)


def test_the_providers_keys_unreachable_is_503_not_500(settings):
    settings.IDP_SIMULATOR = False  # the JWKS endpoint answers 404

    response = bearer(access_token_issue(person_claims(AN))).get("/api/v1/dossiers")

    assert response.status_code == 503
    assert response.json()["code"] == "identity_provider_unavailable"
    assert response["Retry-After"] == "30"


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/v1/catalog/fields"), ("get", "/api/v1/webhooks"), ("post", "/api/v1/dossiers/{dossier_id}/receive")],
    ids=["public", "systems-only", "no-applicants"],
)
def test_an_operation_answers_503_while_the_providers_keys_are_unreachable_and_documents_it(settings, method, path):
    settings.IDP_SIMULATOR = False  # the JWKS endpoint answers 404
    operation = Client().get("/api/v1/openapi.json").json()["paths"][path][method]

    response = getattr(bearer(access_token_issue(person_claims(AN))), method)(path.replace("{dossier_id}", "1"))

    assert (response.status_code, response.json()["code"]) == (503, "identity_provider_unavailable")
    assert operation["responses"]["503"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }


# --- the provider's keys -------------------------------------------------------------------------


def _jwks_calls(idp) -> int:
    return sum(1 for _method, path in idp.calls if path == "/idp-sim/jwks")


def test_the_providers_keys_are_fetched_once_and_kept(idp):
    client = bearer(access_token_issue(person_claims(AN)))

    statuses = [client.get("/api/v1/meta/me").status_code for _ in range(3)]

    assert statuses == [200, 200, 200]
    assert _jwks_calls(idp) == 1


def test_an_unknown_key_id_fetches_the_keys_again_at_most_once_a_minute(idp):
    assert bearer(access_token_issue(person_claims(AN))).get("/api/v1/meta/me").status_code == 200
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = [jwt.encode(claims(), other, algorithm="RS256", headers={"kid": f"rotated-{n}"}) for n in range(3)]

    for token in forged:
        _refused(bearer(token).get("/api/v1/meta/me"))

    assert _jwks_calls(idp) == 1  # fetched less than a minute ago: no new fetch for unknown key ids


def test_a_rotated_key_is_fetched_when_a_token_names_it(idp, settings, monkeypatch, tmp_path):
    from chinhquyen.identity import jwks

    monkeypatch.setattr(jwks, "JWKS_REFRESH_SECONDS", 0)  # no pause between fetches
    assert bearer(access_token_issue(person_claims(AN))).get("/api/v1/meta/me").status_code == 200
    settings.IDP_SIMULATOR_KEY_FILE = tmp_path / "rotated.pem"  # the provider signs with a new key from now on

    response = bearer(access_token_issue(person_claims(AN))).get("/api/v1/meta/me")

    assert response.status_code == 200
    assert _jwks_calls(idp) == 2


# --- the simulator and the OpenAPI document ------------------------------------------------------


def test_an_app_signs_in_at_the_simulator_and_calls_the_api_with_its_access_token(client):
    demo_citizen(BICH, user=UserFactory(username="bich"))
    authorize = "/idp-sim/authorize?" + "&".join(
        [
            f"client_id={CLIENT}",
            "redirect_uri=http://testserver/oidc/callback/",
            "response_type=code",
            "scope=openid",
            "state=s1",
            "nonce=n1",
        ]
    )
    code = query(choose(client, authorize, {"person": "congdan2"}))["code"]
    tokens = (
        Client()
        .post(
            "/idp-sim/token",
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": "http://testserver/oidc/callback/",
                "client_id": CLIENT,
                "client_secret": SECRET,
            },
        )
        .json()
    )

    header = jwt.get_unverified_header(tokens["access_token"])
    body = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    response = bearer(tokens["access_token"]).get("/api/v1/meta/me")

    assert (header["alg"], header["typ"], header["kid"]) == ("RS256", "at+jwt", signing_key().kid)
    assert (body["iss"], body["aud"], body["client_id"], body["personal_id"]) == (
        ISSUER,
        CLIENT,
        CLIENT,
        BICH.personal_id,
    )
    assert body["exp"] - body["iat"] == 600
    assert (response.status_code, response.json()["username"]) == (200, "bich")
    assert Client().get("/idp-sim/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}).json() == (
        person_claims(BICH)
    )
    # An ID token is no access token at the userinfo endpoint.
    assert Client().get("/idp-sim/userinfo", headers={"Authorization": f"Bearer {tokens['id_token']}"}).status_code == (
        401
    )


def test_the_openapi_document_lists_the_bearer_scheme_on_the_applicant_operations():
    schema = api_client().get("/api/v1/openapi.json").json()
    operations = {op["operationId"]: op for item in schema["paths"].values() for op in item.values()}

    assert schema["components"]["securitySchemes"]["ApplicantBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": (
            "An applicant's access token (or ID token) from the national identity provider (VNeID), "
            "issued for one of the platform's client ids."
        ),
    }
    assert {"ApplicantBearer": []} in operations["dossiers_list"]["security"]
    assert {"ApplicantBearer": []} in operations["dossier_submit"]["security"]
    assert {"ApplicantBearer": []} in operations["me"]["security"]
    assert {"ApplicantBearer": []} not in operations["dossier_receive"]["security"]
    for op in operations.values():
        # Wherever the portal's session lets an applicant in, the provider's bearer token does too.
        assert ({"Session": []} in op.get("security", [])) == ({"ApplicantBearer": []} in op.get("security", []))
