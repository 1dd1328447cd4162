"""Local accounts: sign-up with e-mail or phone + password, a one-time code, limits on wrong codes."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from chinhquyen.core.errors import InvalidInput, NotAllowed
from chinhquyen.core.models import AuditEntry
from chinhquyen.directory.models import Applicant
from chinhquyen.identity import sms
from chinhquyen.identity.models import LocalAccount, OneTimeCode
from chinhquyen.identity.services import (
    local_code_resend,
    local_sign_in,
    local_signup_start,
    local_signup_verify,
)

from .helpers import AN, demo_citizen

pytestmark = pytest.mark.django_db
PASSWORD = "Hoa-sen-2026-ninh-binh"


def start(login="hoa@example.vn", personal_id="037199001111", **changes):
    data = {
        "login": login,
        "password": PASSWORD,
        "name": "Phạm Thị Hoa",
        "personal_id": personal_id,
        "birth_date": date(1999, 1, 2),
    }
    data.update(changes)
    return local_signup_start(**data)


def sent_code(django_capture_on_commit_callbacks, **kwargs) -> tuple[LocalAccount, str]:
    with django_capture_on_commit_callbacks(execute=True):
        account = start(**kwargs)
    body = mail.outbox[-1].body if account.channel == "email" else sms.outbox[-1].body
    code = re.search(r"\b(\d{6})\b", body).group(1)
    return account, code


def test_sign_up_by_e_mail_sends_a_code_and_keeps_the_account_inactive(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        account = start(login="  Hoa@Example.VN ")

    assert account.login == "hoa@example.vn"
    assert account.channel == "email"
    assert not account.user.is_active
    assert account.user.check_password(PASSWORD)
    assert not Applicant.objects.exists()
    assert [m.to for m in mail.outbox] == [["hoa@example.vn"]]
    stored = OneTimeCode.objects.get(account=account)
    assert stored.expires_at - stored.created_at == timedelta(minutes=10)
    # Only the HMAC is stored: the code itself appears nowhere in the row.
    code = mail.outbox[0].subject.split()[-1]
    assert code not in (stored.code_hash, stored.salt)
    assert AuditEntry.objects.get(action="identity.local_signup").data == {"channel": "email"}


def test_the_right_code_activates_the_account_and_creates_the_citizen(django_capture_on_commit_callbacks):
    account, code = sent_code(django_capture_on_commit_callbacks)

    user = local_signup_verify(account_id=account.pk, code=code)

    assert user.is_active
    applicant = Applicant.objects.get(user=user)
    assert (applicant.name, applicant.personal_id, applicant.birth_date, applicant.email) == (
        "Phạm Thị Hoa",
        "037199001111",
        date(1999, 1, 2),
        "hoa@example.vn",
    )
    account.refresh_from_db()
    assert account.verified_at is not None
    assert account.pending_profile == {}
    assert AuditEntry.objects.get(action="identity.local_verify").target == f"applicant:{applicant.pk}"


def test_sign_up_by_phone_sends_an_sms(django_capture_on_commit_callbacks):
    account, code = sent_code(django_capture_on_commit_callbacks, login="+84 912 000 111")

    assert (account.login, account.channel) == ("0912000111", "sms")
    assert sms.outbox[-1].to == "0912000111"
    assert local_signup_verify(account_id=account.pk, code=code).phone == "0912000111"


def test_sign_up_by_phone_is_refused_without_an_sms_gateway(settings):
    settings.IDENTITY_SMS_BACKEND = ""

    with pytest.raises(InvalidInput) as exc:
        start(login="0912000111")

    assert (exc.value.code, exc.value.field) == ("sms_unavailable", "login")


def test_five_wrong_codes_kill_the_code(django_capture_on_commit_callbacks):
    account, code = sent_code(django_capture_on_commit_callbacks)
    wrong = "000000" if code != "000000" else "111111"

    codes = []
    for _attempt in range(5):
        with pytest.raises(InvalidInput) as exc:
            local_signup_verify(account_id=account.pk, code=wrong)
        codes.append(exc.value.code)
    with pytest.raises(InvalidInput) as exc:
        local_signup_verify(account_id=account.pk, code=code)

    assert codes == ["code_wrong"] * 4 + ["code_exhausted"]
    assert exc.value.code == "code_exhausted"
    assert OneTimeCode.objects.get(account=account).attempts == 5
    account.user.refresh_from_db()
    assert not account.user.is_active


def test_an_expired_code_is_refused(django_capture_on_commit_callbacks):
    account, code = sent_code(django_capture_on_commit_callbacks)
    OneTimeCode.objects.filter(account=account).update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(InvalidInput) as exc:
        local_signup_verify(account_id=account.pk, code=code)

    assert exc.value.code == "code_expired"


def test_a_new_code_replaces_the_old_one_after_a_minute(django_capture_on_commit_callbacks):
    account, old_code = sent_code(django_capture_on_commit_callbacks)
    with pytest.raises(InvalidInput) as exc:
        local_code_resend(account_id=account.pk)
    assert exc.value.code == "code_resend_wait"
    assert 0 < exc.value.params["seconds"] <= 60

    OneTimeCode.objects.filter(account=account).update(created_at=timezone.now() - timedelta(seconds=61))
    with django_capture_on_commit_callbacks(execute=True):
        local_code_resend(account_id=account.pk)
    new_code = mail.outbox[-1].subject.split()[-1]

    if new_code != old_code:
        with pytest.raises(InvalidInput) as exc:
            local_signup_verify(account_id=account.pk, code=old_code)
        assert exc.value.code == "code_wrong"
    assert local_signup_verify(account_id=account.pk, code=new_code).is_active


def test_no_more_than_five_codes_an_hour(django_capture_on_commit_callbacks):
    account, _code = sent_code(django_capture_on_commit_callbacks)
    for minutes in (50, 40, 30, 20):
        OneTimeCode.objects.create(
            account=account,
            salt="s",
            code_hash="h",
            created_at=timezone.now() - timedelta(minutes=minutes),
            expires_at=timezone.now(),
        )
    OneTimeCode.objects.filter(code_hash__regex=r"^[0-9a-f]{64}$").update(
        created_at=timezone.now() - timedelta(minutes=2)
    )

    with pytest.raises(InvalidInput) as exc:
        local_code_resend(account_id=account.pk)

    # The oldest of the five was sent 50 minutes ago: ten more minutes to wait.
    assert 590 <= exc.value.params["seconds"] <= 600


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"login": "hoa@"}, "login_invalid", "login"),
        ({"login": "02123456789"}, "login_invalid", "login"),
        ({"name": "  "}, "name_required", "name"),
        ({"personal_id": "037090001234"}, "pid_birth_year", "personal_id"),
        ({"password": "12345678"}, "password_weak", "password"),
    ],
    ids=["bad-email", "landline", "no-name", "id-not-matching-birth-year", "weak-password"],
)
def test_bad_sign_up_details_are_refused_on_their_field(changes, code, field):
    with pytest.raises(InvalidInput) as exc:
        start(**changes)

    assert (exc.value.code, exc.value.field) == (code, field)
    assert not LocalAccount.objects.exists()


def test_a_registered_personal_id_cannot_be_claimed_by_a_local_account(django_capture_on_commit_callbacks):
    record = demo_citizen(AN)
    # Not refused at the start, so as not to tell that the number is registered
    # (test_signup_id_no_enumeration.py): refused once the code proves the address.
    account, code = sent_code(
        django_capture_on_commit_callbacks, personal_id=AN.personal_id, birth_date=date(1990, 3, 15)
    )

    with pytest.raises(InvalidInput) as exc:
        local_signup_verify(account_id=account.pk, code=code)

    assert (exc.value.code, exc.value.field) == ("personal_id_taken", None)
    assert list(Applicant.objects.values_list("pk", "user")) == [(record.pk, None)]
    assert not LocalAccount.objects.get().is_verified


def test_a_verified_login_is_not_taken_twice(django_capture_on_commit_callbacks):
    account, code = sent_code(django_capture_on_commit_callbacks)
    local_signup_verify(account_id=account.pk, code=code)
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))  # a resend is allowed

    # Not refused, so as not to tell that the login has an account (tests/identity/test_signup_no_enumeration.py).
    with django_capture_on_commit_callbacks(execute=True):
        again = start(personal_id="037199002222")

    assert again == account
    assert LocalAccount.objects.get() == account
    assert [m.to for m in mail.outbox] == [["hoa@example.vn"]] * 2
    assert re.search(r"\b\d{6}\b", mail.outbox[-1].body) is None  # the owner's notice, no code


def test_an_abandoned_sign_up_is_replaced(django_capture_on_commit_callbacks):
    first = start()
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))  # a resend is allowed

    second = start()

    assert LocalAccount.objects.get() == second
    assert second.pk != first.pk
    assert not type(first.user).objects.filter(pk=first.user_id).exists()


def test_local_accounts_can_be_turned_off(settings):
    settings.LOCAL_ACCOUNTS_ENABLED = False

    with pytest.raises(NotAllowed) as exc:
        start()

    assert exc.value.code == "local_accounts_disabled"


def test_sign_in_with_a_verified_local_account(django_capture_on_commit_callbacks):
    account, code = sent_code(django_capture_on_commit_callbacks)
    local_signup_verify(account_id=account.pk, code=code)

    assert local_sign_in(login="HOA@example.vn", password=PASSWORD) == account.user


def test_sign_in_before_verification_points_to_the_code(django_capture_on_commit_callbacks):
    account = start()

    with pytest.raises(InvalidInput) as exc:
        local_sign_in(login="hoa@example.vn", password=PASSWORD)

    assert exc.value.code == "account_unverified"
    assert exc.value.params == {"account_id": account.pk}


def test_five_wrong_passwords_lock_the_login(django_capture_on_commit_callbacks):
    account, code = sent_code(django_capture_on_commit_callbacks)
    local_signup_verify(account_id=account.pk, code=code)

    for _attempt in range(5):
        with pytest.raises(InvalidInput) as exc:
            local_sign_in(login="hoa@example.vn", password="wrong")
        assert exc.value.code == "sign_in_invalid"
    with pytest.raises(NotAllowed) as exc:
        local_sign_in(login="hoa@example.vn", password=PASSWORD)

    assert exc.value.code == "sign_in_locked"


def test_unknown_login_and_wrong_password_get_the_same_answer():
    with pytest.raises(InvalidInput) as unknown:
        local_sign_in(login="nobody@example.vn", password=PASSWORD)

    assert unknown.value.code == "sign_in_invalid"


def test_in_development_the_sms_goes_to_the_log(settings, caplog, django_capture_on_commit_callbacks):
    settings.IDENTITY_SMS_BACKEND = "chinhquyen.identity.sms.ConsoleSMSBackend"

    with caplog.at_level("WARNING", logger="chinhquyen.identity.sms"), django_capture_on_commit_callbacks(execute=True):
        start(login="0912000111")

    assert caplog.records[-1].getMessage().startswith("SMS to 0912000111: ")


@pytest.mark.parametrize("typed", ["037 199 001 111", "０３７１９９００１１１１", " 037199001111 ", "0371 9900 1111"])
def test_an_id_number_typed_in_groups_or_full_width_is_kept_as_twelve_digits(typed):
    account = start(personal_id=typed)

    assert account.pending_profile["personal_id"] == "037199001111"


def test_an_id_number_with_dots_is_refused_on_its_field():
    with pytest.raises(InvalidInput) as refused:
        start(personal_id="037.199.001.111")

    assert (refused.value.field, refused.value.message) == (
        "personal_id",
        "Số định danh cá nhân phải gồm đúng 12 chữ số.",
    )
