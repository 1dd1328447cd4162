"""The whole national identity sign-in through the test client: portal -> simulator -> portal."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import translation

from chinhquyen.directory.models import Applicant
from chinhquyen.identity.simulator import tokens
from tests.factories import StaffRoleFactory, UserFactory

from .helpers import AN, choose, demo_citizen, query, sign_in, start

pytestmark = pytest.mark.django_db


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_demo_citizen_signs_in_and_lands_on_the_existing_record(client, idp_transport):
    demo_user = UserFactory(username="congdan")
    record = demo_citizen(AN, user=demo_user)

    response = sign_in(client, "congdan", next_url="/ho-so-cua-toi/")

    assert response.status_code == 302
    assert response["Location"] == "/ho-so-cua-toi/"
    assert signed_in_user_id(client) == str(demo_user.pk)
    assert client.session["_auth_user_backend"] == "chinhquyen.identity.backends.NationalIdentityBackend"
    assert Applicant.objects.get(user=demo_user) == record
    called = [path for _method, path in idp_transport.calls]
    assert called == ["/idp-sim/token", "/idp-sim/jwks", "/idp-sim/userinfo"]


def test_the_authorisation_request_carries_state_nonce_and_pkce(client):
    params = query(start(client))

    assert params["client_id"] == "chinhquyen-portal"
    assert params["redirect_uri"] == "http://testserver/oidc/callback/"
    assert params["response_type"] == "code"
    assert params["scope"] == "openid profile email phone address"
    assert params["code_challenge_method"] == "S256"
    assert len(params["state"]) == 32
    assert len(params["nonce"]) == 32
    assert client.session["oidc_states"][params["state"]]["nonce"] == params["nonce"]


def test_without_next_the_citizen_lands_on_the_profile(client, idp_transport):
    response = sign_in(client, "congdan2")

    assert response["Location"] == "/tai-khoan/"
    assert client.get("/tai-khoan/").status_code == 200


def test_an_unsafe_next_is_ignored(client, idp_transport):
    response = sign_in(client, "congdan", next_url="https://evil.example/steal")

    assert response["Location"] == "/tai-khoan/"


def test_a_typed_identity_signs_in_as_a_new_applicant(client, idp_transport):
    data = {
        "personal_id": "001099000001",
        "name": "Phạm Thị Hoa",
        "birthdate": "1999-01-02",
        "phone": "0977000111",
        "email": "",
        "tax_code": "",
        "organisation_name": "",
    }
    callback = choose(client, start(client), data)

    client.get(callback)

    applicant = Applicant.objects.get(personal_id="001099000001")
    assert signed_in_user_id(client) == str(applicant.user_id)
    assert (applicant.name, applicant.phone) == ("Phạm Thị Hoa", "0977000111")


def test_a_replayed_callback_is_refused(client, idp_transport):
    callback = choose(client, start(client), {"person": "congdan"})
    client.get(callback)
    client.post("/tai-khoan/dang-xuat/")

    response = client.get(callback)

    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/dang-nhap/"
    assert signed_in_user_id(client) is None


def test_a_callback_with_a_state_this_browser_never_sent_is_refused(client, idp_transport):
    callback = choose(client, start(client), {"person": "congdan"})
    other_browser = client.__class__()
    start(other_browser)

    response = other_browser.get(callback)

    assert response["Location"] == "/tai-khoan/dang-nhap/"
    assert signed_in_user_id(other_browser) is None


def test_a_token_answering_another_nonce_is_refused(client, idp_transport):
    callback = choose(client, start(client), {"person": "congdan"})
    session = client.session
    state = query(callback)["state"]
    session["oidc_states"][state]["nonce"] = "a-different-nonce"
    session.save()

    with translation.override("en"):
        response = client.get(callback, headers={"accept-language": "en"})

    assert signed_in_user_id(client) is None
    assert messages_of(response) == ["Signing in with the national identity did not succeed. Please try again."]


def test_a_token_for_another_client_is_refused_end_to_end(client, idp_transport, monkeypatch):
    original = tokens.id_token_issue

    def for_another_client(*, issuer, grant):
        return original(issuer=issuer, grant=tokens.Grant(**{**grant.__dict__, "client_id": "another-client"}))

    monkeypatch.setattr("chinhquyen.identity.simulator.views.id_token_issue", for_another_client)

    response = sign_in(client, "congdan")

    assert response["Location"] == "/tai-khoan/dang-nhap/"
    assert signed_in_user_id(client) is None
    assert not Applicant.objects.exists()


def test_a_wrong_code_verifier_is_refused_by_the_provider(client, idp_transport):
    callback = choose(client, start(client), {"person": "congdan"})
    session = client.session
    session["oidc_states"][query(callback)["state"]]["code_verifier"] = "x" * 64
    session.save()

    response = client.get(callback)

    assert response["Location"] == "/tai-khoan/dang-nhap/"
    assert signed_in_user_id(client) is None


def test_cancelling_at_the_provider_says_so(client, idp_transport):
    callback = choose(client, start(client, "/ho-so-cua-toi/"), {"cancel": "1"})

    response = client.get(callback, headers={"accept-language": "en"})

    assert query(callback)["error"] == "access_denied"
    assert response["Location"] == "/tai-khoan/dang-nhap/?next=%2Fho-so-cua-toi%2F"
    assert messages_of(response) == ["You cancelled signing in with the national identity."]


def test_an_official_is_refused_with_a_reason(idp_transport):
    official = StaffRoleFactory().user
    demo_citizen(AN, user=official)
    client = Client(headers={"accept-language": "en"})

    response = sign_in(client, "congdan")

    assert signed_in_user_id(client) is None
    assert messages_of(response) == [
        "This record is tied to an official's account. Officials sign in at the office, not on the portal."
    ]


def test_a_citizen_session_does_not_open_the_office(client, idp_transport):
    sign_in(client, "congdan")

    response = client.get("/office/")

    assert response.status_code == 302
    assert response["Location"].startswith("/office/auth/login/")


def test_the_callback_never_serves_a_password_login(client, idp_transport):
    UserFactory(username="someone")

    from django.contrib import auth
    from django.test import RequestFactory

    request = RequestFactory().get("/office/auth/login/?code=abc&state=def")
    request.session = client.session

    assert auth.authenticate(request, nonce="n") is None
    assert idp_transport.calls == []


def test_a_session_made_here_ends_when_the_account_becomes_an_officials(client, idp_transport):
    sign_in(client, "congdan")
    user = Applicant.objects.get(personal_id=AN.personal_id).user
    user.is_staff = True
    user.save(update_fields=["is_staff"])

    response = client.get("/tai-khoan/")

    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/dang-nhap/?next=/tai-khoan/"


def test_no_personal_data_travels_in_the_browsers_urls(client):
    callback = choose(client, start(client), {"person": "congdan"})

    for value in (AN.personal_id, AN.phone, "Nguy"):
        assert value not in callback
