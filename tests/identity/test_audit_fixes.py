"""Sign-in and sign-up holes found in the identity audit: a stranger's contact details, look-alike digits,
code limits per address, stale or disabled sign-ups, over-long claims, international phone prefixes."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from chinhquyen.core.errors import InvalidInput, NotAllowed
from chinhquyen.core.models import AuditEntry
from chinhquyen.core.phones import MOBILE_RE, PHONE_RE, mobile_normalise, phone_normalise, phone_valid
from chinhquyen.directory.models import Applicant, User
from chinhquyen.directory.validators import validate_personal_id, validate_tax_code
from chinhquyen.identity.backends import NationalIdentityBackend
from chinhquyen.identity.claims import claims_parse
from chinhquyen.identity.models import LocalAccount, OneTimeCode, VerifiedIdentity
from chinhquyen.identity.services import (
    applicant_contact_update,
    bearer_sign_in,
    identity_sign_in,
    local_code_resend,
    local_signup_start,
    local_signup_verify,
    login_parse,
)
from chinhquyen.identity.simulator.tokens import access_token_issue

from .helpers import AN, PASSWORD, claims_of, demo_citizen, local_sign_up

pytestmark = pytest.mark.django_db
ISSUER = "http://testserver/idp-sim"
VERIFY = "/tai-khoan/dang-ky/xac-minh/"
RESEND = "/tai-khoan/dang-ky/gui-lai-ma/"
SIGNUP = "/tai-khoan/dang-ky/"
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
LONG_ADDRESS = "Thôn Đông, " * 30  # 330 characters: Applicant.address keeps 255


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


def last_code() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def a_minute_passes() -> None:
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))


def kept(address: str) -> str:
    """An address as the applicant record keeps it: trimmed, cut to 255 characters."""
    return address.strip()[:255].rstrip()


def identity(person=AN, **changes) -> User:
    return identity_sign_in(claims=claims_parse(claims_of(person, **changes), issuer=ISSUER))


def strangers_account_on_ans_record(django_capture_on_commit_callbacks) -> User:
    """A stranger signs up with An's personal ID and their own address, and gives their own phone and address."""
    with django_capture_on_commit_callbacks(execute=True):
        account = start(
            login="stranger@evil.vn", personal_id=AN.personal_id, name=AN.name, birth_date=date(1990, 3, 15)
        )
    user = local_signup_verify(account_id=account.pk, code=last_code())
    applicant_contact_update(user=user, phone="0987654321", email="stranger@evil.vn", address="Nhà kẻ gian")
    return user


# 1. The first national-identity sign-in takes the record over from a stranger's local account -----------


def test_first_identity_sign_in_replaces_a_strangers_contact_details_even_with_blanks(
    django_capture_on_commit_callbacks,
):
    squatter = strangers_account_on_ans_record(django_capture_on_commit_callbacks)

    # The provider shares no phone, e-mail or address (not consented, or none on file).
    user = identity(phone_number="", email="", address="")

    assert user == squatter
    user.refresh_from_db()
    applicant = Applicant.objects.get(personal_id=AN.personal_id)
    assert (applicant.phone, applicant.email, applicant.address) == ("", "", "")
    assert (user.email, user.phone) == ("", "")
    assert not user.has_usable_password()
    entry = AuditEntry.objects.get(action="identity.profile_sync")
    assert entry.data == {"fields": ["address", "email", "phone"]}


def test_first_identity_sign_in_puts_the_providers_contact_details_in_place_of_a_strangers(
    django_capture_on_commit_callbacks,
):
    strangers_account_on_ans_record(django_capture_on_commit_callbacks)

    user = identity(phone_number="", address="")

    user.refresh_from_db()
    applicant = Applicant.objects.get(personal_id=AN.personal_id)
    assert (applicant.phone, applicant.email, applicant.address) == ("", "congdan@example.vn", "")
    assert (user.email, user.phone) == ("congdan@example.vn", "")


def test_the_persons_own_local_account_keeps_what_the_provider_does_not_say(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        account = start(
            login="congdan@example.vn", personal_id=AN.personal_id, name=AN.name, birth_date=date(1990, 3, 15)
        )
    own = local_signup_verify(account_id=account.pk, code=last_code())
    applicant_contact_update(user=own, phone="0987000111", email="congdan@example.vn", address="Số 1 Tràng An")

    identity(phone_number="", address="")

    own.refresh_from_db()
    applicant = Applicant.objects.get(personal_id=AN.personal_id)
    assert (applicant.phone, applicant.email, applicant.address) == (
        "0987000111",
        "congdan@example.vn",
        "Số 1 Tràng An",
    )
    assert (own.email, own.phone) == ("congdan@example.vn", "0987000111")
    assert own.has_usable_password()


def test_later_sign_ins_still_never_blank_a_contact_detail(django_capture_on_commit_callbacks):
    strangers_account_on_ans_record(django_capture_on_commit_callbacks)
    identity()  # takes the record over: the provider's phone, e-mail and address

    user = identity(phone_number="", email="", address="")

    applicant = Applicant.objects.get(user=user)
    assert (applicant.phone, applicant.email, applicant.address) == (
        "0912345678",
        "congdan@example.vn",
        "Phường Hoa Lư, tỉnh Ninh Bình",
    )


# 2. Digits of other scripts ----------------------------------------------------------------------------


@pytest.mark.parametrize("table", [FULLWIDTH, ARABIC_INDIC], ids=["fullwidth", "arabic-indic"])
def test_a_personal_id_or_tax_code_in_other_digits_is_not_valid(table):
    with pytest.raises(ValidationError) as pid:
        validate_personal_id("037090001234".translate(table))
    with pytest.raises(ValidationError) as tax:
        validate_tax_code("0100109106".translate(table))

    assert (pid.value.code, tax.value.code) == ("pid_format", "tax_format")


def test_a_fullwidth_personal_id_at_sign_up_is_stored_in_ascii(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        account = start(personal_id="037199001111".translate(FULLWIDTH))
    user = local_signup_verify(account_id=account.pk, code=last_code())

    assert Applicant.objects.get(user=user).personal_id == "037199001111"


def test_a_fullwidth_copy_of_a_registered_personal_id_is_the_same_number(django_capture_on_commit_callbacks):
    demo_citizen(AN)
    lookalike = AN.personal_id[:3] + AN.personal_id[3:].translate(FULLWIDTH)
    with django_capture_on_commit_callbacks(execute=True):
        account = start(personal_id=lookalike, name=AN.name, birth_date=date(1990, 3, 15))

    # Refused once the code proves the address, not at the start (test_signup_id_no_enumeration.py).
    with pytest.raises(InvalidInput) as exc:
        local_signup_verify(account_id=account.pk, code=last_code())

    assert (exc.value.code, exc.value.field) == ("personal_id_taken", None)
    assert account.pending_profile["personal_id"] == AN.personal_id
    assert Applicant.objects.count() == 1
    assert not LocalAccount.objects.get().is_verified


def test_a_personal_id_in_arabic_indic_digits_is_refused_at_sign_up():
    with pytest.raises(InvalidInput) as exc:
        start(personal_id="037199001111".translate(ARABIC_INDIC))

    assert (exc.value.code, exc.value.field) == ("pid_format", "personal_id")
    assert not LocalAccount.objects.exists()


def test_the_providers_fullwidth_personal_id_is_read_in_ascii():
    claims = claims_parse(claims_of(AN, personal_id=AN.personal_id.translate(FULLWIDTH)), issuer=ISSUER)

    assert claims.personal_id == "037090001234"


def test_phone_numbers_take_ascii_digits_only():
    arabic = "09١٢٣٤٥٦٧٨"

    assert MOBILE_RE.fullmatch(arabic) is None
    assert PHONE_RE.fullmatch(arabic) is None
    assert (mobile_normalise(arabic), phone_valid(arabic)) == ("", False)
    assert mobile_normalise("０９１２ ３４５ ６７８") == "0912345678"
    assert mobile_normalise("＋８４ ９１２ ３４５ ６７８") == "0912345678"


# 3. Code limits per address, whoever starts the sign-up again ------------------------------------------


def test_starting_the_sign_up_again_within_a_minute_sends_no_new_code(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = start()
        with pytest.raises(InvalidInput) as exc:
            start(password="Another-pass-2026-x")

    assert (exc.value.code, exc.value.field) == ("code_resend_wait", "login")
    assert 0 < exc.value.params["seconds"] <= 60
    assert len(mail.outbox) == 1
    assert LocalAccount.objects.get() == first
    assert first.user.check_password(PASSWORD)


def test_the_sign_up_form_says_why_it_sends_no_new_code_yet(django_capture_on_commit_callbacks):
    en = Client(headers={"accept-language": "en"})
    with django_capture_on_commit_callbacks(execute=True):
        local_sign_up(en)
        response = local_sign_up(en)

    [error] = response.context["form"].errors["login"]
    wait = re.fullmatch(
        r"A code was sent to this address a moment ago: enter it on the code page, or wait (\d+) seconds before "
        r"signing up again with this address\.",
        error,
    )
    assert response.status_code == 400
    assert wait is not None, error
    assert 0 < int(wait.group(1)) <= 60
    assert len(mail.outbox) == 1


def test_starting_the_sign_up_again_sends_no_more_than_five_codes_an_hour(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            start()
            a_minute_passes()
        with pytest.raises(InvalidInput) as exc:
            start()

    assert exc.value.code == "code_resend_wait"
    # The first of the five codes was sent a minute ago: 59 more minutes to wait.
    assert 3530 <= exc.value.params["seconds"] <= 3540
    assert [m.to for m in mail.outbox] == [["hoa@example.vn"]] * 5
    account = LocalAccount.objects.get()
    assert account.codes.count() == 5
    assert account.codes.filter(used_at__isnull=True).count() == 1  # only the latest code works


def test_a_code_of_the_replaced_sign_up_does_not_finish_the_new_one(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        start()
    old_code = last_code()
    a_minute_passes()
    with django_capture_on_commit_callbacks(execute=True):
        account = start()

    if last_code() != old_code:
        with pytest.raises(InvalidInput) as exc:
            local_signup_verify(account_id=account.pk, code=old_code)
        assert exc.value.code == "code_wrong"
    assert local_signup_verify(account_id=account.pk, code=last_code()).is_active


# 4. A code page whose sign-up was replaced in another browser ------------------------------------------


def test_the_services_refuse_a_sign_up_that_no_longer_exists(django_capture_on_commit_callbacks):
    first = start()
    a_minute_passes()
    start()

    with pytest.raises(InvalidInput) as verify:
        local_signup_verify(account_id=first.pk, code="123456")
    with pytest.raises(InvalidInput) as resend:
        local_code_resend(account_id=first.pk)

    assert (verify.value.code, resend.value.code) == ("signup_gone", "signup_gone")


@pytest.mark.parametrize(("url", "data"), [(VERIFY, {"code": "123456"}), (RESEND, {})], ids=["verify", "resend"])
def test_the_code_page_of_a_replaced_sign_up_sends_back_to_the_form(url, data, django_capture_on_commit_callbacks):
    phone, computer = Client(headers={"accept-language": "en"}), Client()
    with django_capture_on_commit_callbacks(execute=True):
        local_sign_up(phone)
        a_minute_passes()
        local_sign_up(computer)

    response = phone.post(url, data)

    assert (response.status_code, response["Location"]) == (302, SIGNUP)
    assert "identity_signup_pending" not in phone.session
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "This sign-up is no longer waiting for a code. Please start the sign-up again."
    ]
    assert phone.get(VERIFY)["Location"] == SIGNUP


# 5. Claims longer than the records keep ----------------------------------------------------------------


def test_long_claims_are_cut_to_what_the_records_keep():
    long_email = "a" * 250 + "@example.vn"

    claims = claims_parse(claims_of(AN, address=LONG_ADDRESS, name="Nguyễn " * 50, email=long_email), issuer=ISSUER)

    assert claims.address == kept(LONG_ADDRESS)
    assert len(claims.address) == 255
    assert claims.name == ("Nguyễn " * 50)[:255].rstrip()
    assert claims.email == ""


def test_a_subject_identifier_too_long_to_keep_is_refused():
    with pytest.raises(InvalidInput) as exc:
        claims_parse(claims_of(AN, sub="s" * 256), issuer=ISSUER)

    assert exc.value.code == "claims_subject"


def test_a_long_address_claim_at_a_first_sign_in_signs_the_person_in(idp_transport):
    user = NationalIdentityBackend().create_user(claims_of(AN, sub="sub-an", address=LONG_ADDRESS))

    assert Applicant.objects.get(user=user).address == kept(LONG_ADDRESS)


def test_a_long_address_claim_at_a_later_sign_in_updates_the_address(idp_transport):
    backend = NationalIdentityBackend()
    user = backend.create_user(claims_of(AN, sub="sub-an"))

    backend.update_user(user, claims_of(AN, sub="sub-an", address="Số 2, " + LONG_ADDRESS))

    assert Applicant.objects.get(user=user).address == kept("Số 2, " + LONG_ADDRESS)


def test_a_bearer_token_with_a_long_address_links_the_counter_record(idp_transport):
    counter = demo_citizen(AN)

    user = bearer_sign_in(token=access_token_issue(claims_of(AN, sub="sub-an", address=LONG_ADDRESS)))

    counter.refresh_from_db()
    assert counter.user == user
    assert counter.address == kept(LONG_ADDRESS)
    assert VerifiedIdentity.objects.get(user=user).subject == "sub-an"


# 7. A pending sign-up after the province turned local accounts off ---------------------------------------


def test_a_pending_sign_up_cannot_be_finished_once_local_accounts_are_off(settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        account = start()
    settings.LOCAL_ACCOUNTS_ENABLED = False

    with pytest.raises(NotAllowed) as verify:
        local_signup_verify(account_id=account.pk, code=last_code())
    with pytest.raises(NotAllowed) as resend:
        local_code_resend(account_id=account.pk)

    assert (verify.value.code, resend.value.code) == ("local_accounts_disabled", "local_accounts_disabled")
    account.user.refresh_from_db()
    assert account.user.is_active is False
    assert not Applicant.objects.exists()


def test_the_code_pages_are_gone_once_local_accounts_are_off(client, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        local_sign_up(client)
    settings.LOCAL_ACCOUNTS_ENABLED = False

    verify = client.post(VERIFY, {"code": last_code()})
    resend = client.post(RESEND)

    assert (verify.status_code, resend.status_code) == (404, 404)
    assert SESSION_KEY not in client.session
    assert not Applicant.objects.exists()


# 8. The international prefix 00 -------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["0084912345678", "0084 912 345 678", "+84 912.345.678", "0912345678"])
def test_a_mobile_number_with_00_84_is_the_national_number(typed):
    assert phone_normalise(typed) == "0912345678"
    assert mobile_normalise(typed) == "0912345678"
    assert login_parse(typed).value == "0912345678"


def test_a_landline_with_00_84_is_the_national_number():
    assert phone_normalise("0084 24 3825 1234") == "02438251234"
    assert phone_valid("0084 24 3825 1234") is True
