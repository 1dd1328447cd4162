"""The sign-up limit counts a whole IPv6 /64 as one client, and counts refused tries too."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from chinhquyen.identity.models import OneTimeCode
from tests.identity.helpers import local_sign_up, local_user

pytestmark = pytest.mark.django_db


def test_sign_ups_from_one_ipv6_subscriber_are_limited_as_from_one_address(
    settings, django_capture_on_commit_callbacks
):
    settings.LOCAL_ACCOUNTS_ENABLED = True
    accepted = 0
    for i in range(15):
        client = Client(headers={"accept-language": "en"}, REMOTE_ADDR=f"2001:db8:1:2::{i + 1:x}")
        with django_capture_on_commit_callbacks(execute=True):
            response = local_sign_up(client, login=f"user{i}@example.vn", personal_id=f"0371990{i + 1:05d}")
        accepted += response.status_code == 302

    assert accepted == 10


def test_asking_whether_a_login_has_an_account_is_limited(settings, django_capture_on_commit_callbacks):
    settings.LOCAL_ACCOUNTS_ENABLED = True
    local_user(Client(), django_capture_on_commit_callbacks)  # hoa@example.vn has an account
    client = Client(headers={"accept-language": "en"}, REMOTE_ADDR="198.51.100.21")

    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))  # her code was sent long ago

    answers = [local_sign_up(client, login="hoa@example.vn", personal_id=f"0371990{i:05d}") for i in range(50, 62)]

    # Answered as for a new address (the code page, then "a code was sent a moment ago"), and counted.
    assert [a.status_code for a in answers] == [302] + [400] * 11
    assert all("A code was sent to this address a moment ago" in a.content.decode() for a in answers[1:10])
    assert all("Too many sign-ups were tried from your connection." in a.content.decode() for a in answers[10:])
    assert not any("already exists" in a.content.decode() for a in answers)
