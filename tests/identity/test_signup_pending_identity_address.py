"""A local sign-up left pending on an address that has since become a VNeID account's is never finished.

Begun while the address was free, its code went there; then the address's owner signed in with the national
identity (VNeID) for the first time. From then on the code page answers as on a taken address: every code is
refused and counted, no second account is made, the pending one is dropped, and the owner is told once.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext

from chinhquyen.core.models import AuditEntry
from chinhquyen.directory.models import User
from chinhquyen.identity import sms
from chinhquyen.identity.claims import claims_parse
from chinhquyen.identity.models import LocalAccount, OneTimeCode
from chinhquyen.identity.services import identity_sign_in

from .helpers import AN, claims_of, local_sign_up

pytestmark = pytest.mark.django_db
ISSUER = "http://testserver/idp-sim"
VERIFY = "/tai-khoan/dang-ky/xac-minh/"
RESEND = "/tai-khoan/dang-ky/gui-lai-ma/"
ADDRESS = "congdan@example.vn"  # An's e-mail in the national identity's claims
FREE_ID = "037090005678"  # born in 1990, as An
WRONG = "Mã xác thực không đúng. Vui lòng kiểm tra tin nhắn mới nhất và thử lại."
SUBJECT = "Có người thử tạo tài khoản bằng địa chỉ của ông/bà"
# The dropped sign-up's code went to the address: the notice says that it no longer works (msgid, translated).
NOTICE = (
    "Someone tried to create an account on the public service portal with this e-mail address or phone "
    "number. It belongs to an account that signs in with the national identity (VNeID), so no second account "
    "was made: the code sent to this address earlier to create one no longer works, and no other code was "
    "sent. If it was you, sign in at %(url)s with the national identity (VNeID). If it was not you, you need "
    "not do anything."
)
URL = "https://dichvucong.example.vn/tai-khoan/dang-nhap/"


@pytest.fixture(autouse=True)
def _public_address(settings):
    settings.PUBLIC_BASE_URL = "https://dichvucong.example.vn/"


def pending_then_identity(capture, *, resent: bool = False) -> tuple[Client, str, User]:
    """A browser's sign-up on An's address while it is free (``resent``: and a new code asked for), then An's
    first VNeID sign-in; the last code sent."""
    browser = Client()
    with capture(execute=True):
        assert local_sign_up(browser, login=ADDRESS, personal_id=FREE_ID, birth_date="15/03/1990").status_code == 302
    if resent:
        OneTimeCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))  # a minute passes
        with capture(execute=True):
            assert browser.post(RESEND).status_code == 302
    code = re.findall(r"\b\d{6}\b", mail.outbox[-1].body)[0]
    owner = identity_sign_in(claims=claims_parse(claims_of(AN), issuer=ISSUER))
    return browser, code, owner


def answer(response) -> tuple:
    """The status and the form's errors (a redirect: where to)."""
    return response.status_code, response.context["form"].errors if response.context else response.get("Location")


def told_and_audited(*, sent: int) -> tuple[list, list]:
    """The messages after the ``sent`` codes, and the audit of sign-ups on a taken address."""
    notices = [(m.to, m.subject, m.body) for m in mail.outbox[sent:]] + [(m.to, m.body) for m in sms.outbox]
    audit = list(AuditEntry.objects.filter(action="identity.local_signup_taken").values_list("target", "data"))
    return notices, audit


def test_the_right_code_typed_back_makes_no_second_account(django_capture_on_commit_callbacks):
    browser, code, owner = pending_then_identity(django_capture_on_commit_callbacks, resent=True)

    with django_capture_on_commit_callbacks(execute=True):
        right = browser.post(VERIFY, {"code": code})
        again = browser.post(VERIFY, {"code": code})

    assert [answer(right), answer(again)] == [(400, {"code": [WRONG]})] * 2
    assert list(User.objects.values_list("pk", "is_active")) == [(owner.pk, True)]
    assert LocalAccount.objects.count() == 0
    # The codes it was sent, held by the address now and void: both tries counted, as on a taken address.
    codes = OneTimeCode.objects.order_by("pk")
    assert [(c.account_id, c.login, c.code_hash, c.attempts, c.used_at is None) for c in codes] == [
        (None, ADDRESS, "", 0, False),
        (None, ADDRESS, "", 2, True),
    ]
    assert told_and_audited(sent=2) == (
        [([ADDRESS], SUBJECT, gettext(NOTICE) % {"url": URL})],
        [(f"user:{owner.pk}", {"channel": "email", "national_identity": True})],
    )


def test_a_new_code_asked_for_is_not_sent(django_capture_on_commit_callbacks):
    browser, code, owner = pending_then_identity(django_capture_on_commit_callbacks)
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))  # a minute passes

    with django_capture_on_commit_callbacks(execute=True):
        resend = browser.post(RESEND)
    typed = browser.post(VERIFY, {"code": code})

    assert (resend.status_code, resend["Location"]) == (302, VERIFY)
    assert [m.level_tag for m in get_messages(resend.wsgi_request)] == ["success"]
    assert answer(typed) == (400, {"code": [WRONG]})
    assert LocalAccount.objects.count() == 0
    # Both held by the address and void, the first spent: both count towards its limits; no code was sent.
    codes = OneTimeCode.objects.order_by("pk")
    assert [(c.account_id, c.login, c.code_hash, c.attempts, c.used_at is None) for c in codes] == [
        (None, ADDRESS, "", 0, False),
        (None, ADDRESS, "", 1, True),
    ]
    assert told_and_audited(sent=1) == (
        [([ADDRESS], SUBJECT, gettext(NOTICE) % {"url": URL})],
        [(f"user:{owner.pk}", {"channel": "email", "national_identity": True})],
    )
