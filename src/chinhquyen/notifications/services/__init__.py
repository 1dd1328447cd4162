"""Services (writes) of the notifications app."""

from .create import notifications_for_event, notifications_for_petition_event
from .delivery import (
    BACKOFF_SECONDS,
    MAX_ATTEMPTS,
    notification_enqueue,
    notification_send,
    notifications_requeue,
)
from .manage import notification_language_set, notification_resend

__all__ = [
    "BACKOFF_SECONDS",
    "MAX_ATTEMPTS",
    "notification_enqueue",
    "notification_language_set",
    "notification_resend",
    "notification_send",
    "notifications_for_event",
    "notifications_for_petition_event",
    "notifications_requeue",
]
