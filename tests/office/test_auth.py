"""Officials sign in with a password and a TOTP code; office pages need a verified session."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from chinhquyen.core.access import policy_for
from chinhquyen.core.models import AuditEntry
from chinhquyen.office.auth import flow
from chinhquyen.office.auth.access import officer_access
from tests.factories import StaffRoleFactory, UserFactory

from .auth_helpers import officer_login, totp_code, totp_device_for

pytestmark = pytest.mark.django_db

LOGIN = "/office/auth/login/"
CODE = "/office/auth/login/code/"
SETUP = "/office/auth/totp/setup/"
ACCOUNT = "/office/auth/account/"
PASSWORD = "pw-test-123"
WRONG_CREDENTIALS = "The username or password is not correct."


@pytest.fixture(autouse=True)
def _no_language_left():
    yield
    # LocaleMiddleware leaves the last request's language active in this thread.
    translation.deactivate()


@pytest.fixture
def en_client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def official():
    return StaffRoleFactory(user__username="canbo", role="specialist").user


def _password_step(client, username="canbo", password=PASSWORD, next_url=ACCOUNT):
    return client.post(LOGIN, {"username": username, "password": password, "next": next_url})


def _errors(response) -> list[str]:
    return [str(e) for e in response.context["form"].non_field_errors()]


def test_official_signs_in_with_password_then_code(en_client, official):
    device = totp_device_for(official)

    page = en_client.get(f"{LOGIN}?next={ACCOUNT}")
    step1 = _password_step(en_client)
    before_code = en_client.get(ACCOUNT)
    step2 = en_client.post(CODE, {"code": totp_code(device)})
    after = en_client.get(ACCOUNT)

    assert page.status_code == 200
    assert 'autocomplete="current-password"' in page.text
    assert (step1.status_code, step1["Location"]) == (302, "/office/auth/login/code/")
    assert before_code.status_code == 302  # a password alone is not a sign-in
    assert (step2.status_code, step2["Location"]) == (302, ACCOUNT)
    assert after.status_code == 200
    assert after.wsgi_request.user.is_verified() is True
    assert "canbo" in after.text


def test_code_form_is_accessible_to_authenticator_apps(en_client, official):
    totp_device_for(official)
    _password_step(en_client)

    page = en_client.get(CODE)

    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.text
    assert 'inputmode="numeric"' in page.text
    assert '<label for="id_code">' in page.text


def test_code_typed_with_a_space_is_accepted(en_client, official):
    device = totp_device_for(official)
    _password_step(en_client)
    code = totp_code(device)

    response = en_client.post(CODE, {"code": f"{code[:3]} {code[3:]}"})

    assert (response.status_code, response["Location"]) == (302, ACCOUNT)


def test_without_next_the_official_lands_on_the_office_home(en_client, official):
    device = totp_device_for(official)
    en_client.post(LOGIN, {"username": "canbo", "password": PASSWORD})

    response = en_client.post(CODE, {"code": totp_code(device)})

    assert response["Location"] == flow.default_next()


def test_next_pointing_off_site_is_ignored(en_client, official):
    device = totp_device_for(official)
    _password_step(en_client, next_url="https://evil.example/")

    response = en_client.post(CODE, {"code": totp_code(device)})

    assert response["Location"] == flow.default_next()


def test_wrong_code_is_refused_with_a_message(en_client, official):
    device = totp_device_for(official)
    _password_step(en_client)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"

    response = en_client.post(CODE, {"code": wrong})

    assert response.status_code == 400
    assert _errors(response) == ["The code is not correct. Enter the code your authenticator app shows now."]
    assert en_client.get(ACCOUNT).status_code == 302


def test_code_that_is_not_six_digits_is_refused_by_the_form(en_client, official):
    totp_device_for(official)
    _password_step(en_client)

    response = en_client.post(CODE, {"code": "12ab"})

    assert response.status_code == 400
    assert response.context["form"].errors["code"] == ["Enter the six digits shown in your authenticator app."]


@pytest.mark.parametrize(
    ("username", "password"),
    [("canbo", "wrong-password"), ("nobody", PASSWORD), ("congdan", PASSWORD)],
    ids=["wrong-password", "unknown-user", "citizen-without-staff-role"],
)
def test_refusals_do_not_reveal_whether_the_username_exists(en_client, official, username, password):
    UserFactory(username="congdan")

    response = _password_step(en_client, username=username, password=password)

    assert response.status_code == 400
    assert _errors(response) == [WRONG_CREDENTIALS]
    assert flow.PENDING_KEY not in en_client.session


def test_citizen_cannot_reach_the_code_step(en_client):
    citizen = UserFactory(username="congdan")
    totp_device_for(citizen)

    _password_step(en_client, username="congdan")
    response = en_client.get(CODE)

    assert (response.status_code, response["Location"]) == (302, LOGIN)


def test_five_failures_lock_the_username_for_fifteen_minutes(en_client, official):
    for _ in range(5):
        assert _errors(_password_step(en_client, password="wrong")) == [WRONG_CREDENTIALS]

    response = _password_step(en_client)

    assert _errors(response) == ["Too many failed attempts. Sign-in is blocked for 15 minutes for this username."]
    assert flow.PENDING_KEY not in en_client.session


def test_wrong_codes_count_towards_the_lockout(en_client, official, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own back-off would slow this test down
    device = totp_device_for(official)
    _password_step(en_client)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    for _ in range(5):
        en_client.post(CODE, {"code": wrong})

    response = en_client.post(CODE, {"code": totp_code(device)})

    assert _errors(response) == ["Too many failed attempts. Sign-in is blocked for 15 minutes for this username."]
    assert en_client.get(ACCOUNT).status_code == 302


def test_right_code_right_after_a_wrong_one_asks_to_wait(en_client, official, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a back-off long enough for a slow machine
    device = totp_device_for(official)
    _password_step(en_client)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    en_client.post(CODE, {"code": wrong})

    response = en_client.post(CODE, {"code": totp_code(device)})

    assert _errors(response) == ["Wait a few seconds before entering a new code."]


def test_unknown_usernames_are_locked_out_alike(en_client):
    for _ in range(5):
        _password_step(en_client, username="nobody", password="wrong")

    response = _password_step(en_client, username="nobody", password="wrong")

    assert _errors(response) == ["Too many failed attempts. Sign-in is blocked for 15 minutes for this username."]


def test_expired_password_step_must_be_repeated(en_client, official, monkeypatch):
    totp_device_for(official)
    _password_step(en_client)
    monkeypatch.setattr(flow, "PENDING_MAX_AGE_SECONDS", -1)

    response = en_client.get(CODE)

    assert (response.status_code, response["Location"]) == (302, LOGIN)


def test_official_without_device_is_sent_to_setup_and_confirms(en_client, official):
    step1 = _password_step(en_client)
    page = en_client.get(SETUP)
    device = TOTPDevice.objects.get(user=official, confirmed=False)
    again = en_client.get(SETUP)

    response = en_client.post(SETUP, {"code": totp_code(device)})

    assert step1["Location"] == SETUP
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.text
    assert page.context["secret"] == again.context["secret"]  # reloading keeps the key already scanned
    assert page.context["secret"].replace(" ", "") in device.config_url
    assert (response.status_code, response["Location"]) == (302, ACCOUNT)
    device.refresh_from_db()
    assert device.confirmed is True
    assert en_client.get(ACCOUNT).status_code == 200
    assert AuditEntry.objects.filter(action="otp.enrol", target=f"user:{official.pk}").count() == 1


def test_setup_refuses_a_wrong_code(en_client, official):
    _password_step(en_client)
    en_client.get(SETUP)

    response = en_client.post(SETUP, {"code": "000000"})

    assert response.status_code == 400
    assert TOTPDevice.objects.get(user=official).confirmed is False


def test_setup_is_closed_once_a_device_is_confirmed(en_client, official):
    totp_device_for(official)
    _password_step(en_client)

    response = en_client.get(SETUP)

    assert (response.status_code, response["Location"]) == (302, CODE)
    assert TOTPDevice.objects.filter(user=official).count() == 1


def test_setup_needs_the_password_step(en_client):
    response = en_client.get(SETUP)

    assert (response.status_code, response["Location"]) == (302, LOGIN)


def test_logout_needs_post_and_ends_the_session(en_client, official):
    officer_login(en_client, official)

    refused = en_client.get("/office/auth/logout/")
    response = en_client.post("/office/auth/logout/")

    assert refused.status_code == 405
    assert (response.status_code, response["Location"]) == (302, LOGIN)
    assert en_client.get(ACCOUNT).status_code == 302


def test_officer_access_sends_anonymous_users_to_the_office_login(client):
    response = client.get(ACCOUNT)

    assert (response.status_code, response["Location"]) == (302, f"{LOGIN}?next=/office/auth/account/")


def test_officer_access_sends_unverified_users_to_the_office_login(client, official):
    client.force_login(official)  # password only, e.g. through the admin

    response = client.get(ACCOUNT)

    assert (response.status_code, response["Location"]) == (302, f"{LOGIN}?next=/office/auth/account/")


def test_officer_access_refuses_a_verified_user_without_the_role(official):
    @officer_access("leader")
    def leaders_only(request):
        return HttpResponse("ok")

    request = RequestFactory().get("/office/approve/")
    request.user = official
    official.is_verified = lambda: True

    with pytest.raises(PermissionDenied):
        policy_for(leaders_only).check(request)


def test_officer_access_admits_a_verified_user_with_the_role(official):
    @officer_access("leader", "specialist")
    def processors(request):
        return HttpResponse("ok")

    request = RequestFactory().get("/office/work/")
    request.user = official
    official.is_verified = lambda: True

    assert policy_for(processors).check(request) is None


def test_verified_user_whose_roles_were_revoked_is_refused(client, official):
    officer_login(client, official)
    official.staff_roles.all().delete()

    assert client.get(ACCOUNT).status_code == 403


def test_officer_access_rejects_unknown_roles_at_declaration():
    with pytest.raises(ValueError, match="Unknown staff roles"):
        officer_access("janitor")


def test_officer_login_helper_gives_a_verified_session(client, official):
    officer_login(client, official)

    response = client.get(ACCOUNT)

    assert response.status_code == 200
    assert response.wsgi_request.user.is_verified() is True
