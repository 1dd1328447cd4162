"""End to end through the pages: a sign-up with a taken e-mail, phone or personal ID number reads as a new one.

Each sign-up runs in a new English browser: the form, the code page, a wrong code, a new code a minute later.
What the browser sees is the same as for a new sign-up; the owner of what was taken is told, and their
account and record are as they were.
"""

import re
from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.utils import timezone

from chinhquyen.core.models import AuditEntry
from chinhquyen.directory import services as directory_services
from chinhquyen.directory.models import Applicant
from chinhquyen.identity import sms
from chinhquyen.identity.models import LocalAccount, OneTimeCode
from chinhquyen.identity.services import local_sign_in
from tests.factories import UserFactory

from .helpers import AN, local_sign_up

pytestmark = pytest.mark.django_db
SIGNUP = "/tai-khoan/dang-ky/"
VERIFY = "/tai-khoan/dang-ky/xac-minh/"
RESEND = "/tai-khoan/dang-ky/gui-lai-ma/"
FREE_ID = "037090005678"  # born in 1990, as AN: only the registration differs
OWNER_PASSWORD = "pw-test-123"  # UserFactory's
SIGN_IN_URL = "https://dichvucong.example.vn/tai-khoan/dang-nhap/"
ADDRESS_NOTICE = (
    "Someone tried to create an account with your address",
    "Someone tried to create an account on the public service portal with this e-mail address or phone number. "
    "It already has an account, so nothing was changed and no code was sent. If it was you, sign in at "
    f"{SIGN_IN_URL} (you cannot create a second account with it). If it was not you, you need not do anything.",
)
ID_NOTICE = (
    "Someone tried to create an account with your personal identification number",
    "Someone tried to create an account on the public service portal with your personal identification number. "
    f"Your account was not changed, and they were not told that you have one. If it was you, sign in at {SIGN_IN_URL}. "
    "If it was not you, you need not do anything; if you are worried, ask at the one-stop counter.",
)
CODE_SUBJECT = re.compile(r"^Your verification code: \d{6}$")
# (login typed, personal ID number typed): a new sign-up, then one taken detail each.
NEW = ("lan@example.vn", FREE_ID)
TAKEN = {
    "e-mail": ("hoa@example.vn", FREE_ID),
    "phone": ("+84 912 000 111", FREE_ID),
    "personal-id": ("mai@example.vn", AN.personal_id),
}


@pytest.fixture(autouse=True)
def _public_address(settings):
    settings.PUBLIC_BASE_URL = "https://dichvucong.example.vn/"


def holder(login: str, channel: str, **record) -> LocalAccount:
    """A local account verified a month ago (no code sent to it within the hour), with its citizen record."""
    user = UserFactory(email=login if channel == "email" else "", phone=login if channel == "sms" else "")
    account = LocalAccount.objects.create(
        user=user, login=login, channel=channel, verified_at=timezone.now() - timedelta(days=30)
    )
    directory_services.citizen_create(user=user, **record)
    return account


@pytest.fixture
def holders() -> list[LocalAccount]:
    return [
        holder("hoa@example.vn", "email", name="Phạm Thị Hoa", personal_id="037199001111", birth_date=date(1999, 1, 2)),
        holder("0912000111", "sms", name="Lê Văn Cúc", personal_id="037085002222", birth_date=date(1985, 6, 1)),
        holder(
            "an@example.vn",
            "email",
            name=AN.name,
            personal_id=AN.personal_id,
            birth_date=date.fromisoformat(AN.birthdate),
            email="an@example.vn",
        ),
    ]


def accounts_and_records() -> list:
    """Everything the sign-ups must leave alone: the verified accounts, their users and the citizen records."""
    accounts = LocalAccount.objects.filter(verified_at__isnull=False).select_related("user").order_by("pk")
    return [
        [
            (a.pk, a.login, a.channel, a.verified_at, a.pending_profile, a.user_id, a.user.password, a.user.is_active)
            for a in accounts
        ],
        list(Applicant.objects.order_by("pk").values_list("pk", "personal_id", "name", "user", "email", "phone")),
    ]


def no_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def last_message(response) -> str:
    return re.sub(r"\d+", "N", str(list(get_messages(response.wsgi_request))[-1]))


def seen_by(login: str, personal_id: str, capture) -> list:
    """Sign up with ``login`` and ``personal_id`` in a new English browser and go on; what it saw, in order."""
    browser = Client(headers={"accept-language": "en"})
    with capture(execute=True):
        form = local_sign_up(browser, login=login, personal_id=personal_id, birth_date="1990-03-15")
    code_page = browser.get(VERIFY)
    wrong = browser.post(VERIFY, {"code": next(c for c in ("123456", "654321") if c not in sent_codes())})
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))  # a minute passes
    with capture(execute=True):
        resend = browser.post(RESEND)
    code_page_again = browser.get(VERIFY)
    return [
        (form.status_code, form["Location"]),
        (code_page.status_code, no_token(code_page.text)),
        (wrong.status_code, no_token(wrong.text)),
        (resend.status_code, resend["Location"], last_message(resend)),
        (code_page_again.status_code, no_token(code_page_again.text)),
    ]


def sent_codes() -> set[str]:
    texts = [m.body for m in mail.outbox] + [m.body for m in sms.outbox]
    return {code for text in texts for code in re.findall(r"\b\d{6}\b", text)}


@pytest.mark.parametrize("taken", list(TAKEN), ids=list(TAKEN))
def test_a_taken_detail_reads_as_a_new_sign_up_page_by_page(taken, holders, django_capture_on_commit_callbacks):
    before = accounts_and_records()

    new = seen_by(*NEW, django_capture_on_commit_callbacks)
    other = seen_by(*TAKEN[taken], django_capture_on_commit_callbacks)

    assert other == new
    assert [step[0] for step in new] == [302, 200, 400, 302, 200]
    assert new[0] == (302, VERIFY)
    assert new[3] == (302, VERIFY, "A new code is on its way. Earlier codes no longer work.")
    assert "The code is not correct. Check the latest message and try again." in new[2][1]
    for page in (new[1][1], new[2][1], new[4][1]):
        assert "lan@example.vn" not in page
    assert accounts_and_records() == before


def test_each_owner_gets_one_notice_and_each_new_address_its_codes(holders, django_capture_on_commit_callbacks):
    hoa, cuc, an = holders

    for login, personal_id in [NEW, *TAKEN.values()]:
        seen_by(login, personal_id, django_capture_on_commit_callbacks)

    mails = [(m.to, (m.subject, m.body)) for m in mail.outbox]
    assert [(to, notice) for to, notice in mails if not CODE_SUBJECT.match(notice[0])] == [
        (["hoa@example.vn"], ADDRESS_NOTICE),
        (["an@example.vn"], ID_NOTICE),
    ]
    # A code at the start and one more on asking again, as for any new address; none to the owners.
    assert [to for to, notice in mails if CODE_SUBJECT.match(notice[0])] == [
        ["lan@example.vn"],
        ["lan@example.vn"],
        ["mai@example.vn"],
        ["mai@example.vn"],
    ]
    assert [(m.to, m.body) for m in sms.outbox] == [("0912000111", ADDRESS_NOTICE[1])]
    new_users = LocalAccount.objects.filter(login__in=["lan@example.vn", "mai@example.vn"]).values_list(
        "user", flat=True
    )
    assert sorted(AuditEntry.objects.filter(action__startswith="identity.").values_list("action", "target")) == sorted(
        [
            *[("identity.local_signup", f"user:{pk}") for pk in new_users],
            ("identity.local_signup_id_registered", f"applicant:{Applicant.objects.get(user=an.user).pk}"),
            ("identity.local_signup_taken", f"user:{cuc.user_id}"),
            ("identity.local_signup_taken", f"user:{hoa.user_id}"),
        ]
    )
    assert local_sign_in(login="hoa@example.vn", password=OWNER_PASSWORD) == hoa.user
    assert local_sign_in(login="0912000111", password=OWNER_PASSWORD) == cuc.user
