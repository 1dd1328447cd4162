"""Local sign-up does not tell whether a personal ID number is registered (account enumeration).

A sign-up with a registered number is answered as one with a free number: the same code page, a code sent to
the address given. Only whoever types that code back learns that no account can be made with these details.
The record's own account, if it has one, is told at its own address, at most once a day.
"""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from chinhquyen.core.models import AuditEntry
from chinhquyen.directory.models import Applicant
from chinhquyen.identity import sms
from chinhquyen.identity.models import LocalAccount, OneTimeCode, VerifiedIdentity
from tests.factories import UserFactory

from .helpers import AN, demo_citizen, local_sign_up

pytestmark = pytest.mark.django_db
VERIFY = "/tai-khoan/dang-ky/xac-minh/"
FREE_ID = "037090005678"  # born in 1990, as AN: only the registration differs
NOTICE_SUBJECT = "Someone tried to create an account with your personal identification number"
NOTICE = (
    "Someone tried to create an account on the public service portal with your personal identification number. "
    "Your account was not changed, and they were not told that you have one. If it was you, sign in at "
    "https://dichvucong.example.vn/tai-khoan/dang-nhap/. If it was not you, you need not do anything; if you are "
    "worried, ask at the one-stop counter."
)
CANNOT_MAKE = (
    "An account cannot be made with these details. If you already have an account on the portal, sign in with it "
    "or with the national identity (VNeID); otherwise ask at the one-stop counter."
)


@pytest.fixture(autouse=True)
def _public_address(settings):
    settings.PUBLIC_BASE_URL = "https://dichvucong.example.vn/"


def no_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def visit(personal_id: str, login: str, capture) -> tuple[Client, list]:
    """Sign up in a new English browser; return it and what it saw: the form's answer, then the code page."""
    browser = Client(headers={"accept-language": "en"})
    with capture(execute=True):
        response = local_sign_up(browser, login=login, personal_id=personal_id, birth_date="1990-03-15")
    page = browser.get(VERIFY)
    return browser, [response.status_code, response.get("Location"), page.status_code, no_token(page.text)]


def messages_to(address: str) -> list[tuple[str, str]]:
    return [(m.subject, m.body) for m in mail.outbox if m.to == [address]]


def code_sent_to(address: str) -> str:
    [(_, body)] = messages_to(address)
    return re.search(r"\b(\d{6})\b", body).group(1)


def record_with_local_account(login: str = "an@example.vn") -> Applicant:
    """AN's record, held by her local account verified long ago (no code sent to it within the hour)."""
    user = UserFactory(email=login)
    LocalAccount.objects.create(
        user=user, login=login, channel="email", verified_at=timezone.now() - timedelta(days=30)
    )
    return demo_citizen(AN, user=user, email=login)


def test_a_registered_personal_id_is_answered_as_a_free_one(django_capture_on_commit_callbacks):
    demo_citizen(AN)  # made at the counter

    _, registered = visit(AN.personal_id, "lan@example.vn", django_capture_on_commit_callbacks)
    _, free = visit(FREE_ID, "mai@example.vn", django_capture_on_commit_callbacks)

    assert registered == free
    assert registered[:3] == [302, VERIFY, 200]
    assert "already registered" not in registered[3]
    assert [m.to for m in mail.outbox] == [["lan@example.vn"], ["mai@example.vn"]]
    assert re.sub(r"\d{6}", "N", mail.outbox[0].body) == re.sub(r"\d{6}", "N", mail.outbox[1].body)


def test_the_code_page_offers_to_sign_in_instead(django_capture_on_commit_callbacks):
    _, seen = visit(FREE_ID, "mai@example.vn", django_capture_on_commit_callbacks)

    assert (
        'If you already have an account on the portal, you need no new one: <a href="/tai-khoan/dang-nhap/">'
        "sign in</a>." in seen[3]
    )


def test_typing_the_code_back_for_a_registered_personal_id_makes_no_account(django_capture_on_commit_callbacks):
    record = demo_citizen(AN)
    browser, _ = visit(AN.personal_id, "lan@example.vn", django_capture_on_commit_callbacks)

    response = browser.post(VERIFY, {"code": code_sent_to("lan@example.vn")})

    assert response.status_code == 400
    assert CANNOT_MAKE in response.content.decode()
    assert list(Applicant.objects.values_list("pk", "user")) == [(record.pk, None)]
    account = LocalAccount.objects.get(login="lan@example.vn")
    assert (account.verified_at, account.user.is_active) == (None, False)


def test_the_account_of_the_record_is_told_at_its_own_address(django_capture_on_commit_callbacks):
    record = record_with_local_account()

    visit(AN.personal_id, "lan@example.vn", django_capture_on_commit_callbacks)

    assert messages_to("an@example.vn") == [(NOTICE_SUBJECT, NOTICE)]
    assert len(messages_to("lan@example.vn")) == 1  # the code, as for a free number
    assert AuditEntry.objects.get(action="identity.local_signup_id_registered").target == f"applicant:{record.pk}"


def test_the_account_is_told_at_most_once_a_day(django_capture_on_commit_callbacks, monkeypatch):
    record_with_local_account()
    for login in ("lan@example.vn", "mai@example.vn", "cuc@example.vn"):
        visit(AN.personal_id, login, django_capture_on_commit_callbacks)
    told_first = len(messages_to("an@example.vn"))

    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 24 * 60 * 60 + 1)
    visit(AN.personal_id, "dao@example.vn", django_capture_on_commit_callbacks)

    assert (told_first, len(messages_to("an@example.vn"))) == (1, 2)
    assert AuditEntry.objects.filter(action="identity.local_signup_id_registered").count() == 4


def test_an_account_verified_by_the_national_identity_is_told_at_the_records_address(
    django_capture_on_commit_callbacks,
):
    # A stranger's local account claimed the record; AN's national identity took it over since (ADR 0021).
    record = record_with_local_account(login="stranger@example.vn")
    record.email = ""
    record.phone = "0912345678"
    record.save(update_fields=["email", "phone"])
    now = timezone.now()
    VerifiedIdentity.objects.create(
        user=record.user, issuer="https://vneid.example", subject="an", first_verified_at=now, last_verified_at=now
    )

    visit(AN.personal_id, "lan@example.vn", django_capture_on_commit_callbacks)

    assert messages_to("stranger@example.vn") == []
    assert [(m.to, m.body) for m in sms.outbox] == [("0912345678", NOTICE)]


def test_a_record_without_an_account_tells_nobody(django_capture_on_commit_callbacks):
    demo_citizen(AN, email="congdan@example.vn")

    visit(AN.personal_id, "lan@example.vn", django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [["lan@example.vn"]]


def test_a_registered_personal_id_on_a_taken_login_is_answered_as_any_taken_login(
    django_capture_on_commit_callbacks,
):
    record_with_local_account()
    hoa = UserFactory(email="hoa@example.vn")
    LocalAccount.objects.create(
        user=hoa, login="hoa@example.vn", channel="email", verified_at=timezone.now() - timedelta(days=30)
    )

    _, seen = visit(AN.personal_id, "hoa@example.vn", django_capture_on_commit_callbacks)

    assert seen[:3] == [302, VERIFY, 200]
    [(subject, _)] = messages_to("hoa@example.vn")
    assert subject == "Someone tried to create an account with your address"
    assert messages_to("an@example.vn") == [(NOTICE_SUBJECT, NOTICE)]
    assert OneTimeCode.objects.get(account__login="hoa@example.vn").code_hash == ""  # void: no code was sent


def test_the_records_own_login_gets_one_message_not_two(django_capture_on_commit_callbacks):
    record_with_local_account()

    visit(AN.personal_id, "an@example.vn", django_capture_on_commit_callbacks)

    assert [subject for subject, _ in messages_to("an@example.vn")] == [
        "Someone tried to create an account with your address"
    ]


def test_a_number_with_a_sign_up_pending_is_answered_as_a_free_one_and_the_first_to_finish_has_it(
    django_capture_on_commit_callbacks,
):
    first, _ = visit(FREE_ID, "lan@example.vn", django_capture_on_commit_callbacks)
    second, seen = visit(FREE_ID, "mai@example.vn", django_capture_on_commit_callbacks)

    finished = second.post(VERIFY, {"code": code_sent_to("mai@example.vn")})
    late = first.post(VERIFY, {"code": code_sent_to("lan@example.vn")})

    assert seen[:3] == [302, VERIFY, 200]
    assert finished.status_code == 302
    assert Applicant.objects.get(personal_id=FREE_ID).user.email == "mai@example.vn"
    assert late.status_code == 400
    assert CANNOT_MAKE in late.content.decode()
