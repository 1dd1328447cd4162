"""A local sign-up on the e-mail or phone of an account that signs in only through the national identity (VNeID).

It reads as a new sign-up, page by page, as one on a local account's address does; no account is made (the
code page holds void codes for the address), and the owner is told at that address, at most once a day.
"""

import re
import time
from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.models import AuditEntry
from chinhquyen.directory.models import User
from chinhquyen.identity import sms
from chinhquyen.identity.claims import claims_parse
from chinhquyen.identity.models import LocalAccount, OneTimeCode
from chinhquyen.identity.services import (
    applicant_contact_update,
    identity_sign_in,
    local_signup_attempt,
    local_signup_start,
    local_signup_verify,
)

from .helpers import AN, PASSWORD, claims_of, local_sign_up

pytestmark = pytest.mark.django_db
ISSUER = "http://testserver/idp-sim"
VERIFY = "/tai-khoan/dang-ky/xac-minh/"
RESEND = "/tai-khoan/dang-ky/gui-lai-ma/"
FREE_ID = "037090005678"  # born in 1990, as An
BORN = date(1990, 3, 15)
SUBJECT = "Someone tried to create an account with your address"
NOTICE = (
    "Someone tried to create an account on the public service portal with this e-mail address or phone number. "
    "It belongs to an account that signs in with the national identity (VNeID), so no second account was made "
    "and no code was sent. If it was you, sign in at https://dichvucong.example.vn/tai-khoan/dang-nhap/ with "
    "the national identity (VNeID). If it was not you, you need not do anything."
)


@pytest.fixture(autouse=True)
def _public_address(settings):
    settings.PUBLIC_BASE_URL = "https://dichvucong.example.vn/"


def identity_only_owner(**stored) -> User:
    """An's account, made by a national identity sign-in (no local account, no password); ``stored`` as kept."""
    user = identity_sign_in(claims=claims_parse(claims_of(AN), issuer=ISSUER))
    User.objects.filter(pk=user.pk).update(**stored)
    return user


def no_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def sent_codes() -> set[str]:
    texts = [m.body for m in mail.outbox] + [m.body for m in sms.outbox]
    return {code for text in texts for code in re.findall(r"\b\d{6}\b", text)}


def seen_by(login: str, capture) -> list:
    """Sign up with ``login`` in a new English browser, type a wrong code, ask for a new one: what it saw."""
    browser = Client(headers={"accept-language": "en"})
    with capture(execute=True):
        form = local_sign_up(browser, login=login, personal_id=FREE_ID, birth_date="15/03/1990")
    code_page = browser.get(VERIFY)
    wrong = browser.post(VERIFY, {"code": next(c for c in ("123456", "654321") if c not in sent_codes())})
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))  # a minute passes
    with capture(execute=True):
        resend = browser.post(RESEND)
    again = browser.get(VERIFY)
    return [
        (form.status_code, form["Location"]),
        (code_page.status_code, no_token(code_page.text)),
        (wrong.status_code, no_token(wrong.text)),
        (resend.status_code, resend["Location"], str(list(get_messages(resend.wsgi_request))[-1])),
        (again.status_code, no_token(again.text)),
    ]


def users() -> list:
    return list(User.objects.order_by("pk").values_list("pk", "email", "phone", "password", "is_active"))


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ({}, "congdan@example.vn"),
        ({"email": "CongDan@Example.VN"}, "congdan@example.vn"),
        ({}, "+84 912 345 678"),
    ],
    ids=["e-mail", "e-mail-in-other-case", "phone"],
)
def test_the_address_of_an_identity_only_account_reads_as_a_new_sign_up(
    stored, typed, django_capture_on_commit_callbacks
):
    owner = identity_only_owner(**stored)
    before = users()

    new = seen_by("lan@example.vn", django_capture_on_commit_callbacks)
    taken = seen_by(typed, django_capture_on_commit_callbacks)

    assert taken == new
    assert [step[0] for step in new] == [302, 200, 400, 302, 200]
    assert list(LocalAccount.objects.values_list("login", flat=True)) == ["lan@example.vn"]
    assert [row for row in users() if row[0] != LocalAccount.objects.get().user_id] == before
    told = [(m.to, m.subject, m.body) for m in mail.outbox if m.to != ["lan@example.vn"]]
    texted = [(m.to, m.body) for m in sms.outbox]
    if typed.startswith("+84"):
        assert (told, texted) == ([], [("0912345678", NOTICE)])
    else:
        assert (told, texted) == ([(["congdan@example.vn"], SUBJECT, NOTICE)], [])
    channel = "sms" if typed.startswith("+84") else "email"
    assert list(AuditEntry.objects.filter(action="identity.local_signup_taken").values_list("target", "data")) == [
        (f"user:{owner.pk}", {"channel": channel, "national_identity": True})
    ]


def test_the_owner_is_told_at_most_once_a_day(django_capture_on_commit_callbacks, monkeypatch):
    identity_only_owner()

    def sign_up() -> None:
        OneTimeCode.objects.update(created_at=timezone.now() - timedelta(hours=2))  # past the code limits
        with django_capture_on_commit_callbacks(execute=True):
            response = local_sign_up(Client(), login="congdan@example.vn", personal_id=FREE_ID, birth_date="15/03/1990")
        assert response.status_code == 302

    sign_up()
    sign_up()
    told_first = len(mail.outbox)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 24 * 60 * 60 + 1)
    sign_up()

    assert (told_first, len(mail.outbox)) == (1, 2)
    assert AuditEntry.objects.filter(action="identity.local_signup_taken").count() == 3


def test_a_sign_up_left_pending_on_the_address_is_dropped_and_its_code_no_longer_works(
    django_capture_on_commit_callbacks,
):
    # Begun before the address's owner signed in with the national identity: its code went to the owner.
    with django_capture_on_commit_callbacks(execute=True):
        local_signup_start(
            login="congdan@example.vn", password=PASSWORD, name="Phạm Thị Hoa", personal_id=FREE_ID, birth_date=BORN
        )
    [code] = sent_codes()
    owner = identity_only_owner()
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))

    with django_capture_on_commit_callbacks(execute=True):
        held = local_signup_start(
            login="congdan@example.vn", password=PASSWORD, name="Phạm Thị Hoa", personal_id=FREE_ID, birth_date=BORN
        )
    with pytest.raises(InvalidInput) as refused:
        local_signup_verify(account_id=held.pk, code=code, attempt=local_signup_attempt(account=held))

    assert refused.value.code == "code_wrong"
    assert LocalAccount.objects.count() == 0
    assert list(User.objects.values_list("pk", flat=True)) == [owner.pk]


def test_an_address_typed_on_a_national_identity_profile_does_not_keep_its_owner_out(
    django_capture_on_commit_callbacks,
):
    # An's VNeID account claims a stranger's address on the profile page: nothing proves it is An's.
    owner = identity_only_owner()
    applicant_contact_update(user=owner, phone="", email="Hoa@Example.vn", address="")
    with django_capture_on_commit_callbacks(execute=True):
        account = local_signup_start(
            login="hoa@example.vn", password=PASSWORD, name="Phạm Thị Hoa", personal_id=FREE_ID, birth_date=BORN
        )

    assert account.pk is not None
    assert (account.user_id == owner.pk, account.login, account.is_verified) == (False, "hoa@example.vn", False)
    assert [(m.to, m.subject == SUBJECT) for m in mail.outbox] == [(["hoa@example.vn"], False)]
    assert len(sent_codes()) == 1


def test_the_address_the_national_identity_gave_still_keeps_a_second_account_out(django_capture_on_commit_callbacks):
    owner = identity_only_owner()
    with django_capture_on_commit_callbacks(execute=True):
        local_signup_start(
            login=owner.email.upper(), password=PASSWORD, name="Phạm Thị Hoa", personal_id=FREE_ID, birth_date=BORN
        )

    assert LocalAccount.objects.count() == 0
    with translation.override("vi"):  # the owner's language
        assert [(m.to, m.subject) for m in mail.outbox] == [([owner.email], gettext(SUBJECT))]
