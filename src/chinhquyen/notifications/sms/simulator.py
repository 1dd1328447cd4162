"""A local SMS gateway: messages are stored, never sent, and listed at /sms-sim/ in development.

Numbers ending in 0000 fail, so retries can be tried by hand and in tests.
"""

from django.conf import settings

from ..models import SimulatedSms
from .base import SmsError

FAILING_SUFFIX = "0000"


class SimulatorBackend:
    def send(self, *, phone: str, message: str, ref: str = "") -> str:
        return simulated_sms_store(phone=phone, message=message, brandname=settings.SMS_BRANDNAME)


def simulated_sms_store(*, phone: str, message: str, brandname: str) -> str:
    """Store one simulated message and return its reference (``sim-<id>``)."""
    if phone.endswith(FAILING_SUFFIX):
        raise SmsError(f"Simulated gateway failure for numbers ending in {FAILING_SUFFIX}.")
    sms = SimulatedSms.objects.create(phone=phone, message=message, brandname=brandname)
    return f"sim-{sms.pk}"
