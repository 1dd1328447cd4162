"""The e-mail of a notification, with the receipt (form 01) attached to "received"."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid

from chinhquyen.dossiers.documents import slip_pdf_for_applicant
from chinhquyen.dossiers.models import Dossier

from .models import Kind, Notification


def email_message_for(*, notification: Notification) -> EmailMessage:
    """Build the message; the result itself is never attached (the body links to its download)."""
    n = notification
    message = EmailMessage(
        subject=n.subject,
        body=n.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[n.recipient],
        headers={"Message-ID": make_msgid(domain="chinhquyen"), "Content-Language": n.language},
    )
    if n.kind == Kind.RECEIVED and n.dossier is not None:
        dossier = n.dossier
        message.attach(
            f"giay-tiep-nhan-{dossier.code or dossier.pk}.pdf", receipt_pdf(dossier=dossier), "application/pdf"
        )
    return message


def receipt_pdf(*, dossier: Dossier) -> bytes:
    """The receipt and appointment slip (form 01), signed by the receiving agency when it can be."""
    return slip_pdf_for_applicant(dossier=dossier, kind="01")
