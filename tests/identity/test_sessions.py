"""Citizens' sessions: idle limit and audit of both ways of signing in, audited sign-out, logged failures."""

import logging
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from chinhquyen.core.audit import audit_verify
from chinhquyen.core.models import AuditEntry
from chinhquyen.identity.claims import login_masked
from tests.factories import UserFactory

from .helpers import AN, PASSWORD, demo_citizen, local_user, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def en():
    return Client(headers={"accept-language": "en"})


def _expires_in(client) -> float:
    stored = Session.objects.get(session_key=client.session.session_key).expire_date
    return (stored - timezone.now()).total_seconds()


def test_a_national_identity_sign_in_limits_the_session_and_is_audited(client, idp_transport, settings):
    settings.CITIZEN_SESSION_IDLE_MINUTES = 45
    user = UserFactory(username="congdan")
    demo_citizen(AN, user=user)

    sign_in(client, "congdan")

    assert client.session.get_expiry_age() == 45 * 60
    assert abs(_expires_in(client) - 45 * 60) < 5
    entry = AuditEntry.objects.get(action="portal.sign_in")
    assert (entry.actor_id, entry.target, entry.data) == (user.pk, f"user:{user.pk}", {"method": "national_identity"})
    assert audit_verify().ok


def test_a_local_sign_in_limits_the_session_to_an_hour_and_is_audited(en, django_capture_on_commit_callbacks):
    local_user(en, django_capture_on_commit_callbacks)  # signs up, in and out

    en.post("/tai-khoan/dang-nhap/", {"login": "hoa@example.vn", "password": PASSWORD})

    assert abs(_expires_in(en) - 60 * 60) < 5
    user_id = int(en.session[SESSION_KEY])
    entries = AuditEntry.objects.filter(action__in=["portal.sign_in", "portal.sign_out"]).order_by("pk")
    assert [(e.action, e.actor_id, e.data) for e in entries] == [
        ("portal.sign_in", user_id, {"method": "local_account"}),  # after the code, at sign-up
        ("portal.sign_out", user_id, {}),
        ("portal.sign_in", user_id, {"method": "local_account"}),
    ]


def test_an_idle_citizen_session_has_ended(client, idp_transport):
    demo_citizen(AN, user=UserFactory(username="congdan"))
    sign_in(client, "congdan")
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    response = client.get("/ho-so-cua-toi/")

    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/")


def test_signing_out_is_audited_once(client, idp_transport):
    user = UserFactory(username="congdan")
    demo_citizen(AN, user=user)
    sign_in(client, "congdan")

    client.post("/tai-khoan/dang-xuat/")
    client.post("/tai-khoan/dang-xuat/")  # no one is signed in any more: nothing to audit

    assert list(AuditEntry.objects.filter(action="portal.sign_out").values_list("actor_id", "target")) == [
        (user.pk, f"user:{user.pk}")
    ]


def test_failed_local_sign_ins_are_logged_masked_and_the_lockout_too(en, caplog):
    with caplog.at_level(logging.WARNING, logger="chinhquyen.identity.services.local"):
        for _ in range(5):
            en.post("/tai-khoan/dang-nhap/", {"login": "Nguyen.Van.A@example.vn", "password": "sai"})

    assert [r.getMessage() for r in caplog.records if r.name == "chinhquyen.identity.services.local"] == [
        "Local account sign-in failed for 'ng***@example.vn'",
        "Local account sign-in failed for 'ng***@example.vn'",
        "Local account sign-in failed for 'ng***@example.vn'",
        "Local account sign-in failed for 'ng***@example.vn'",
        "Local account sign-in failed for 'ng***@example.vn'; locked",
    ]
    assert "nguyen.van.a" not in caplog.text.lower()


@pytest.mark.parametrize(
    ("login", "masked"),
    [
        ("nguyenvana@gmail.com", "ng***@gmail.com"),
        ("0912345678", "091****678"),
        ("a@b.vn", "a***@b.vn"),
        ("@b.vn", "@b***"),
        ("x", "x***"),
        ("", "***"),
    ],
)
def test_login_masked(login, masked):
    assert login_masked(login) == masked
