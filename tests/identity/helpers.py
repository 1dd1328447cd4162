"""Helpers of the identity tests: national identity and local-account sign-ins through the test client."""

import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

from django.core import mail

from chinhquyen.directory import services as directory_services
from chinhquyen.identity.simulator.identities import demo_person

AN = demo_person("congdan")
BICH = demo_person("congdan2")
KHOA = demo_person("doanhnghiep")
PASSWORD = "Hoa-sen-2026-ninh-binh"


def start(client, next_url: str = "") -> str:
    """Begin at the portal; return the simulator's authorise URL the browser is sent to."""
    response = client.get("/oidc/authenticate/", {"next": next_url} if next_url else {})
    assert response.status_code == 302
    return response["Location"]


def choose(client, authorize_url: str, data: dict) -> str:
    """Pick an identity on the simulator's page; return the portal callback URL it redirects to."""
    response = client.post(authorize_url, data)
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def sign_in(client, person: str = "congdan", next_url: str = ""):
    """Start, choose the demo person, come back: the callback's response."""
    callback = choose(client, start(client, next_url), {"person": person})
    return client.get(callback)


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def demo_citizen(person=AN, **extra):
    """The applicant record the demo province has for ``person`` (made at the counter: no account)."""
    return directory_services.citizen_create(
        name=person.name,
        personal_id=person.personal_id,
        birth_date=date.fromisoformat(person.birthdate),
        **extra,
    )


def claims_of(person=AN, **changes) -> dict:
    from chinhquyen.identity.simulator.identities import person_claims

    return {**person_claims(person), **changes}


def point_at_simulator(settings, issuer: str) -> None:
    """Make the simulator at ``issuer`` the portal's identity provider."""
    settings.IDP_SIMULATOR = True
    settings.IDP_SIMULATOR_ISSUER = issuer
    settings.OIDC_OP_ISSUER = issuer
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{issuer}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{issuer}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{issuer}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{issuer}/jwks"


def local_sign_up(client, **changes):
    """Post the portal's sign-up form for Phạm Thị Hoa, with ``changes``; the response."""
    data = {
        "name": "Phạm Thị Hoa",
        "personal_id": "037199001111",
        "birth_date": "1999-01-02",
        "login": "hoa@example.vn",
        "password": PASSWORD,
        "password_again": PASSWORD,
        "next": "/ho-so-cua-toi/",
    }
    data.update(changes)
    return client.post("/tai-khoan/dang-ky/", data)


def local_user(client, django_capture_on_commit_callbacks):
    """Sign Phạm Thị Hoa up, type back the code (which signs her in), and sign out."""
    with django_capture_on_commit_callbacks(execute=True):
        local_sign_up(client)
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)
    client.post("/tai-khoan/dang-ky/xac-minh/", {"code": code})
    client.post("/tai-khoan/dang-xuat/")
