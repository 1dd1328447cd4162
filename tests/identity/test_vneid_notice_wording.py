"""The notice to a VNeID owner whose address a local sign-up was tried with says what happened to codes.

A sign-up on the address of an account that signs in only through the national identity sends no code: the
notice says so. A sign-up left pending there since before the owner's first VNeID sign-in was sent a code, to
that very address: when it is dropped, the notice says that this earlier code no longer works instead.
"""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.translation import gettext

from chinhquyen.core.errors import InvalidInput
from chinhquyen.identity.claims import claims_parse
from chinhquyen.identity.models import OneTimeCode
from chinhquyen.identity.services import (
    identity_sign_in,
    local_code_resend,
    local_signup_attempt,
    local_signup_start,
    local_signup_verify,
)

from .helpers import AN, PASSWORD, claims_of

pytestmark = pytest.mark.django_db
ISSUER = "http://testserver/idp-sim"
ADDRESS = "congdan@example.vn"  # An's e-mail in the national identity's claims
URL = "https://dichvucong.example.vn/tai-khoan/dang-nhap/"
NO_CODE = (
    "Someone tried to create an account on the public service portal with this e-mail address or phone "
    "number. It belongs to an account that signs in with the national identity (VNeID), so no second account "
    "was made and no code was sent. If it was you, sign in at %(url)s with the national identity (VNeID). If "
    "it was not you, you need not do anything."
)
EARLIER_CODE = (
    "Someone tried to create an account on the public service portal with this e-mail address or phone "
    "number. It belongs to an account that signs in with the national identity (VNeID), so no second account "
    "was made: the code sent to this address earlier to create one no longer works, and no other code was "
    "sent. If it was you, sign in at %(url)s with the national identity (VNeID). If it was not you, you need "
    "not do anything."
)


@pytest.fixture(autouse=True)
def _public_address(settings):
    settings.PUBLIC_BASE_URL = "https://dichvucong.example.vn/"


def sign_up(capture):
    with capture(execute=True):
        return local_signup_start(
            login=ADDRESS,
            password=PASSWORD,
            name="Phạm Thị Hoa",
            personal_id="037090005678",
            birth_date=date(1990, 3, 15),
        )


def a_minute_passes() -> None:
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))


def owner_signs_in_with_vneid() -> None:
    identity_sign_in(claims=claims_parse(claims_of(AN), issuer=ISSUER))


def test_a_sign_up_on_the_address_says_no_code_was_sent(django_capture_on_commit_callbacks):
    owner_signs_in_with_vneid()

    sign_up(django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].body == gettext(NO_CODE) % {"url": URL}


def test_a_new_sign_up_that_drops_a_pending_one_says_its_earlier_code_no_longer_works(
    django_capture_on_commit_callbacks,
):
    sign_up(django_capture_on_commit_callbacks)  # the address is still free: a code goes there
    owner_signs_in_with_vneid()
    a_minute_passes()

    sign_up(django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 2
    assert mail.outbox[1].body == gettext(EARLIER_CODE) % {"url": URL}


@pytest.mark.parametrize("step", ["code typed", "new code asked for"])
def test_the_next_step_of_a_pending_sign_up_that_drops_it_says_its_earlier_code_no_longer_works(
    step, django_capture_on_commit_callbacks
):
    pending = sign_up(django_capture_on_commit_callbacks)
    attempt = local_signup_attempt(account=pending)
    owner_signs_in_with_vneid()
    a_minute_passes()

    with django_capture_on_commit_callbacks(execute=True):
        if step == "code typed":
            with pytest.raises(InvalidInput):
                local_signup_verify(account_id=pending.pk, code="000000", attempt=attempt)
        else:
            local_code_resend(account_id=pending.pk, attempt=attempt)

    assert len(mail.outbox) == 2
    assert mail.outbox[1].body == gettext(EARLIER_CODE) % {"url": URL}
