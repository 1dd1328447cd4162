"""Send a one-time code by e-mail or SMS once the transaction that stored it has committed."""

from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Channel
from .sms import TextMessage, sms_send


def code_deliver(*, channel: str, to: str, code: str, minutes: int) -> None:
    """Queue the code for sending after commit; the text is built now, in the applicant's language."""
    text = _(
        "Your verification code for the public service portal is %(code)s. It expires in %(minutes)d minutes. "
        "Never give this code to anyone."
    ) % {"code": code, "minutes": minutes}
    if channel == Channel.EMAIL:
        subject = _("Your verification code: %(code)s") % {"code": code}
        transaction.on_commit(lambda: send_mail(subject, text, None, [to]))
    else:
        transaction.on_commit(lambda: sms_send(TextMessage(to=to, body=text)))
