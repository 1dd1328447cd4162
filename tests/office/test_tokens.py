"""An official's own API tokens in the office: listed, created with a fresh TOTP code (value shown once), revoked."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from chinhquyen.core.models import AuditEntry
from chinhquyen.integrations.models import OfficerToken
from chinhquyen.integrations.selectors import secret_digest
from chinhquyen.integrations.services import officer_token_issue
from chinhquyen.office.auth import flow
from tests.api.helpers import api_client
from tests.factories import CitizenFactory, UserFactory

from .auth_helpers import totp_code, totp_device_for

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'value="(cqo_[a-z0-9]{8}_[A-Za-z0-9_-]{43})"')
WRONG_CODE = "The code is not correct. Enter the code your authenticator app shows now."
LOCKED = "Too many failed attempts for your username: creating tokens and signing in are blocked for 15 minutes."
NO_DEVICE = (
    "Your account has no confirmed authenticator app, so you cannot create a token. Sign out and sign in again to "
    "set one up."
)


def _device(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=True)


def _wrong(device: TOTPDevice) -> str:
    return f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"


def _create(client, user, name="laptop", days="90", code=None):
    code = totp_code(_device(user)) if code is None else code
    return client.post(reverse("office:tokens"), {"name": name, "days": days, "code": code})


def _issued() -> int:
    return AuditEntry.objects.filter(action="integrations.officer_token_issue").count()


def test_anonymous_user_is_sent_to_the_office_sign_in(client):
    for url in (reverse("office:tokens"), reverse("office:token_revoke", args=[1])):
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("office:auth:login"))


def test_citizen_signed_in_on_the_portal_is_sent_to_the_office_sign_in(client):
    citizen = CitizenFactory(user=UserFactory(username="citizen")).user
    client.force_login(citizen)

    response = client.get(reverse("office:tokens"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("office:auth:login"))


def test_citizen_with_a_verified_session_is_refused(as_user):
    citizen = CitizenFactory(user=UserFactory(username="citizen")).user
    client = as_user(citizen)

    assert client.get(reverse("office:tokens")).status_code == 403
    assert _create(client, citizen).status_code == 403
    assert OfficerToken.objects.count() == 0


def test_an_official_sees_only_their_own_tokens(as_user, office):
    for official in (office.specialist, office.leader):
        totp_device_for(official)  # a token needs a confirmed device
    mine = officer_token_issue(by=office.specialist, user=office.specialist, name="my laptop").credential
    officer_token_issue(by=office.leader, user=office.leader, name="leader's script")
    client = as_user(office.specialist)

    response = client.get(reverse("office:tokens"))

    page = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert "my laptop" in page
    assert mine.prefix in page
    assert "leader&#x27;s script" not in page
    assert reverse("office:token_revoke", args=[mine.pk]) in page
    assert [row[0] for row in response.context["rows"]] == [mine]


def test_another_officials_token_is_404_and_stays_valid(as_user, office):
    totp_device_for(office.leader)  # a token needs a confirmed device
    theirs = officer_token_issue(by=office.leader, user=office.leader, name="leader's script")
    client = as_user(office.specialist)
    url = reverse("office:token_revoke", args=[theirs.credential.pk])

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert OfficerToken.objects.get().revoked_at is None
    assert api_client(theirs.secret).get("/api/v1/meta/me").status_code == 200


def test_creating_shows_the_value_once_and_the_api_accepts_it(as_user, office):
    client = as_user(office.specialist)
    before = timezone.now()

    response = _create(client, office.specialist, name="Máy trạm phòng một cửa", days="30")

    page = response.content.decode()
    [secret] = TOKEN.findall(page)
    token = OfficerToken.objects.get()
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert "Copy the token now: it is shown only this once and cannot be shown again." in page
    assert (token.user, token.created_by, token.name) == (
        office.specialist,
        office.specialist,
        "Máy trạm phòng một cửa",
    )
    assert token.secret_hash == secret_digest(secret)
    assert secret.startswith(token.prefix + "_")
    assert before + timedelta(days=30) <= token.expires_at <= timezone.now() + timedelta(days=30)
    listing = client.get(reverse("office:tokens")).content.decode()
    assert secret not in listing
    assert token.prefix in listing
    me = api_client(secret).get("/api/v1/meta/me")
    assert me.status_code == 200
    assert me.json() == {
        "kind": "officer",
        "username": office.specialist.username,
        "system": None,
        "scopes": [],
        "roles": [f"{office.agency.code}:specialist"],
    }
    assert api_client(secret).get("/api/v1/dossiers").status_code == 200


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "days": "90"}, "name", "Give the token a name."),
        ({"name": "x"}, "days", "Choose how long the token is valid."),
        ({"name": "x", "days": "3650"}, "days", "Select a valid choice. 3650 is not one of the available choices."),
        ({"name": "x", "days": "90", "code": ""}, "code", "Enter the code from your authenticator app."),
        ({"name": "x", "days": "90", "code": "12345"}, "code", "Enter the six digits shown in your authenticator app."),
    ],
    ids=["no-name", "no-lifetime", "unknown-lifetime", "no-code", "short-code"],
)
def test_a_token_needs_a_name_one_of_the_lifetimes_and_a_code(as_user, office, data, field, message):
    client = as_user(office.specialist)
    device = _device(office.specialist)
    data = {"code": totp_code(device)} | data

    response = client.post(reverse("office:tokens"), data)

    assert response.status_code == 400
    assert dict(response.context["form"].errors) == {field: [message]}
    assert OfficerToken.objects.count() == 0
    assert _issued() == 0
    device.refresh_from_db()
    assert (device.last_t, device.throttling_failure_count) == (-1, 0)  # the code was not even tried


def test_the_form_asks_for_the_authentication_code(as_user, office):
    client = as_user(office.specialist)

    page = client.get(reverse("office:tokens")).content.decode()

    assert '<label for="id_code">Authentication code <span class="muted">(required)</span></label>' in page
    assert 'autocomplete="one-time-code"' in page


def test_a_wrong_code_creates_nothing_and_says_why(as_user, office):
    client = as_user(office.specialist)

    response = _create(client, office.specialist, code=_wrong(_device(office.specialist)))

    form = response.context["form"]
    assert response.status_code == 400
    assert dict(form.errors) == {"code": [WRONG_CODE]}
    assert form.fields["code"].widget.attrs["aria-invalid"] == "true"
    assert OfficerToken.objects.count() == 0
    assert _issued() == 0


def test_a_code_already_used_to_sign_in_is_refused(as_user, office):
    client = as_user(office.specialist)
    device = _device(office.specialist)
    code = totp_code(device)
    assert flow.code_verify(user=office.specialist, code=code) == device  # the sign-in's code step

    response = _create(client, office.specialist, code=code)

    assert dict(response.context["form"].errors) == {"code": [WRONG_CODE]}
    assert OfficerToken.objects.count() == 0


def test_right_code_right_after_a_wrong_one_asks_to_wait(as_user, office, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # django-otp's back-off, long enough for a slow machine
    client = as_user(office.specialist)
    _create(client, office.specialist, code=_wrong(_device(office.specialist)))

    response = _create(client, office.specialist)

    assert dict(response.context["form"].errors) == {"code": ["Wait a few seconds before entering a new code."]}
    assert OfficerToken.objects.count() == 0


def test_wrong_codes_count_towards_the_sign_in_lockout(as_user, office, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own back-off would slow this test down
    client = as_user(office.specialist)
    for _ in range(5):
        _create(client, office.specialist, code=_wrong(_device(office.specialist)))

    response = _create(client, office.specialist)
    sign_in = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        reverse("office:auth:login"), {"username": office.specialist.username, "password": "pw-test-123"}
    )

    assert dict(response.context["form"].errors) == {"code": [LOCKED]}
    assert OfficerToken.objects.count() == 0
    assert [str(e) for e in sign_in.context["form"].non_field_errors()] == [
        "Too many failed attempts. Sign-in is blocked for 15 minutes for this username."
    ]


def test_without_a_confirmed_device_no_token_can_be_created(as_user, office, monkeypatch):
    client = as_user(office.specialist)
    code = totp_code(_device(office.specialist))
    # A session verified otherwise than by an authenticator app (django-otp's middleware drops one whose
    # device is no longer confirmed), so there is no app to ask a code of.
    monkeypatch.setattr(flow, "confirmed_device_exists", lambda *, user: False)

    page = client.get(reverse("office:tokens"))
    response = client.post(reverse("office:tokens"), {"name": "laptop", "days": "90", "code": code})

    assert page.status_code == 200
    assert NO_DEVICE in page.content.decode()
    assert 'id="id_code"' not in page.content.decode()
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [NO_DEVICE]
    assert OfficerToken.objects.count() == 0
    assert _issued() == 0


def test_revoking_asks_first_then_the_api_refuses_the_token(as_user, office):
    client = as_user(office.specialist)
    [secret] = TOKEN.findall(_create(client, office.specialist).content.decode())
    token = OfficerToken.objects.get()
    url = reverse("office:token_revoke", args=[token.pk])

    confirm = client.get(url)
    token.refresh_from_db()
    assert confirm.status_code == 200
    assert "Confirm: Revoke the token" in confirm.content.decode()
    assert token.revoked_at is None
    assert api_client(secret).get("/api/v1/meta/me").status_code == 200

    response = client.post(url, follow=True)

    token.refresh_from_db()
    assert response.redirect_chain == [(reverse("office:tokens"), 302)]
    assert [str(m) for m in response.context["messages"]] == ["The token “laptop” is revoked; it no longer works."]
    assert token.revoked_by == office.specialist
    assert token.revoked_at is not None
    refused = api_client(secret).get("/api/v1/meta/me")
    assert (refused.status_code, refused.json()["code"]) == (401, "invalid_credentials")
    again = client.post(url, follow=True)
    assert [str(m) for m in again.context["messages"]] == ["The token “laptop” was already revoked."]
    assert "Revoked " in again.content.decode()


def test_creation_and_revocation_are_audited(as_user, office):
    client = as_user(office.specialist)
    _create(client, office.specialist, name="laptop", days="365")
    token = OfficerToken.objects.get()
    client.post(reverse("office:token_revoke", args=[token.pk]))
    client.post(reverse("office:token_revoke", args=[token.pk]))  # a second revoke writes nothing

    entries = list(
        AuditEntry.objects.filter(action__startswith="integrations.officer_token")
        .order_by("sequence")
        .values("actor_name", "action", "target", "data")
    )

    assert [(e["actor_name"], e["action"], e["target"]) for e in entries] == [
        (office.specialist.username, "integrations.officer_token_issue", f"user:{office.specialist.pk}"),
        (office.specialist.username, "integrations.officer_token_revoke", f"user:{office.specialist.pk}"),
    ]
    assert entries[0]["data"]["token"] == token.pk
    assert entries[0]["data"]["prefix"] == token.prefix
    assert entries[1]["data"] == {"token": token.pk, "prefix": token.prefix}


def test_the_office_header_links_to_the_tokens_page(as_user, office):
    client = as_user(office.front_desk)

    inbox = client.get(reverse("office:inbox")).content.decode()
    tokens = client.get(reverse("office:tokens")).content.decode()

    assert f'<a href="{reverse("office:tokens")}">API tokens</a>' in inbox
    assert f'<a href="{reverse("office:tokens")}" aria-current="page">API tokens</a>' in tokens
