"""Credentials: issued by a province admin, stored hashed, shown once, revoked at once, audited."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from chinhquyen.core.errors import InvalidInput, NotAllowed
from chinhquyen.core.models import AuditEntry
from chinhquyen.directory.services import staff_role_grant
from chinhquyen.integrations.models import ApiKey, OfficerToken
from chinhquyen.integrations.selectors import SECRET_FORMAT, api_key_find, officer_token_find
from chinhquyen.integrations.services import (
    api_key_issue,
    api_key_revoke,
    credential_touch,
    officer_token_issue,
    officer_token_revoke,
    system_create,
)
from tests.api.helpers import admin_user, api_client
from tests.factories import AgencyFactory, UserFactory
from tests.office.auth_helpers import totp_device_for

pytestmark = pytest.mark.django_db


def test_a_key_is_stored_as_its_sha256_and_found_by_its_secret_only():
    admin = admin_user()
    system = system_create(by=admin, code="cong-dvc", name="Cổng DVC quốc gia")

    issued = api_key_issue(by=admin, system=system, name="prod", scopes=["dossiers:read", "catalog:read"])

    key = ApiKey.objects.get()
    assert SECRET_FORMAT.match(issued.secret)
    assert issued.secret.startswith(key.prefix + "_")
    assert key.secret_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert issued.secret not in str(ApiKey.objects.values_list().get())
    assert key.scopes == ["catalog:read", "dossiers:read"]
    assert api_key_find(secret=issued.secret) == key
    assert api_key_find(secret=issued.secret[:-1] + ("A" if issued.secret[-1] != "A" else "B")) is None
    assert system.account.has_usable_password() is False
    assert list(AuditEntry.objects.filter(action__startswith="integrations.").values_list("action", flat=True)) == [
        "integrations.system_create",
        "integrations.api_key_issue",
    ]


def test_only_a_province_admin_issues_or_revokes_keys():
    admin = admin_user()
    system = system_create(by=admin, code="app", name="App")
    officer = UserFactory(is_staff=True)
    province_admin = UserFactory()
    staff_role_grant(user=province_admin, agency=AgencyFactory(), role="province_admin")

    with pytest.raises(NotAllowed):
        api_key_issue(by=officer, system=system, name="x", scopes=["catalog:read"])
    issued = api_key_issue(by=province_admin, system=system, name="x", scopes=["catalog:read"])
    with pytest.raises(NotAllowed):
        api_key_revoke(by=officer, key=issued.credential)
    with pytest.raises(InvalidInput):
        api_key_issue(by=admin, system=system, name="x", scopes=["everything"])


def test_a_revoked_expired_or_inactive_key_is_refused_at_once():
    admin = admin_user()
    system = system_create(by=admin, code="app", name="App")
    revoked = api_key_issue(by=admin, system=system, name="a", scopes=["catalog:read"])
    expired = api_key_issue(
        by=admin, system=system, name="b", scopes=["catalog:read"], expires_at=timezone.now() + timedelta(days=1)
    )
    ApiKey.objects.filter(pk=expired.credential.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    api_key_revoke(by=admin, key=revoked.credential)

    assert api_key_find(secret=revoked.secret) is None
    assert api_key_find(secret=expired.secret) is None
    response = api_client(revoked.secret).get("/api/v1/meta/me")
    assert (response.status_code, response.json()["code"]) == (401, "invalid_credentials")
    live = api_key_issue(by=admin, system=system, name="c", scopes=["catalog:read"])
    system.is_active = False
    system.save()
    assert api_key_find(secret=live.secret) is None


def test_an_officer_token_acts_with_the_officers_current_roles():
    agency = AgencyFactory()
    officer = UserFactory(is_staff=True)
    role = staff_role_grant(user=officer, agency=agency, role="front_desk")
    totp_device_for(officer)
    issued = officer_token_issue(by=officer, user=officer, name="laptop")
    client = api_client(issued.secret)

    before = client.get("/api/v1/meta/me").json()
    role.delete()
    after = client.get("/api/v1/meta/me").json()

    assert before == {
        "kind": "officer",
        "username": officer.username,
        "system": None,
        "scopes": [],
        "roles": [f"{agency.code}:front_desk"],
    }
    assert after["roles"] == []
    assert OfficerToken.objects.get().expires_at > timezone.now() + timedelta(days=179)


def test_officer_tokens_only_for_officers_and_by_themselves_or_an_admin():
    officer = UserFactory(is_staff=True)
    staff_role_grant(user=officer, agency=AgencyFactory(), role="specialist")
    totp_device_for(officer)
    colleague = UserFactory(is_staff=True)
    staff_role_grant(user=colleague, agency=AgencyFactory(), role="specialist")
    citizen = UserFactory()

    with pytest.raises(NotAllowed):
        officer_token_issue(by=colleague, user=officer, name="x")
    with pytest.raises(InvalidInput):
        officer_token_issue(by=citizen, user=citizen, name="x")
    issued = officer_token_issue(by=admin_user(), user=officer, name="by admin")
    officer_token_revoke(by=officer, token=issued.credential)
    assert officer_token_find(secret=issued.secret) is None


def test_use_is_recorded_at_most_every_five_minutes():
    admin = admin_user()
    key = api_key_issue(
        by=admin, system=system_create(by=admin, code="a", name="A"), name="k", scopes=["catalog:read"]
    ).credential
    now = timezone.now()

    credential_touch(credential=key, now=now)
    credential_touch(credential=key, now=now + timedelta(minutes=4))
    assert ApiKey.objects.get().last_used_at == now
    credential_touch(credential=key, now=now + timedelta(minutes=5))
    assert ApiKey.objects.get().last_used_at == now + timedelta(minutes=5)


def test_a_key_or_token_is_not_issued_already_expired():
    admin = admin_user()
    system = system_create(by=admin, code="app", name="App")
    officer = UserFactory(is_staff=True)
    staff_role_grant(user=officer, agency=AgencyFactory(), role="front_desk")
    totp_device_for(officer)
    past = timezone.now() - timedelta(minutes=1)

    with pytest.raises(InvalidInput) as key:
        api_key_issue(by=admin, system=system, name="x", scopes=["catalog:read"], expires_at=past)
    with pytest.raises(InvalidInput) as token:
        officer_token_issue(by=officer, user=officer, name="x", expires_at=past)

    assert {(e.value.code, e.value.field) for e in (key, token)} == {("expires_in_past", "expires_at")}
    assert (ApiKey.objects.count(), OfficerToken.objects.count()) == (0, 0)
