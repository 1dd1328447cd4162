"""Authenticator devices for the demo officials, so the office's TOTP login can be tried at once.

Each demo official gets a confirmed TOTP device whose key is derived from the demo password and the
username: the same on every machine, never used outside the demo. ``manage.py demo_otp USER`` prints the
current code; the base32 secret can also be typed into any authenticator app.
"""

import base64
import hashlib

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from chinhquyen.directory.models import User

DEVICE_NAME = "demo"


def demo_key(*, username: str, password: str) -> bytes:
    return hashlib.sha256(f"chinhquyen-demo-totp:{password}:{username}".encode()).digest()[:20]


def demo_devices_ensure(*, usernames: list[str], password: str) -> int:
    """Give each demo official a confirmed TOTP device with the derived key (idempotent)."""
    created = 0
    for user in User.objects.filter(username__in=usernames):
        key = demo_key(username=user.username, password=password).hex()
        device, was_created = TOTPDevice.objects.get_or_create(
            user=user, name=DEVICE_NAME, defaults={"key": key, "confirmed": True}
        )
        if not was_created and device.key != key:
            device.key, device.confirmed = key, True
            device.save(update_fields=["key", "confirmed"])
        created += was_created
    return created


def demo_code(*, username: str) -> tuple[str, str]:
    """Return (current six-digit code, base32 secret) of a demo official's device."""
    device = TOTPDevice.objects.get(user__username=username, name=DEVICE_NAME)
    token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{token:0{device.digits}d}", base64.b32encode(device.bin_key).decode()
