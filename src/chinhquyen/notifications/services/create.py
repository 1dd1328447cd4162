"""Turn a dossier event into its notifications: one row per channel, queued after commit."""

from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from chinhquyen.core.rows import rows_insert

from ..content import notification_render
from ..events import kind_for
from ..models import Channel, Notification, State
from ..selectors import Recipient, event_with_dossier, notifications_of_event, recipient_for
from .delivery import notification_enqueue


def notifications_for_event(*, event_id: int) -> list[Notification]:
    """Create and queue the notifications ``event_id`` calls for; a second call returns the same rows."""
    event = event_with_dossier(event_id=event_id)
    kind = kind_for(event)
    if kind is None:
        return []
    recipient = recipient_for(dossier=event.dossier)
    rendered = notification_render(event=event, kind=kind, language=recipient.language)
    now = timezone.now()
    rows = []
    for channel, subject, body in (
        (Channel.EMAIL, rendered.subject, rendered.body),
        (Channel.SMS, "", rendered.sms),
    ):
        address, skipped = address_for(channel=channel, recipient=recipient)
        rows.append(
            Notification(
                dossier=event.dossier,
                event=event,
                kind=kind,
                channel=channel,
                recipient=address,
                language=recipient.language,
                subject=subject,
                body=body,
                state=State.SKIPPED if skipped else State.PENDING,
                last_error=skipped,
                next_attempt_at=None if skipped else now,
            )
        )
    # One statement, atomic by itself: a row another run of the hook made first (one per event and
    # channel) is left to that run, which queues it.
    created = rows_insert(rows, unless=("event", "channel"))
    for row in created:
        if row.state == State.PENDING:
            transaction.on_commit(partial(notification_enqueue, notification_id=row.pk))
    return created if len(created) == len(rows) else notifications_of_event(event_id=event.pk)


def address_for(*, channel: str, recipient: Recipient) -> tuple[str, str]:
    """The address to use on ``channel`` and, when the channel is skipped, why (for the delivery log)."""
    if channel == Channel.EMAIL:
        if not recipient.email:
            return "", "No e-mail address for the applicant."
        try:
            validate_email(recipient.email)
        except ValidationError:
            return recipient.email[:254], "The applicant's e-mail address is not valid."
        return recipient.email, ""
    if not settings.SMS_BACKEND:
        return recipient.phone, "SMS is switched off (SMS_BACKEND is empty)."
    if not recipient.phone:
        return "", "No mobile phone number for the applicant."
    return recipient.phone, ""
