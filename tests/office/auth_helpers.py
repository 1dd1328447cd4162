"""Helpers for tests of office pages: TOTP devices, current codes and a fully signed-in client."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device_for(user) -> TOTPDevice:
    """Create a confirmed authenticator device for ``user``."""
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def totp_code(device: TOTPDevice) -> str:
    """The code the device's app shows now (a code is accepted once per 30-second step)."""
    token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{token:0{device.digits}d}"


def officer_login(client: Client, user, device: TOTPDevice | None = None) -> TOTPDevice:
    """Sign ``client`` in as ``user`` with an OTP-verified session, as the two-step login leaves it."""
    device = device or TOTPDevice.objects.filter(user=user, confirmed=True).first() or totp_device_for(user)
    client.force_login(user)
    # What django_otp.login() stores on a real request: the device that verified this session.
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def totp_next_code(device: TOTPDevice) -> str:
    """The code the device's app shows in the next 30-second step, accepted early (one step of tolerance).

    A code is accepted once: right after signing in with the current one, this is the one to give.
    """
    device.refresh_from_db()
    token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift + 1)
    return f"{token:0{device.digits}d}"
