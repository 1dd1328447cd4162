"""Local sign-up does not tell whether an address already has an account.

A sign-up on a verified account's address is answered as a new one: the same redirect, the same code page,
the same limits; no account is created or changed, every code is refused, and the owner gets a message.
"""

import re
from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.models import AuditEntry
from chinhquyen.directory.models import User
from chinhquyen.identity import sms
from chinhquyen.identity.models import LocalAccount, OneTimeCode
from chinhquyen.identity.services import local_code_resend, local_sign_in, local_signup_start, local_signup_verify
from chinhquyen.identity.services.local import local_signup_attempt
from tests.factories import UserFactory

from .helpers import AN, PASSWORD, demo_citizen, local_sign_up

pytestmark = pytest.mark.django_db
SIGNUP = "/tai-khoan/dang-ky/"
VERIFY = "/tai-khoan/dang-ky/xac-minh/"
RESEND = "/tai-khoan/dang-ky/gui-lai-ma/"
OWNER_PASSWORD = "pw-test-123"  # UserFactory's
NOTICE = (
    "Someone tried to create an account on the public service portal with this e-mail address or phone number. "
    "It already has an account, so nothing was changed and no code was sent. If it was you, sign in at "
    "https://dichvucong.example.vn/tai-khoan/dang-nhap/ (you cannot create a second account with it). "
    "If it was not you, you need not do anything."
)
NOTICE_SUBJECT = "Someone tried to create an account with your address"


@pytest.fixture(autouse=True)
def _public_address(settings):
    settings.PUBLIC_BASE_URL = "https://dichvucong.example.vn/"


def owner(login: str = "hoa@example.vn", channel: str = "email") -> LocalAccount:
    """A local account verified long ago: no code was sent to its address within the hour."""
    user = UserFactory(email=login if channel == "email" else "")
    verified = timezone.now() - timedelta(days=30)
    return LocalAccount.objects.create(user=user, login=login, channel=channel, verified_at=verified)


def start(login="hoa@example.vn", personal_id="037199001111", **changes) -> LocalAccount:
    data = {
        "login": login,
        "password": PASSWORD,
        "name": "Phạm Thị Hoa",
        "personal_id": personal_id,
        "birth_date": date(1999, 1, 2),
    }
    return local_signup_start(**(data | changes))


def a_minute_passes() -> None:
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))


def guesses(sent: str) -> list[str]:
    """Five wrong codes, then the one sent to the new login: the same input for both logins."""
    return [code for code in ("123456", "000000", "999999", "654321", "111111", "222222") if code != sent][:5] + [sent]


def codes_tried(account: LocalAccount, codes: list[str]) -> list[str]:
    """The error code of each try on the sign-up ``account`` (as :func:`start` answered), in order."""
    attempt = local_signup_attempt(account=account)
    answers = []
    for code in codes:
        with pytest.raises(InvalidInput) as exc:
            local_signup_verify(account_id=account.pk, code=code, attempt=attempt)
        answers.append(exc.value.code)
    return answers


def no_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def no_digits(text: str) -> str:
    return re.sub(r"\d+", "N", text)


# The service -----------------------------------------------------------------------------------------------


def test_a_sign_up_on_a_taken_login_is_not_refused_and_changes_no_account(django_capture_on_commit_callbacks):
    taken = owner()
    users = User.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        answer = start(login=" HOA@example.vn ", password="Another-pass-2026-x")

    assert isinstance(answer, LocalAccount)
    assert answer.pk == taken.pk
    assert User.objects.count() == users
    assert LocalAccount.objects.get() == taken
    taken.refresh_from_db()
    taken.user.refresh_from_db()
    assert (taken.login, taken.channel, taken.pending_profile) == ("hoa@example.vn", "email", {})
    assert taken.verified_at is not None
    assert taken.user.is_active
    assert taken.user.check_password(OWNER_PASSWORD)
    assert local_sign_in(login="hoa@example.vn", password=OWNER_PASSWORD) == taken.user
    assert AuditEntry.objects.get(action="identity.local_signup_taken").data == {"channel": "email"}
    assert not AuditEntry.objects.filter(action="identity.local_signup").exists()


def test_the_owner_is_told_once_by_e_mail_with_no_code(django_capture_on_commit_callbacks):
    owner()

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        start()

    [message] = mail.outbox
    assert (message.to, message.subject, message.body) == (["hoa@example.vn"], NOTICE_SUBJECT, NOTICE)


def test_the_owner_of_a_phone_number_is_told_by_sms(django_capture_on_commit_callbacks):
    owner(login="0912000111", channel="sms")

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        start(login="+84 912 000 111")

    assert [(m.to, m.body) for m in sms.outbox] == [("0912000111", NOTICE)]
    assert mail.outbox == []


def test_every_code_is_refused_and_the_guesses_run_out_as_for_a_new_login(django_capture_on_commit_callbacks):
    taken = owner()
    with django_capture_on_commit_callbacks(execute=True):
        new = start(login="lan@example.vn", personal_id="037199002222")
        start()
    sent = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)

    assert taken.codes.get().expires_at - taken.codes.get().created_at == timedelta(minutes=10)
    assert codes_tried(taken, guesses(sent)) == codes_tried(new, guesses(sent))
    assert codes_tried(taken, guesses(sent)) == ["code_exhausted"] * 6
    assert taken.codes.get().attempts == 5


def test_a_code_on_a_taken_login_expires_as_a_sent_one_does(django_capture_on_commit_callbacks):
    taken = owner()
    start()
    OneTimeCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert codes_tried(taken, ["123456"]) == ["code_expired"]


def test_starting_again_on_a_taken_login_waits_and_is_limited_as_on_a_new_one(django_capture_on_commit_callbacks):
    owner()
    waits = {}
    with django_capture_on_commit_callbacks(execute=True):
        for login in ("hoa@example.vn", "lan@example.vn"):
            for _ in range(5):
                start(login=login)
                a_minute_passes()
            with pytest.raises(InvalidInput) as exc:
                start(login=login)
            waits[login] = (exc.value.code, exc.value.field, 3530 <= exc.value.params["seconds"] <= 3540)

    assert waits["hoa@example.vn"] == waits["lan@example.vn"] == ("code_resend_wait", "login", True)
    assert [m.to for m in mail.outbox].count(["hoa@example.vn"]) == 5  # one message per accepted start


def test_a_new_code_on_a_taken_login_waits_a_minute_and_tells_nobody(django_capture_on_commit_callbacks):
    taken = owner()
    with django_capture_on_commit_callbacks(execute=True):
        attempt = local_signup_attempt(account=start())
        with pytest.raises(InvalidInput) as early:
            local_code_resend(account_id=taken.pk, attempt=attempt)
        a_minute_passes()
        local_code_resend(account_id=taken.pk, attempt=attempt)

    assert early.value.code == "code_resend_wait"
    assert 0 < early.value.params["seconds"] <= 60
    assert len(mail.outbox) == 1
    assert taken.codes.count() == 2
    assert codes_tried(taken, ["123456"]) == ["code_wrong"]


def test_a_registered_personal_id_on_a_taken_login_is_answered_as_a_taken_login(django_capture_on_commit_callbacks):
    taken = owner()
    demo_citizen(AN)  # made at the counter: no account to tell (test_signup_id_no_enumeration.py)

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        answer = start(personal_id=AN.personal_id, birth_date=date(1990, 3, 15))

    assert answer == taken
    assert [(m.to, m.body) for m in mail.outbox] == [(["hoa@example.vn"], NOTICE)]
    assert taken.codes.get().code_hash == ""  # void


def test_a_sign_up_finished_in_another_browser_is_still_said_to_be_verified(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        account = start()
    local_signup_verify(account_id=account.pk, code=re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1))

    assert codes_tried(account, ["123456"]) == ["account_verified"]


# The pages -------------------------------------------------------------------------------------------------


def visit(login: str, django_capture_on_commit_callbacks) -> tuple[Client, list]:
    """Sign up with ``login`` in a new English browser; return it and what it saw: form answer, code page."""
    browser = Client(headers={"accept-language": "en"})
    with django_capture_on_commit_callbacks(execute=True):
        response = local_sign_up(browser, login=login)
    code_page = browser.get(VERIFY)
    return browser, [response.status_code, response["Location"], code_page.status_code, no_token(code_page.text)]


def test_the_sign_up_form_answers_a_taken_login_as_a_new_one(django_capture_on_commit_callbacks):
    owner()

    _, taken = visit("hoa@example.vn", django_capture_on_commit_callbacks)
    _, new = visit("lan@example.vn", django_capture_on_commit_callbacks)

    assert taken == new
    assert taken[:3] == [302, VERIFY, 200]
    assert "already exists" not in taken[3]


def test_the_code_page_refuses_and_counts_codes_alike(django_capture_on_commit_callbacks):
    owner()
    taken_browser, _ = visit("hoa@example.vn", django_capture_on_commit_callbacks)
    new_browser, _ = visit("lan@example.vn", django_capture_on_commit_callbacks)
    sent = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)

    def tries(browser, codes):
        answers = [browser.post(VERIFY, {"code": code}) for code in codes]
        return [(a.status_code, no_token(a.text)) for a in answers]

    taken = tries(taken_browser, guesses(sent))
    new = tries(new_browser, guesses(sent))

    assert taken == new
    assert [status for status, _ in taken] == [400] * 6
    assert "The code is not correct. Check the latest message and try again." in taken[0][1]
    assert "Too many wrong codes. Ask for a new code." in taken[5][1]


def test_asking_for_a_new_code_reads_the_same(django_capture_on_commit_callbacks):
    owner()
    answers = []
    for login in ("hoa@example.vn", "lan@example.vn"):
        browser, _ = visit(login, django_capture_on_commit_callbacks)
        early = browser.post(RESEND)
        a_minute_passes()
        with django_capture_on_commit_callbacks(execute=True):
            later = browser.post(RESEND)
        # Each answer's own message: the last one queued (the page that shows them was not opened in between).
        answers.append(
            [
                (r.status_code, r["Location"], no_digits(str(list(get_messages(r.wsgi_request))[-1])))
                for r in (early, later)
            ]
        )

    assert answers[0] == answers[1]
    assert answers[0] == [
        (302, VERIFY, "Please wait N seconds before asking for a new code."),
        (302, VERIFY, "A new code is on its way. Earlier codes no longer work."),
    ]


def test_a_taken_login_started_again_elsewhere_sends_the_first_browser_back_to_the_form(
    django_capture_on_commit_callbacks,
):
    owner()
    first, _ = visit("hoa@example.vn", django_capture_on_commit_callbacks)
    a_minute_passes()
    visit("hoa@example.vn", django_capture_on_commit_callbacks)

    response = first.post(VERIFY, {"code": "123456"})

    assert (response.status_code, response["Location"]) == (302, SIGNUP)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "This sign-up is no longer waiting for a code. Please start the sign-up again."
    ]
    assert [m.to for m in mail.outbox] == [["hoa@example.vn"]] * 2
