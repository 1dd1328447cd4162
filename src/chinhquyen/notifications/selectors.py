"""Reads of the notifications app: who the applicant is reached at, and in which language."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from chinhquyen.directory.models import User
from chinhquyen.dossiers.models import Dossier

from .models import Notification, Preference
from .sms import phone_normalise


@dataclass(frozen=True)
class Recipient:
    email: str
    phone: str  # normalised (0xxxxxxxxx), "" when there is no usable mobile number
    language: str


def recipient_for(*, dossier: Dossier) -> Recipient:
    """The applicant's addresses: the account's current ones first, else those given with the dossier."""
    snapshot = dossier.applicant_snapshot or {}
    user = dossier.applicant.user
    email = (user.email if user is not None else "") or snapshot.get("email") or ""
    phone = (user.phone if user is not None else "") or snapshot.get("phone") or ""
    return Recipient(email=email.strip(), phone=phone_normalise(phone), language=language_for(user=user))


def language_for(*, user: User | None) -> str:
    """The account's preferred language for notifications, else the site's default (Vietnamese)."""
    available = {code for code, _name in settings.LANGUAGES}
    if user is not None:
        preferred = Preference.objects.filter(user=user).values_list("language", flat=True).first()
        if preferred in available:
            return preferred
    return settings.LANGUAGE_CODE


def notifications_of(*, dossier: Dossier) -> QuerySet[Notification]:
    """A dossier's notifications, oldest first (for the office and the applicant's timeline)."""
    return Notification.objects.filter(dossier=dossier).order_by("created_at", "pk")
