"""An official's first authenticator key belongs to one sign-in attempt: nobody else with the password sees it."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from chinhquyen.office.auth import flow
from tests.factories import StaffRoleFactory

from .auth_helpers import totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/office/auth/login/"
CODE = "/office/auth/login/code/"
SETUP = "/office/auth/totp/setup/"
ACCOUNT = "/office/auth/account/"
PASSWORD = "pw-test-123"


@pytest.fixture
def official():
    return StaffRoleFactory(user__username="canbo", role="specialist").user


def _setup_page(client: Client):
    client.post(LOGIN, {"username": "canbo", "password": PASSWORD, "next": ACCOUNT})
    return client.get(SETUP)


def test_two_sign_in_attempts_are_shown_two_different_keys(official):
    intruder, owner = Client(), Client()

    seen_by_intruder = _setup_page(intruder).context["secret"]
    scanned = _setup_page(owner).context["secret"]

    assert scanned != seen_by_intruder
    assert TOTPDevice.objects.filter(user=official, confirmed=False).count() == 2


def test_reloading_the_page_keeps_the_key_and_a_new_password_step_changes_it(official):
    client = Client()
    first = _setup_page(client).context["secret"]

    reloaded = client.get(SETUP).context["secret"]
    again = _setup_page(client).context["secret"]

    assert reloaded == first
    assert again != first


def test_the_official_enrols_the_key_shown_to_them_and_the_other_keys_go(official):
    intruder, owner = Client(), Client()
    _setup_page(intruder)
    _setup_page(owner)
    owners = TOTPDevice.objects.get(pk=owner.session[flow.PENDING_KEY]["device"])

    response = owner.post(SETUP, {"code": totp_code(owners)})

    assert (response.status_code, response["Location"]) == (302, ACCOUNT)
    assert list(TOTPDevice.objects.filter(user=official).values_list("pk", "confirmed")) == [(owners.pk, True)]
    # The intruder's page now sends to the code step, whose codes come from the official's app only.
    assert intruder.get(SETUP)["Location"] == CODE


def test_keys_older_than_any_pending_sign_in_are_removed(official):
    old = TOTPDevice.objects.create(user=official, name="office", confirmed=False)
    TOTPDevice.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    recent = TOTPDevice.objects.create(user=official, name="office", confirmed=False)

    _setup_page(Client())

    remaining = set(TOTPDevice.objects.filter(user=official).values_list("pk", flat=True))
    assert old.pk not in remaining
    assert recent.pk in remaining
    assert len(remaining) == 2
