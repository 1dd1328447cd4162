"""Send a queued notification and record the outcome; retry with back-off, then give up.

The task may run twice for one notification (a retry queued while an administrator resends, a worker
restarted): a row is claimed (pending -> sending) by one conditional UPDATE, so it is sent once.
"""

import logging
import smtplib
from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone

from ..email import email_message_for
from ..models import Channel, Notification, State
from ..sms import SmsError, sms_backend

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Seconds to wait after the 1st, 2nd, ... failed attempt: about two and a half hours in all.
BACKOFF_SECONDS = (60, 300, 1800, 7200)
# A pending row whose task should have run this long ago lost its task (the queue was down).
REQUEUE_GRACE = timedelta(minutes=15)
# A row claimed this long ago belongs to a worker that died while sending.
SENDING_STUCK = timedelta(hours=1)


def notification_enqueue(*, notification_id: int, run_after: datetime | None = None) -> bool:
    """Queue the delivery task; on failure log it and return False, never raise (the row stays pending)."""
    from ..tasks import notification_deliver

    try:
        task = notification_deliver.using(run_after=run_after) if run_after is not None else notification_deliver
        task.enqueue(notification_id=notification_id)
    except Exception:  # the caller is a dossier transition that has committed: nothing may raise into it
        logger.exception("Notification %s could not be queued; notifications_requeue will retry.", notification_id)
        return False
    return True


def notification_send(*, notification_id: int) -> str:
    """Send one pending notification and return its state afterwards ("retry" when queued again)."""
    now = timezone.now()
    claimed = Notification.objects.filter(pk=notification_id, state=State.PENDING).update(
        state=State.SENDING, attempts=F("attempts") + 1, updated_at=now
    )
    if not claimed:
        # Sent, failed, skipped or being sent by another run: nothing to do.
        state = Notification.objects.filter(pk=notification_id).values_list("state", flat=True).first()
        return state or "missing"
    notification = Notification.objects.select_related("dossier__procedure", "dossier__receiving_agency").get(
        pk=notification_id
    )
    try:
        reference = _deliver(notification)
    except Exception as exc:  # any failure of a partner is recorded and retried, never raised
        return _failed(notification, exc)
    notification.state, notification.sent_at = State.SENT, timezone.now()
    notification.provider_ref, notification.last_error, notification.next_attempt_at = reference[:100], "", None
    notification.save(update_fields=["state", "sent_at", "provider_ref", "last_error", "next_attempt_at", "updated_at"])
    return State.SENT


def notifications_requeue(*, now: datetime | None = None) -> int:
    """Queue again the notifications whose task was lost; return how many (``manage.py notifications_requeue``)."""
    now = now or timezone.now()
    stuck = Notification.objects.filter(state=State.SENDING, updated_at__lte=now - SENDING_STUCK)
    freed = set(stuck.values_list("pk", flat=True))
    Notification.objects.filter(pk__in=freed, state=State.SENDING).update(state=State.PENDING)
    lost = Notification.objects.filter(state=State.PENDING, next_attempt_at__lte=now - REQUEUE_GRACE)
    ids = sorted(freed | set(lost.values_list("pk", flat=True)))
    Notification.objects.filter(pk__in=ids).update(next_attempt_at=now, updated_at=now)
    return sum(notification_enqueue(notification_id=pk) for pk in ids)


def _deliver(notification: Notification) -> str:
    if notification.channel == Channel.EMAIL:
        message = email_message_for(notification=notification)
        message.send(fail_silently=False)
        return str(message.extra_headers.get("Message-ID", ""))
    backend = sms_backend()
    if backend is None:
        raise SmsError("SMS is switched off (SMS_BACKEND is empty).", retryable=False)
    return backend.send(phone=notification.recipient, message=notification.body, ref=sms_key(notification))


def sms_key(notification: Notification) -> str:
    """The gateway's idempotency key: the same on every attempt of one send, new on each resend.

    A row never resent keeps the form it always had, so a send in flight when this changed stays one message.
    """
    n = notification
    return f"notification-{n.pk}" if not n.resends else f"notification-{n.pk}-{n.resends}"


def _failed(notification: Notification, exc: Exception) -> str:
    n = notification
    # The full text (an SMTP refusal names the address) only on the row, which the admin alone reads.
    n.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    logged = _loggable(exc)
    if _retryable(exc) and n.attempts < MAX_ATTEMPTS:
        delay = BACKOFF_SECONDS[min(n.attempts, len(BACKOFF_SECONDS)) - 1]
        n.state, n.next_attempt_at = State.PENDING, timezone.now() + timedelta(seconds=delay)
        n.save(update_fields=["state", "last_error", "next_attempt_at", "updated_at"])
        logger.warning("Notification %s attempt %s failed (%s); retrying in %ss.", n.pk, n.attempts, logged, delay)
        notification_enqueue(notification_id=n.pk, run_after=n.next_attempt_at)
        return "retry"
    n.state, n.next_attempt_at = State.FAILED, None
    n.save(update_fields=["state", "last_error", "next_attempt_at", "updated_at"])
    logger.error("Notification %s failed after %s attempts: %s", n.pk, n.attempts, logged)
    return State.FAILED


def _smtp_codes(exc: Exception) -> list[int]:
    """The SMTP reply codes ``exc`` carries: one per refused recipient, or the server's one reply."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return sorted({code for code, _reply in exc.recipients.values()})
    if isinstance(exc, smtplib.SMTPResponseException):
        return [exc.smtp_code]
    return []


def _retryable(exc: Exception) -> bool:
    """Whether another attempt may succeed: not after a permanent (5xx) SMTP refusal; a 4xx one is temporary."""
    codes = _smtp_codes(exc)
    if codes:
        return min(codes) < 500
    return bool(getattr(exc, "retryable", True))


def _loggable(exc: Exception) -> str:
    """What the application log may say of ``exc``: the texts of this app's own SMS errors, else the class and any
    SMTP codes. Other texts may carry personal data (an SMTP refusal names the address, docs/security.md)."""
    if isinstance(exc, SmsError):
        return f"{type(exc).__name__}: {exc}"[:2000]
    return " ".join([type(exc).__name__, *map(str, _smtp_codes(exc))])
