"""What people do to notifications: resend one (admin), choose the language they are written in."""

from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.core.audit import audit_record
from chinhquyen.core.errors import InvalidInput
from chinhquyen.directory.models import User

from ..models import Notification, Preference, State
from ..selectors import language_for, petition_recipient_for, recipient_for
from .create import address_for
from .delivery import notification_enqueue


def notification_resend(*, notification: Notification, by: User) -> Notification:
    """Send ``notification`` again to the applicant's current address (a petition's: the sender's), from the
    first attempt."""
    with transaction.atomic():
        n = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("petition_event__petition")
            .get(pk=notification.pk)
        )
        if n.state == State.SENDING:
            raise InvalidInput(
                _("This notification is being sent right now; try again in a minute."), code="notification_sending"
            )
        previous = n.state
        if n.petition_event is not None:
            petition = n.petition_event.petition
            recipient, who, about = petition_recipient_for(petition=petition), "sender", {"petition": petition.pk}
        else:
            assert n.dossier is not None  # noqa: S101 - the check constraint: a dossier row or a petition row
            recipient, who, about = recipient_for(dossier=n.dossier), "applicant", {"dossier": n.dossier.pk}
        address, skipped = address_for(channel=n.channel, recipient=recipient, who=who)
        n.recipient, n.last_error, n.attempts = address, skipped, 0
        n.state = State.SKIPPED if skipped else State.PENDING
        n.next_attempt_at = None if skipped else timezone.now()
        # A new message for the SMS gateway, which would otherwise take it for the first send again (sms_key).
        n.resends += 1
        n.save(
            update_fields=["recipient", "last_error", "attempts", "state", "next_attempt_at", "resends", "updated_at"]
        )
        audit_record(
            actor=by,
            action="notification.resend",
            target=f"notification:{n.pk}",
            data={**about, "channel": n.channel, "from": previous, "to": n.state},
        )
        if n.state == State.PENDING:
            transaction.on_commit(partial(notification_enqueue, notification_id=n.pk))
    return n


def notification_language_set(*, user: User, language: str) -> Preference:
    """Write ``user``'s notifications in ``language`` from now on (one of settings.LANGUAGES)."""
    if not _offered(language):
        raise InvalidInput(_("Choose one of the languages offered."), code="language", field="language")
    with transaction.atomic():
        preference, _created = Preference.objects.update_or_create(user=user, defaults={"language": language})
        audit_record(actor=user, action="notification.language", target=f"user:{user.pk}", data={"language": language})
    return preference


def notification_language_follow(*, user: User, language: str) -> bool:
    """Write ``user``'s notifications in the language they just chose for the site, when it is one offered and
    not theirs already; whether that changed anything.

    Switching back and forth between pages writes (and audits) only a change of language.
    """
    if not _offered(language) or language_for(user=user) == language:
        return False
    notification_language_set(user=user, language=language)
    return True


def _offered(language: str) -> bool:
    return language in {code for code, _name in settings.LANGUAGES}
