"""The SMS partner (one client module): the backend interface, a local simulator and an HTTP gateway.

``sms_backend()`` returns the backend chosen by ``settings.SMS_BACKEND`` ("simulator", "http", a
dotted path, or "" for none); ``sms_plain`` and ``phone_normalise`` prepare text and numbers.
"""

from .base import SmsBackend, SmsError, sms_backend
from .text import SMS_MAX_LENGTH, phone_normalise, sms_plain

__all__ = ["SMS_MAX_LENGTH", "SmsBackend", "SmsError", "phone_normalise", "sms_backend", "sms_plain"]
