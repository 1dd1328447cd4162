"""The SMS gateway interface and the choice of backend (setting ``SMS_BACKEND``)."""

from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The gateway did not take the message; ``retryable`` is False when sending again cannot help."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class SmsBackend(Protocol):
    def send(self, *, phone: str, message: str, ref: str) -> str:
        """Hand one message to the gateway and return its reference; raise SmsError if it is refused.

        ``ref`` is ours and the same on every attempt of one send, so a gateway that deduplicates can do so; an
        administrator's resend is a new send, with a new ``ref``.
        """
        ...


def sms_backend() -> SmsBackend | None:
    """The configured gateway, or None when SMS is switched off (``SMS_BACKEND`` empty)."""
    name = settings.SMS_BACKEND
    if not name:
        return None
    if name == "simulator":
        from .simulator import SimulatorBackend

        return SimulatorBackend()
    if name == "http":
        from .http import HttpBackend

        return HttpBackend.from_settings()
    try:
        backend: SmsBackend = import_string(name)()
    except ImportError as exc:
        raise ImproperlyConfigured(f"SMS_BACKEND {name!r} cannot be imported.") from exc
    return backend
