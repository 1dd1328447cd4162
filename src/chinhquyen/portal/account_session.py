"""A citizen's session on the portal: begun by either way of signing in, ended by the sign-out, both audited.

The session ends after ``CITIZEN_SESSION_IDLE_MINUTES`` without a request (``core.session_idle``), not after
Django's two weeks: a shared or public computer must not stay signed in to someone's dossiers.

A language chosen with the site's switch before signing in (its cookie) becomes the language of the applicant's
notifications, as a switch made once signed in does (``language_views``); the browser's own language does not.
"""

from typing import Any

from django.conf import settings
from django.contrib import auth
from django.http import HttpRequest

from chinhquyen.core.audit import audit_record
from chinhquyen.core.session_idle import session_idle_start
from chinhquyen.notifications.services.manage import notification_language_follow

LOCAL_ACCOUNT = "local_account"
NATIONAL_IDENTITY = "national_identity"


def citizen_session_begin(request: HttpRequest, user: Any, *, method: str) -> None:
    """Limit the signed-in session's idle time, audit the sign-in (``portal.sign_in``), and let the notifications
    follow the language chosen on the site before it."""
    session_idle_start(request, minutes=settings.CITIZEN_SESSION_IDLE_MINUTES)
    audit_record(actor=user, action="portal.sign_in", target=f"user:{user.pk}", data={"method": method})
    if chosen := request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
        notification_language_follow(user=user, language=chosen)


def citizen_session_end(request: HttpRequest) -> None:
    """Sign out, audited (``portal.sign_out``) when someone was signed in."""
    user = request.user
    if user.is_authenticated:
        audit_record(actor=user, action="portal.sign_out", target=f"user:{user.pk}", data={})
    auth.logout(request)
