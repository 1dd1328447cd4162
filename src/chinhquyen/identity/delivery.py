"""Send messages to a local account's address (e-mail or SMS) once the transaction behind them has committed.

A one-time code, and the notices that the sign-up page does not give (it answers as for a new sign-up, so
only the owner learns of it): someone tried to sign up with an address that already has an account (a local
one, or one that signs in through the national identity), or with the personal ID number of a record that
has one.
"""

from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Channel
from .sms import TextMessage, sms_send


def _deliver(*, channel: str, to: str, subject: str, text: str) -> None:
    if channel == Channel.EMAIL:
        transaction.on_commit(lambda: send_mail(subject, text, None, [to]))
    else:
        transaction.on_commit(lambda: sms_send(TextMessage(to=to, body=text)))


def code_deliver(*, channel: str, to: str, code: str, minutes: int) -> None:
    """Queue the code for sending after commit; the text is built now, in the applicant's language."""
    text = _(
        "Your verification code for the public service portal is %(code)s. It expires in %(minutes)d minutes. "
        "Never give this code to anyone."
    ) % {"code": code, "minutes": minutes}
    subject = _("Your verification code: %(code)s") % {"code": code}
    _deliver(channel=channel, to=to, subject=subject, text=text)


def signup_taken_deliver(*, channel: str, to: str, sign_in_url: str) -> None:
    """Queue the notice to the owner of ``to`` that a sign-up was tried with it, as a code would be sent."""
    text = _(
        "Someone tried to create an account on the public service portal with this e-mail address or phone "
        "number. It already has an account, so nothing was changed and no code was sent. If it was you, sign in "
        "at %(url)s (you cannot create a second account with it). If it was not you, you need not do anything."
    ) % {"url": sign_in_url}
    subject = _("Someone tried to create an account with your address")
    _deliver(channel=channel, to=to, subject=subject, text=text)


def signup_identity_only_deliver(*, channel: str, to: str, sign_in_url: str, earlier_code: bool = False) -> None:
    """Queue the notice to the owner of ``to``, whose account signs in through the national identity, that a
    local sign-up was tried with it.

    ``earlier_code``: a sign-up begun there before the owner's first national identity sign-in, and sent a code
    there then, was dropped; the notice says that code no longer works rather than that none was sent.
    """
    if earlier_code:
        text = _(
            "Someone tried to create an account on the public service portal with this e-mail address or phone "
            "number. It belongs to an account that signs in with the national identity (VNeID), so no second "
            "account was made: the code sent to this address earlier to create one no longer works, and no other "
            "code was sent. If it was you, sign in at %(url)s with the national identity (VNeID). If it was not "
            "you, you need not do anything."
        ) % {"url": sign_in_url}
    else:
        text = _(
            "Someone tried to create an account on the public service portal with this e-mail address or phone "
            "number. It belongs to an account that signs in with the national identity (VNeID), so no second "
            "account was made and no code was sent. If it was you, sign in at %(url)s with the national identity "
            "(VNeID). If it was not you, you need not do anything."
        ) % {"url": sign_in_url}
    subject = _("Someone tried to create an account with your address")
    _deliver(channel=channel, to=to, subject=subject, text=text)


def signup_id_registered_deliver(*, channel: str, to: str, sign_in_url: str) -> None:
    """Queue the notice to the account holding a personal ID number that a sign-up was tried with that number."""
    text = _(
        "Someone tried to create an account on the public service portal with your personal identification number. "
        "Your account was not changed, and they were not told that you have one. If it was you, sign in at "
        "%(url)s. If it was not you, you need not do anything; if you are worried, ask at the one-stop counter."
    ) % {"url": sign_in_url}
    subject = _("Someone tried to create an account with your personal identification number")
    _deliver(channel=channel, to=to, subject=subject, text=text)
