"""An official's own API tokens in the office: listed, created (value shown once), revoked; audited."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from chinhquyen.core.models import AuditEntry
from chinhquyen.integrations.models import OfficerToken
from chinhquyen.integrations.selectors import secret_digest
from chinhquyen.integrations.services import officer_token_issue
from tests.api.helpers import api_client
from tests.factories import CitizenFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'value="(cqo_[a-z0-9]{8}_[A-Za-z0-9_-]{43})"')


def _create(client, name="laptop", days="90"):
    return client.post(reverse("office:tokens"), {"name": name, "days": days})


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
    assert _create(client).status_code == 403
    assert OfficerToken.objects.count() == 0


def test_an_official_sees_only_their_own_tokens(as_user, office):
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

    response = _create(client, name="Máy trạm phòng một cửa", days="30")

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
    ],
    ids=["no-name", "no-lifetime", "unknown-lifetime"],
)
def test_a_token_needs_a_name_and_one_of_the_lifetimes(as_user, office, data, field, message):
    client = as_user(office.specialist)

    response = client.post(reverse("office:tokens"), data)

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert OfficerToken.objects.count() == 0
    assert AuditEntry.objects.filter(action="integrations.officer_token_issue").count() == 0


def test_revoking_asks_first_then_the_api_refuses_the_token(as_user, office):
    client = as_user(office.specialist)
    [secret] = TOKEN.findall(_create(client).content.decode())
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
    _create(client, name="laptop", days="365")
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
