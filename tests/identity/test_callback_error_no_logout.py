"""A link to the national identity callback with ``?error=`` signs nobody out: sign-out is a POST.

Any page may link there, and a top-level GET carries the SameSite=Lax session cookie.
"""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages

from chinhquyen.core.models import AuditEntry
from tests.factories import StaffRoleFactory, UserFactory
from tests.office.auth_helpers import totp_code, totp_device_for

from .helpers import AN, choose, demo_citizen, query, sign_in, start

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_link_to_the_callback_does_not_sign_an_official_out(client):
    user = StaffRoleFactory(user__username="canbo", role="specialist").user
    device = totp_device_for(user)
    client.post("/office/auth/login/", {"username": "canbo", "password": "pw-test-123"})
    client.post("/office/auth/login/code/", {"code": totp_code(device)})

    client.get("/oidc/callback/?error=access_denied")

    assert client.session.get(SESSION_KEY) == str(user.pk)
    assert client.get("/office/auth/account/").status_code == 200


def test_a_link_to_the_callback_does_not_sign_a_citizen_out(client, idp_transport):
    citizen = UserFactory(username="congdan")
    demo_citizen(AN, user=citizen)
    sign_in(client, "congdan")

    response = client.get("/oidc/callback/?error=server_error", headers={"accept-language": "en"})

    assert response["Location"] == "/tai-khoan/dang-nhap/"
    assert messages_of(response) == ["Signing in with the national identity did not succeed. Please try again."]
    assert client.session.get(SESSION_KEY) == str(citizen.pk)
    assert client.get("/tai-khoan/").status_code == 200
    assert not AuditEntry.objects.filter(action="portal.sign_out").exists()


def test_an_error_for_a_pending_sign_in_drops_its_state(client, idp_transport):
    callback = choose(client, start(client), {"cancel": "1"})
    state = query(callback)["state"]
    assert state in client.session["oidc_states"]

    response = client.get(callback, headers={"accept-language": "en"})

    assert response["Location"] == "/tai-khoan/dang-nhap/"
    assert messages_of(response) == ["You cancelled signing in with the national identity."]
    assert state not in client.session["oidc_states"]
