"""The token form sent twice (a double click, a reload): the repeat is not a wrong code, and the officer is told
a token was just created from that code, to revoke if its value was lost; the value is still shown only once."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from chinhquyen.integrations.models import OfficerToken
from chinhquyen.office.auth import throttle
from chinhquyen.office.views import tokens as tokens_view

from .auth_helpers import totp_code

pytestmark = pytest.mark.django_db

SECRET = re.compile(r"cqo_[a-z0-9]{8}_[A-Za-z0-9_-]{43}")
WRONG_CODE = "The code is not correct. Enter the code your authenticator app shows now."
SENT_TWICE = "A token was just created from this code: the form was sent twice."
SHOWN_ONCE = (
    "Its value was shown only once, on the page that answered the first submission, and cannot be shown again. If "
    "you did not copy it, revoke it and create another with a new code."
)


def _post(client, code, name="laptop"):
    return client.post(reverse("office:tokens"), {"name": name, "days": "90", "code": code})


def _code(user) -> str:
    return totp_code(TOTPDevice.objects.get(user=user, confirmed=True))


def test_the_same_form_sent_again_names_the_token_created_and_offers_to_revoke_it(as_user, office):
    client = as_user(office.specialist)
    code = _code(office.specialist)
    first = _post(client, code)
    token = OfficerToken.objects.get()

    again = _post(client, code)

    page = again.content.decode()
    assert (first.status_code, again.status_code) == (200, 200)
    assert again["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert gettext(SENT_TWICE) in page
    assert gettext(SHOWN_ONCE) in page
    assert again.context["repeated"] == token
    assert "<dt>Name</dt><dd>laptop</dd>" in page
    assert f"<dd>{timezone.localtime(token.created_at):%d/%m/%Y %H:%M}</dd>" in page
    revoke = reverse("office:token_revoke", args=[token.pk])
    assert f'<a class="button danger" href="{revoke}">{gettext("Revoke this token")}</a>' in page
    assert SECRET.findall(page) == []  # the value is never shown again
    assert OfficerToken.objects.count() == 1
    assert not again.context["form"].is_bound  # a fresh form, to create another with a new code


def test_repeats_neither_count_as_wrong_codes_nor_lock_the_username_out(as_user, office, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client = as_user(office.specialist)
    code = _code(office.specialist)
    _post(client, code)

    answers = [_post(client, code).status_code for _ in range(throttle.FAILURE_LIMIT + 1)]

    device = TOTPDevice.objects.get(user=office.specialist)
    assert answers == [200] * (throttle.FAILURE_LIMIT + 1)
    assert throttle.login_locked(username=office.specialist.username) is False
    assert device.throttling_failure_count == 0
    sign_in = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        reverse("office:auth:login"), {"username": office.specialist.username, "password": "pw-test-123"}
    )
    assert sign_in.status_code == 302  # on to the code step: no lockout


def test_a_repeat_of_a_token_revoked_meanwhile_says_so_instead_of_offering_to_revoke(as_user, office):
    client = as_user(office.specialist)
    code = _code(office.specialist)
    _post(client, code)
    token = OfficerToken.objects.get()
    client.post(reverse("office:token_revoke", args=[token.pk]))

    page = _post(client, code).content.decode()

    assert gettext(SENT_TWICE) in page
    assert gettext("The token “%(name)s” is already revoked.") % {"name": "laptop"} in page
    assert gettext("Revoke this token") not in page


def test_another_wrong_code_after_a_token_is_still_refused_and_counted(as_user, office, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client = as_user(office.specialist)
    code = _code(office.specialist)
    _post(client, code)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    response = _post(client, wrong)

    assert response.status_code == 400
    assert dict(response.context["form"].errors) == {"code": [WRONG_CODE]}
    assert response.context["repeated"] is None
    assert OfficerToken.objects.count() == 1


def test_only_a_keyed_digest_of_the_code_is_kept_with_the_token_number(as_user, office):
    client = as_user(office.specialist)
    code = _code(office.specialist)
    _post(client, code)
    token = OfficerToken.objects.get()

    kept = [key for key in cache._cache if "office-tokens:issued" in key]  # locmem's own store

    assert len(kept) == 1
    assert re.fullmatch(r":1:office-tokens:issued:[0-9a-f]{64}", kept[0])
    assert kept[0] == cache.make_key(tokens_view._issued_key(office.specialist, code))
    assert cache.get(tokens_view._issued_key(office.specialist, code)) == token.pk


def test_a_repeat_after_the_memory_ends_is_a_used_code_again(as_user, office):
    client = as_user(office.specialist)
    code = _code(office.specialist)
    _post(client, code)
    cache.clear()  # the few minutes the issue is remembered are over

    response = _post(client, code)

    assert response.status_code == 400
    assert dict(response.context["form"].errors) == {"code": [WRONG_CODE]}


def test_the_token_form_is_guarded_against_double_submission_by_the_office_script(as_user, office):
    page = as_user(office.specialist).get(reverse("office:tokens")).content.decode()

    # send_once.js, loaded with data-every-post, stops a second submission of any form posted to its own page.
    assert re.search(r'<script src="[^"]*core/send_once\.js" data-every-post defer></script>', page)
    form = re.search(r'<form method="post" action="{}"[^>]*>'.format(re.escape(reverse("office:tokens"))), page)
    assert form is not None
    assert "target=" not in form.group(0)
