"""The notice to the account of a registered personal ID number that a local sign-up was tried with it.

The sign-up page answers such a sign-up as one with a free number (see ``local``), so only the record's
account learns of it: once a day at most per number, at the account's own address.
"""

import hashlib

from django.db import transaction

from chinhquyen.core.audit import audit_record
from chinhquyen.core.throttle_window import window_hit
from chinhquyen.directory.models import Applicant

from ..delivery import signup_id_registered_deliver
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
    digest = hashlib.sha256(personal_id.encode()).hexdigest()
    if window_hit(key=f"identity:signup-id-notice:{digest}", seconds=NOTICE_WINDOW_SECONDS) == 1:
        signup_id_registered_deliver(channel=channel, to=to, sign_in_url=url)
