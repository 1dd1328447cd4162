"""Notices, once a day at most, that a local sign-up was tried with someone's details.

The sign-up page answers such a sign-up as a new one (see ``local``), so only the owner learns of it:

- the account of a registered personal ID number, at the account's own address, once a day per number;
- an account that signs in through the national identity, at its e-mail or phone that the sign-up gave,
  once a day per address.
"""

import hashlib

from django.db import transaction

from chinhquyen.core.audit import audit_record
from chinhquyen.core.throttle_window import window_hit
from chinhquyen.directory.models import Applicant

from ..delivery import signup_id_registered_deliver, signup_identity_only_deliver
from ..models import Channel, LocalAccount, VerifiedIdentity
from ..sms import sms_available

NOTICE_WINDOW_SECONDS = 24 * 60 * 60


def signup_id_owner_tell(*, personal_id: str, sign_in_url: str, except_user_id: int | None = None) -> bool:
    """Whether ``personal_id`` is registered; if so, tell the record's account after commit, once a day at most.

    ``except_user_id``: an account already told another way (the sign-up was on its own login).
    """
    applicant = Applicant.objects.select_related("user").filter(personal_id=personal_id).first()
    if applicant is None:
        return False
    audit_record(actor=None, action="identity.local_signup_id_registered", target=f"applicant:{applicant.pk}", data={})
    address = _owner_address(applicant) if applicant.user_id != except_user_id else None
    if address is not None:
        channel, to = address
        # Counted once the sign-up is committed: a rolled-back one (a double click) uses up no notice.
        transaction.on_commit(lambda: _notice_send(personal_id=personal_id, channel=channel, to=to, url=sign_in_url))
    return True


def _owner_address(applicant: Applicant) -> tuple[str, str] | None:
    """Where the record's account gets messages: its local login, unless the national identity verified it.

    Once verified, the record's contact details are the identity's (ADR 0021): a local login left on the
    account may be a stranger's who claimed the record.
    """
    user = applicant.user
    if user is None:
        return None
    if not VerifiedIdentity.objects.filter(user=user).exists():
        local = LocalAccount.objects.filter(user=user, verified_at__isnull=False).first()
        if local is not None:
            return local.channel, local.login
    # The record's details first: the account's own may be older (the record's are kept up to date).
    for email, phone in ((applicant.email, applicant.phone), (user.email, user.phone)):
        if email:
            return Channel.EMAIL, email
        if phone and sms_available():
            return Channel.SMS, phone
    return None


def _notice_send(*, personal_id: str, channel: str, to: str, url: str) -> None:
    if _first_today(f"identity:signup-id-notice:{_digest(personal_id)}"):
        signup_id_registered_deliver(channel=channel, to=to, sign_in_url=url)


def signup_identity_owner_tell(*, channel: str, to: str, sign_in_url: str, earlier_code: bool = False) -> None:
    """Tell the owner of ``to``, an account's address that signs in through the national identity, after commit.

    ``earlier_code``: a sign-up pending there, sent a code there, was dropped (the notice then says so).
    """
    # Counted once the sign-up is committed, as the notice of a registered number is.
    transaction.on_commit(
        lambda: _identity_notice_send(channel=channel, to=to, url=sign_in_url, earlier_code=earlier_code)
    )


def _identity_notice_send(*, channel: str, to: str, url: str, earlier_code: bool) -> None:
    if _first_today(f"identity:signup-identity-notice:{_digest(to)}"):
        signup_identity_only_deliver(channel=channel, to=to, sign_in_url=url, earlier_code=earlier_code)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _first_today(key: str) -> bool:
    return window_hit(key=key, seconds=NOTICE_WINDOW_SECONDS) == 1
