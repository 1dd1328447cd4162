"""An official's session ends after OFFICIAL_SESSION_IDLE_MINUTES without use; sign-ins and sign-outs are audited."""

import logging
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from chinhquyen.core.audit import audit_verify
from chinhquyen.core.models import AuditEntry
from chinhquyen.core.session_idle import ACTIVE_KEY
from tests.factories import StaffRoleFactory

from .auth_helpers import totp_code, totp_device_for

pytestmark = pytest.mark.django_db

LOGIN = "/office/auth/login/"
CODE = "/office/auth/login/code/"
ACCOUNT = "/office/auth/account/"


@pytest.fixture
def official():
    return StaffRoleFactory(user__username="canbo", role="specialist").user


def _sign_in(client, official):
    device = totp_device_for(official)
    client.post(LOGIN, {"username": "canbo", "password": "pw-test-123", "next": ACCOUNT})
    client.post(CODE, {"code": totp_code(device)})
    return device


def _stored(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_signing_in_sets_the_idle_limit_and_is_audited(client, official, settings):
    settings.OFFICIAL_SESSION_IDLE_MINUTES = 20
    device = _sign_in(client, official)

    session = client.session
    assert session.get_expiry_age() == 20 * 60
    assert session.get_expire_at_browser_close() is False
    assert abs((_stored(client).expire_date - timezone.now()).total_seconds() - 20 * 60) < 5
    entry = AuditEntry.objects.get(action="office.sign_in")
    assert (entry.actor_id, entry.target, entry.data) == (
        official.pk,
        f"user:{official.pk}",
        {"device": device.persistent_id},
    )
    assert audit_verify().ok


def test_a_request_after_a_minute_moves_the_end_on_and_one_within_the_minute_writes_nothing(client, official):
    _sign_in(client, official)
    session = client.session
    session[ACTIVE_KEY] = int(time.time()) - 61  # the last recorded use, a minute ago
    session.save()
    soon = timezone.now() + timedelta(minutes=2)
    Session.objects.filter(session_key=session.session_key).update(expire_date=soon)

    assert client.get(ACCOUNT).status_code == 200

    moved = _stored(client).expire_date
    assert abs((moved - timezone.now()).total_seconds() - 30 * 60) < 5  # the default, 30 minutes
    assert client.get(ACCOUNT).status_code == 200
    assert _stored(client).expire_date == moved  # within the minute: not saved again


def test_an_idle_session_has_ended_and_the_official_signs_in_again(client, official):
    _sign_in(client, official)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    response = client.get(ACCOUNT)

    assert (response.status_code, response["Location"]) == (302, f"{LOGIN}?next={ACCOUNT}")


def test_sessions_no_sign_in_limited_are_left_alone(client):
    from tests.factories import UserFactory

    citizen = UserFactory()
    client.force_login(citizen)
    before = _stored(client).expire_date

    client.get("/")

    assert ACTIVE_KEY not in client.session
    assert _stored(client).expire_date == before


def test_signing_out_is_audited(client, official):
    _sign_in(client, official)

    client.post("/office/auth/logout/")
    client.post("/office/auth/logout/")  # no one is signed in any more: nothing to audit

    signs = AuditEntry.objects.filter(action__startswith="office.").order_by("sequence")
    assert list(signs.values_list("action", "actor_id")) == [
        ("office.sign_in", official.pk),
        ("office.sign_out", official.pk),
    ]


def test_failed_sign_ins_are_logged_with_the_username_typed(client, official, caplog):
    with caplog.at_level(logging.WARNING, logger="chinhquyen.office.auth.throttle"):
        for _attempt in range(5):
            client.post(LOGIN, {"username": "canbo\nforged line", "password": "wrong"})

    messages = [r.getMessage() for r in caplog.records if r.name == "chinhquyen.office.auth.throttle"]
    assert messages[0] == "Office sign-in failed for username 'canbo\\nforged line' (1 of 5)."
    assert messages[-1] == "Office sign-in blocked for 15 minutes for username 'canbo\\nforged line'."
    assert len(messages) == 6
