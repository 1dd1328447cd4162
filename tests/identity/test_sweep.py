"""``identity_sweep``: old one-time codes and abandoned local sign-ups are deleted (Decree 13/2023: personal data
is kept only as long as needed), in one transaction, with one audit entry; no limit on codes changes."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext

from chinhquyen.core.audit import audit_record
from chinhquyen.core.models import AuditEntry
from chinhquyen.directory.models import User
from chinhquyen.identity.models import Channel, LocalAccount, OneTimeCode
from chinhquyen.identity.services import SweepResult, code_resend_wait, identity_sweep
from chinhquyen.identity.services.id_notice import NOTICE_WINDOW_SECONDS
from chinhquyen.identity.services.sweep import CODE_RETENTION, SIGNUP_RETENTION
from tests.factories import CitizenFactory, StaffRoleFactory, UserFactory, identity_verify

from .helpers import local_sign_up

pytestmark = pytest.mark.django_db
NOW = timezone.now().replace(microsecond=0)
SECOND = timedelta(seconds=1)
SIGNUP = "/tai-khoan/dang-ky/"
VERIFY = "/tai-khoan/dang-ky/xac-minh/"
SWEPT = "Deleted %(codes)d one-time code(s) and %(signups)d unfinished sign-up(s)."


def local(login: str, *, created: timedelta, verified: bool = False, **user) -> LocalAccount:
    """A local account on ``login`` made ``created`` before NOW, verified or still pending (with its profile)."""
    defaults = {"is_active": verified, "email": login}
    account = LocalAccount.objects.create(
        user=UserFactory(**{**defaults, **user}),
        login=login,
        channel=Channel.EMAIL,
        pending_profile={} if verified else {"name": "Phạm Thị Hoa", "personal_id": "037199001111"},
        verified_at=NOW - created if verified else None,
    )
    LocalAccount.objects.filter(pk=account.pk).update(created_at=NOW - created)
    return account


def code(*, ago: timedelta, account: LocalAccount | None = None, login: str = "", since: datetime = NOW) -> int:
    """A code stored ``ago`` before ``since``, held by ``account`` or else by the address ``login``; its id."""
    at = since - ago
    stored = OneTimeCode.objects.create(
        account=account, login=login, salt="s", code_hash="h", created_at=at, expires_at=at + timedelta(minutes=10)
    )
    return stored.pk


def sweep_entries() -> list:
    return list(AuditEntry.objects.filter(action="identity.sweep").values_list("target", "data"))


def test_codes_older_than_the_retention_are_deleted_whoever_holds_them():
    pending = local("hoa@example.vn", created=timedelta(hours=1))
    verified = local("lan@example.vn", created=timedelta(days=400), verified=True)
    old = [
        code(account=pending, ago=CODE_RETENTION + SECOND),
        code(account=verified, ago=CODE_RETENTION + SECOND),
        code(login="congdan@example.vn", ago=timedelta(days=90)),
    ]
    kept = [
        code(account=pending, ago=timedelta(minutes=30)),
        code(account=verified, ago=CODE_RETENTION - SECOND),
        code(login="congdan@example.vn", ago=CODE_RETENTION - SECOND),
    ]

    result = identity_sweep(now=NOW)

    assert result == SweepResult(codes=3, signups=0)
    assert sorted(OneTimeCode.objects.values_list("pk", flat=True)) == kept
    assert not OneTimeCode.objects.filter(pk__in=old).exists()
    assert LocalAccount.objects.count() == 2


def test_sign_ups_never_verified_are_deleted_a_week_after_their_last_code_or_creation():
    sent_long_ago = local("a@example.vn", created=timedelta(days=30))
    code(account=sent_long_ago, ago=SIGNUP_RETENTION + SECOND)
    never_sent = local("b@example.vn", created=SIGNUP_RETENTION + SECOND)
    resent_lately = local("c@example.vn", created=timedelta(days=30))
    code(account=resent_lately, ago=SIGNUP_RETENTION - SECOND)
    recent = local("d@example.vn", created=SIGNUP_RETENTION - SECOND)
    verified = local("e@example.vn", created=timedelta(days=30), verified=True)
    gone_users = [sent_long_ago.user_id, never_sent.user_id]

    result = identity_sweep(now=NOW)

    assert result == SweepResult(codes=1, signups=2)
    assert sorted(LocalAccount.objects.values_list("login", flat=True)) == [
        "c@example.vn",
        "d@example.vn",
        "e@example.vn",
    ]
    assert not User.objects.filter(pk__in=gone_users).exists()
    assert User.objects.filter(pk__in=[resent_lately.user_id, recent.user_id, verified.user_id]).count() == 3


def _applicant(user: User) -> None:
    CitizenFactory(user=user, verified=False)


def _group(user: User) -> None:
    user.groups.add(Group.objects.create(name="Thử nghiệm"))


def _audit_actor(user: User) -> None:
    # A link that has no reverse accessor (related_name="+"): still something that hangs on the account.
    audit_record(actor=user, action="test.touch", target=f"user:{user.pk}", data={})


@pytest.mark.parametrize(
    ("user", "attach"),
    [
        ({"is_active": True}, None),
        ({"is_staff": True}, None),
        ({"is_superuser": True}, None),
        ({"last_login": NOW - timedelta(days=20)}, None),
        ({}, _applicant),
        ({}, identity_verify),
        ({}, lambda user: StaffRoleFactory(user=user)),
        ({}, _group),
        ({}, _audit_actor),
    ],
    ids=["active", "staff", "superuser", "signed-in", "applicant", "vneid", "staff-role", "group", "audit-actor"],
)
def test_a_sign_up_whose_account_has_anything_else_is_kept(user, attach):
    pending = local("hoa@example.vn", created=timedelta(days=30), **user)
    if attach is not None:
        attach(pending.user)

    result = identity_sweep(now=NOW)

    assert result == SweepResult(codes=0, signups=0)
    assert list(LocalAccount.objects.values_list("pk", "user_id")) == [(pending.pk, pending.user_id)]


def test_one_audit_entry_holds_the_counts_and_a_second_run_finds_nothing():
    code(account=local("a@example.vn", created=timedelta(days=30)), ago=timedelta(days=9))
    code(login="congdan@example.vn", ago=timedelta(days=8))

    first = identity_sweep(now=NOW)
    second = identity_sweep(now=NOW)

    assert (first, second) == (SweepResult(codes=2, signups=1), SweepResult(codes=0, signups=0))
    assert sweep_entries() == [
        ("identity:local-accounts", {"codes": 2, "signups": 1}),
        ("identity:local-accounts", {"codes": 0, "signups": 0}),
    ]


def test_the_retentions_reach_past_every_limit_that_reads_codes():
    # The code limits look back one hour, the notices to owners count a day in the cache (not in codes), and
    # a sign-up's age is its last code's: codes must outlive the sign-ups' retention.
    assert CODE_RETENTION >= timedelta(seconds=NOTICE_WINDOW_SECONDS) > timedelta(hours=1)
    assert CODE_RETENTION >= SIGNUP_RETENTION


def test_the_sweep_changes_no_limit_on_codes():
    # A sign-up begun past the retention, its code asked for five times within the hour: the limit is reached.
    now = timezone.now()
    pending = local("hoa@example.vn", created=SIGNUP_RETENTION + timedelta(days=1))
    for minutes in (55, 40, 30, 10, 0):
        code(account=pending, ago=timedelta(minutes=minutes), since=now)
    codes_before = sorted(OneTimeCode.objects.values_list("pk", flat=True))
    wait_before = code_resend_wait(account=pending)

    result = identity_sweep(now=now)

    assert result == SweepResult(codes=0, signups=0)
    assert sorted(OneTimeCode.objects.values_list("pk", flat=True)) == codes_before
    assert code_resend_wait(account=pending) == pytest.approx(wait_before, abs=1)
    assert wait_before == pytest.approx(5 * 60, abs=2)  # until the oldest of the five is an hour old


def test_the_command_says_what_it_deleted():
    code(account=local("a@example.vn", created=timedelta(days=30)), ago=timedelta(days=9))
    code(login="congdan@example.vn", ago=timedelta(days=1))
    out = StringIO()

    call_command("identity_sweep", stdout=out)

    assert out.getvalue() == gettext(SWEPT) % {"codes": 1, "signups": 1} + "\n"
    assert sweep_entries() == [("identity:local-accounts", {"codes": 1, "signups": 1})]


def test_a_sign_up_left_on_the_code_page_ends_alike_on_a_free_and_a_taken_address(django_capture_on_commit_callbacks):
    # Given a sign-up through the pages on a free address and one on a verified account's, both left a week
    local("lan@example.vn", created=timedelta(days=400), verified=True)
    free, taken = Client(), Client()
    with django_capture_on_commit_callbacks(execute=True):
        assert local_sign_up(free, login="hoa@example.vn").status_code == 302
        assert local_sign_up(taken, login="lan@example.vn").status_code == 302
    OneTimeCode.objects.update(created_at=F("created_at") - SIGNUP_RETENTION - SECOND)
    LocalAccount.objects.filter(login="hoa@example.vn").update(created_at=F("created_at") - SIGNUP_RETENTION - SECOND)

    # When the sweep runs
    result = identity_sweep()

    # Then the free address's account and what was typed are gone, and both code pages send back to the form
    assert result == SweepResult(codes=2, signups=1)
    assert list(LocalAccount.objects.values_list("login", flat=True)) == ["lan@example.vn"]
    assert not User.objects.filter(email="hoa@example.vn").exists()
    answers = [browser.post(VERIFY, {"code": "123456"}) for browser in (free, taken)]
    assert [(answer.status_code, answer["Location"]) for answer in answers] == [(302, SIGNUP)] * 2
