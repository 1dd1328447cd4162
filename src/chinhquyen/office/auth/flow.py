"""The sign-in state between the password step and the code step, and its completion.

Until the code is verified the session holds only a "pending" record (user id, backend, time, next
URL, and for a first sign-in the authenticator device being enrolled): the user is not logged in, so
no page treats a password alone as a sign-in.
"""

import time
from base64 import b32encode
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import segno
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from chinhquyen.core.audit import audit_record
from chinhquyen.core.session_idle import session_idle_start
from chinhquyen.directory.models import Role
from chinhquyen.directory.selectors import totp_confirmed, user_roles

from ..permissions import reads_dossiers
from . import throttle
from .access import is_verified

PENDING_KEY = "office_auth_pending"
PENDING_MAX_AGE_SECONDS = 5 * 60
OFFICE_HOME = "/office/"


def is_official(user: Any) -> bool:
    # Staff accounts (the admin's users) count as officials too: they must pass the same second factor.
    # Roles count only in force (user_roles): a role in an inactive agency signs no one in.
    return bool(user.is_active and (user.is_staff or user_roles(user=user).exists()))


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """Return ``candidate`` if it stays on this site, else the office home page; for an official signed in
    already (sent on at once), the first page they may open instead of a home they may not (:func:`landing`)."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = candidate
    else:
        next_url = default_next()
    return landing(user=request.user, next_url=next_url) if is_verified(request.user) else next_url


def default_next() -> str:
    # The office home page is built separately; until it exists, land on the account page.
    try:
        resolve(OFFICE_HOME)
    except Resolver404:
        return reverse("office:auth:account")
    return OFFICE_HOME


def confirmed_device_exists(*, user: Any) -> bool:
    """Whether the official has set up their authenticator app (the second step asks a code, else enrols one)."""
    return totp_confirmed(user=user)


def landing(*, user: Any, next_url: str) -> str:
    """Where ``user`` goes after signing in: ``next_url``, unless it is the office home (the default, and where
    a sign-in started at /office/ returns) and they may not open it; then the first page they may open.

    The inbox is for the office's roles (``permissions.ANY_OFFICER``); a province administrator, who holds
    none of them, administers the province in the admin; any other official has the account page.
    """
    if next_url != OFFICE_HOME or reads_dossiers(user):
        return next_url
    if user.is_superuser or user_roles(user=user).filter(role=Role.PROVINCE_ADMIN).exists():
        return reverse("admin:index")
    return reverse("office:auth:account")


def pending_start(request: HttpRequest, *, user: Any, next_url: str) -> None:
    """Record the password step; ``next_url`` becomes the page the official may open (:func:`landing`)."""
    # A new session key at the password step, not only at the code step: a session planted in the official's
    # browser beforehand must not see the enrolment key nor finish the sign-in (session fixation).
    request.session.cycle_key()
    # A new record: a device an earlier attempt was enrolling is not this one's (see enrolment_device).
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "since": int(time.time()),
        "next": landing(user=user, next_url=next_url),
    }


@dataclass(frozen=True)
class Pending:
    """An official who gave the right password and has yet to give a code."""

    user: Any
    backend: str
    next_url: str
    enrolment_device_id: int | None = None


def pending_get(request: HttpRequest) -> Pending | None:
    """Return the pending sign-in, or None if there is none, it has expired or the user lost their roles."""
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["since"] > PENDING_MAX_AGE_SECONDS:
        return None
    user = get_user_model()._default_manager.filter(pk=pending["user"]).first()
    if user is None or not is_official(user):
        return None
    return Pending(
        user=user, backend=pending["backend"], next_url=pending["next"], enrolment_device_id=pending.get("device")
    )


def pending_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def code_verify(*, user: Any, code: str) -> TOTPDevice | None:
    """Return the confirmed device that accepts ``code``; the row lock keeps django-otp's throttle exact."""
    with transaction.atomic():
        for device in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
            if device.verify_token(code):
                return device
    return None


def code_throttled(*, user: Any) -> bool:
    """True while django-otp's per-device back-off (after a wrong code) refuses every code."""
    devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    return bool(devices) and not any(device.verify_is_allowed()[0] for device in devices)


CODE_LOCKED, CODE_THROTTLED, CODE_WRONG = "locked", "throttled", "wrong"


def code_check(*, user: Any, code: str) -> TOTPDevice | str:
    """A current code of ``user``'s authenticator, checked as at sign-in: the device accepting it, else why not.

    In order: the username's lockout (:data:`CODE_LOCKED`), django-otp's back-off after a wrong code
    (:data:`CODE_THROTTLED`), the code itself (:data:`CODE_WRONG`; it counts towards the lockout).
    """
    username = user.get_username()
    if throttle.login_locked(username=username):
        return CODE_LOCKED
    if code_throttled(user=user):
        return CODE_THROTTLED
    device = code_verify(user=user, code=code)
    if device is None:
        throttle.login_failed(username=username)
        return CODE_WRONG
    return device


def code_refusal_message(refusal: str) -> str:
    """What to tell the official whose code :func:`code_check` refused as throttled or wrong."""
    if refusal == CODE_THROTTLED:
        return _("Wait a few seconds before entering a new code.")
    return _("The code is not correct. Enter the code your authenticator app shows now.")


def enrolment_device(request: HttpRequest, *, pending: Pending) -> TOTPDevice:
    """Return the unconfirmed device of this sign-in attempt, creating it at its first request.

    Reloading the page keeps the same secret; another password step (another browser, or someone else
    who has the password) gets a secret of its own, so none can copy the key the official scans.
    Unconfirmed devices older than any pending sign-in are removed.
    """
    user = pending.user
    if pending.enrolment_device_id is not None:
        device = TOTPDevice.objects.filter(pk=pending.enrolment_device_id, user=user, confirmed=False).first()
        if device is not None:
            return device
    stale = timezone.now() - timedelta(seconds=PENDING_MAX_AGE_SECONDS)
    TOTPDevice.objects.filter(user=user, confirmed=False, created_at__lt=stale).delete()
    device = TOTPDevice.objects.create(user=user, name="office", confirmed=False)
    request.session[PENDING_KEY] = {**request.session[PENDING_KEY], "device": device.pk}
    return device


def enrolment_confirm(*, user: Any, device: TOTPDevice, code: str) -> bool:
    if not device.verify_token(code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # Keys shown to other sign-in attempts are never confirmed now.
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    audit_record(actor=user, action="otp.enrol", target=f"user:{user.pk}", data={"device": device.persistent_id})
    return True


def enrolment_qr(device: TOTPDevice) -> str:
    """The otpauth:// URI as an SVG data: URI (no external resource, allowed by the CSP's img-src)."""
    return str(segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2))


def enrolment_secret(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four for typing it into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def login_complete(request: HttpRequest, *, pending: Pending, device: TOTPDevice) -> None:
    """Log the official in, mark the session as verified by ``device`` and audit the sign-in.

    The session ends after ``OFFICIAL_SESSION_IDLE_MINUTES`` without a request, not when the browser
    closes or after Django's two weeks: an unattended counter must not stay signed in.
    """
    user = pending.user
    auth.login(request, user, backend=pending.backend)
    otp_login(request, device)
    pending_clear(request)
    session_idle_start(request, minutes=settings.OFFICIAL_SESSION_IDLE_MINUTES)
    throttle.login_succeeded(username=user.get_username())
    audit_record(actor=user, action="office.sign_in", target=f"user:{user.pk}", data={"device": device.persistent_id})


def logout(request: HttpRequest) -> None:
    """Sign the official out, audited when someone was signed in."""
    user = request.user
    if user.is_authenticated:
        audit_record(actor=user, action="office.sign_out", target=f"user:{user.pk}", data={})
    auth.logout(request)
