"""Text messages for one-time codes: a small backend interface, chosen by ``IDENTITY_SMS_BACKEND``.

The console backend (development) writes the message to the log; the memory backend (tests) keeps
it in ``outbox``. A province plugs its SMS gateway in with a class of the same shape.
"""

import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str


class SMSBackend(Protocol):
    def send(self, message: TextMessage) -> None: ...


class ConsoleSMSBackend:
    """Development only: the message goes to the log, where the developer reads the code."""

    def send(self, message: TextMessage) -> None:
        logger.warning("SMS to %s: %s", message.to, message.body)


outbox: list[TextMessage] = []


class MemorySMSBackend:
    """Tests: messages are appended to ``chinhquyen.identity.sms.outbox``."""

    def send(self, message: TextMessage) -> None:
        outbox.append(message)


def sms_available() -> bool:
    return bool(settings.IDENTITY_SMS_BACKEND)


def sms_send(message: TextMessage) -> None:
    backend: SMSBackend = import_string(settings.IDENTITY_SMS_BACKEND)()
    backend.send(message)
