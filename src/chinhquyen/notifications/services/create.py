"""Turn a dossier or petition event into its notifications: one row per channel, queued after commit."""

from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from chinhquyen.core.rows import rows_insert
from chinhquyen.feedback.models import PetitionEvent
from chinhquyen.feedback.selectors import petition_answer_url_for_sender

from ..content import Rendered, notification_render, petition_notification_render
from ..events import PETITION_ACTION_KINDS, kind_for
from ..models import Channel, Kind, Notification, State
from ..selectors import (
    Recipient,
    due_move_to_tell,
    event_with_dossier,
    notifications_of_event,
    notifications_of_petition_event,
    petition_answer_link_sent,
    petition_event_with_petition,
    petition_recipient_for,
    recipient_for,
)
from .delivery import notification_enqueue


def notifications_for_event(*, event_id: int) -> list[Notification]:
    """Create and queue the notifications ``event_id`` calls for; a second call returns the same rows."""
    event = event_with_dossier(event_id=event_id)
    kind = kind_for(event)
    if kind is None:
        return []
    moved = None
    if kind == Kind.DUE_DATE_MOVED:
        moved = due_move_to_tell(event=event)
        if moved is None:  # told by a later re-timing, or back where it was
            return notifications_of_event(event_id=event.pk)
    recipient = recipient_for(dossier=event.dossier)
    rendered = notification_render(event=event, kind=kind, language=recipient.language, moved=moved)
    rows = _rows(kind=kind, rendered=rendered, recipient=recipient, dossier=event.dossier, event=event)
    created = _insert(rows, unless=("event", "channel"))
    return created if len(created) == len(rows) else notifications_of_event(event_id=event.pk)


def notifications_for_petition_event(*, event_id: int) -> list[Notification]:
    """Create and queue the sender's notifications of an answered, closed, published or withdrawn petition; a
    second call returns the same rows. Other petition events (filing, assignments, internal notes, the sender's
    rating) give none, nor does a publication whose link the sender already has (:func:`_publication_is_news`),
    nor a withdrawal from a sender who reads the answer on their own page."""
    event = petition_event_with_petition(event_id=event_id)
    kind = PETITION_ACTION_KINDS.get(event.action)
    if kind is None:
        return []
    if kind == Kind.PETITION_PUBLISHED and not _publication_is_news(event):
        return []
    if kind == Kind.PETITION_UNPUBLISHED and event.petition.sender_user_id is not None:
        return []  # their own page still shows the answer
    recipient = petition_recipient_for(petition=event.petition)
    rendered = petition_notification_render(event=event, kind=kind, language=recipient.language)
    rows = _rows(kind=kind, rendered=rendered, recipient=recipient, petition_event=event, who="sender")
    created = _insert(rows, unless=("petition_event", "channel"))
    return created if len(created) == len(rows) else notifications_of_petition_event(event_id=event.pk)


def _publication_is_news(event: PetitionEvent) -> bool:
    """Whether publishing gives the sender a link to the answer they were not given before.

    A sender with an account reads the answer on their own page from the moment it is answered. Any other
    sender is told unless the "answered" message already carried the link. That is read from the message's
    stored text, not from its ``created_at`` against ``published_at``: the text is rendered before the row is
    written, so a publication committed in between would make the times say "link given" when it was not.
    """
    petition = event.petition
    if petition.sender_user_id is not None:
        return False
    url = petition_answer_url_for_sender(petition=petition)
    return bool(url) and not petition_answer_link_sent(petition=petition, url=url)


def _rows(
    *, kind: Kind, rendered: Rendered, recipient: Recipient, who: str = "applicant", **about: object
) -> list[Notification]:
    """One row per channel, pending or skipped with the reason; ``about`` names the event (and dossier)."""
    now = timezone.now()
    rows = []
    for channel, subject, body in (
        (Channel.EMAIL, rendered.subject, rendered.body),
        (Channel.SMS, "", rendered.sms),
    ):
        address, skipped = address_for(channel=channel, recipient=recipient, who=who)
        rows.append(
            Notification(
                **about,
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
    return rows


def _insert(rows: list[Notification], *, unless: tuple[str, str]) -> list[Notification]:
    # One statement, atomic by itself: a row another run of the hook made first (one per event and
    # channel) is left to that run, which queues it.
    created = rows_insert(rows, unless=unless)
    for row in created:
        if row.state == State.PENDING:
            transaction.on_commit(partial(notification_enqueue, notification_id=row.pk))
    return created


def address_for(*, channel: str, recipient: Recipient, who: str = "applicant") -> tuple[str, str]:
    """The address to use on ``channel`` and, when the channel is skipped, why (for the delivery log).

    ``who`` names the person in that reason: "applicant" (dossiers) or "sender" (petitions).
    """
    if channel == Channel.EMAIL:
        if not recipient.email:
            return "", f"No e-mail address for the {who}."
        try:
            validate_email(recipient.email)
        except ValidationError:
            return recipient.email[:254], f"The {who}'s e-mail address is not valid."
        return recipient.email, ""
    if not settings.SMS_BACKEND:
        return recipient.phone, "SMS is switched off (SMS_BACKEND is empty)."
    if not recipient.phone:
        return "", f"No mobile phone number for the {who}."
    return recipient.phone, ""
