"""The relying party refuses every ID token that is not exactly the provider's, for us, now, for this sign-in."""

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import SuspiciousOperation

from chinhquyen.identity.backends import NationalIdentityBackend
from chinhquyen.identity.simulator.keys import signing_key
from chinhquyen.identity.simulator.tokens import id_token_sign

ISSUER = "http://testserver/idp-sim"
CLIENT = "chinhquyen-portal"
NONCE = "nonce-of-this-sign-in"


@pytest.fixture
def backend(idp_transport):
    return NationalIdentityBackend()


def payload(**changes) -> dict:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": CLIENT, "sub": "subject-1", "iat": now, "exp": now + 300, "nonce": NONCE}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_token_signed_by_the_provider_for_this_client_passes(backend, idp_transport):
    token = id_token_sign(payload())

    claims = backend.verify_token(token, nonce=NONCE)

    assert claims["sub"] == "subject-1"
    assert ("GET", "/idp-sim/jwks") in idp_transport.calls


def test_a_tampered_token_is_refused(backend):
    header, _body, signature = id_token_sign(payload()).split(".")
    forged = ".".join([header, b64(payload(sub="someone-else")), signature])

    with pytest.raises(SuspiciousOperation, match="Signature verification failed"):
        backend.verify_token(forged, nonce=NONCE)


def test_a_token_signed_with_another_key_under_the_same_key_id_is_refused(backend):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(payload(), other, algorithm="RS256", headers={"kid": signing_key().kid})

    with pytest.raises(SuspiciousOperation, match="Signature verification failed"):
        backend.verify_token(forged, nonce=NONCE)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"aud": "another-client"}, "Audience doesn't match"),
        ({"aud": [CLIENT, "another-client"], "azp": "another-client"}, "another authorised party"),
        ({"iss": "https://evil.example/idp"}, "Invalid issuer"),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 4000}, "Signature has expired"),
        ({"exp": None}, 'Token is missing the "exp" claim'),
        ({"aud": None}, 'Token is missing the "aud" claim'),
        ({"iss": None}, 'Token is missing the "iss" claim'),
    ],
    ids=["wrong-aud", "other-azp", "wrong-iss", "expired", "no-exp", "no-aud", "no-iss"],
)
def test_a_token_for_someone_else_or_out_of_date_is_refused(backend, changes, reason):
    token = id_token_sign(payload(**changes))

    with pytest.raises(SuspiciousOperation, match=reason):
        backend.verify_token(token, nonce=NONCE)


def test_a_token_from_another_sign_in_is_refused_by_its_nonce(backend):
    token = id_token_sign(payload(nonce="nonce-of-another-sign-in"))

    with pytest.raises(SuspiciousOperation, match="Nonce verification failed"):
        backend.verify_token(token, nonce=NONCE)


def test_a_token_signed_with_the_client_secret_hs256_is_refused(backend, settings):
    token = jwt.encode(payload(), settings.OIDC_RP_CLIENT_SECRET, algorithm="HS256", headers={"kid": signing_key().kid})

    with pytest.raises(SuspiciousOperation):
        backend.verify_token(token, nonce=NONCE)


def test_an_unsigned_token_is_refused(backend):
    token = ".".join([b64({"alg": "none", "typ": "JWT"}), b64(payload()), ""])

    with pytest.raises(SuspiciousOperation):
        backend.verify_token(token, nonce=NONCE)


def test_garbage_is_refused(backend):
    with pytest.raises(SuspiciousOperation):
        backend.verify_token("not-a-token", nonce=NONCE)


def test_the_simulator_key_is_made_once_and_reused(settings, tmp_path):
    from chinhquyen.identity.simulator import keys

    settings.IDP_SIMULATOR_KEY_FILE = tmp_path / "sim" / "key.pem"
    first = keys.signing_key()
    keys._cache.clear()  # a new process reads the file instead of making a new key

    assert keys.signing_key().kid == first.kid
    assert (tmp_path / "sim" / "key.pem").stat().st_mode & 0o777 == 0o600
    assert keys.jwks() == {"keys": [first.public_jwk]}
    assert set(first.public_jwk) == {"kty", "n", "e", "kid", "alg", "use"}
