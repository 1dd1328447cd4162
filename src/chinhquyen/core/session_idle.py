"""Sessions that end after a spell without use: officials' (``OFFICIAL_SESSION_IDLE_MINUTES``) and
citizens' (``CITIZEN_SESSION_IDLE_MINUTES``), instead of Django's two weeks.

A sign-in calls :func:`session_idle_start`, which sets the session to expire that long after it is saved.
A session is saved only when it changes, so the middleware changes such a session when a request comes
more than a minute after the last one it recorded: the expiry moves on, at the cost of one write a minute
per signed-in person at most. Sessions that no sign-in started this way are left alone.

Pages warn before the end (cảnh báo sắp hết phiên): :func:`session_idle_context` tells the page how long
is left, ``portal/session.js`` shows the warning and :func:`keep_alive` is its "stay signed in" button.
Requests that load no page (htmx) move the end on too: every response says how long is left in the
``X-Session-Ends-In`` header, from which the page's countdown starts again.
"""

import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .access import access

# In a session started by session_idle_start: when it was last used, to the minute.
ACTIVE_KEY = "session_active_at"
TOUCH_EVERY_SECONDS = 60
# The warning shows this long before the end, or a quarter of the limit when that is shorter.
WARNING_SECONDS = 5 * 60
# On every response to a session started by session_idle_start: the seconds it has left unless used again.
ENDS_IN_HEADER = "X-Session-Ends-In"


def session_idle_start(request: HttpRequest, *, minutes: int) -> None:
    """End the signed-in session after ``minutes`` without a request (call right after ``auth.login``)."""
    request.session[ACTIVE_KEY] = int(time.time())
    request.session.set_expiry(minutes * 60)


def session_idle_remaining(request: HttpRequest) -> int | None:
    """Seconds until a session started by :func:`session_idle_start` ends unless used; None for others.

    Counted from the last recorded use, not the last save: a save for another reason moves the end later,
    never earlier, so the page may warn a little early but never late.
    """
    session = getattr(request, "session", None)
    if session is None or session.session_key is None or not request.user.is_authenticated:
        return None
    return _seconds_left(session)


def _seconds_left(session: Any) -> int | None:
    active_at = session.get(ACTIVE_KEY)
    if active_at is None:
        return None
    return max(0, active_at + session.get_expiry_age() - int(time.time()))


def session_idle_context(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: ``session_idle`` with the seconds left and when to warn."""
    remaining = session_idle_remaining(request)
    if remaining is None:
        return {}
    limit = request.session.get_expiry_age()
    return {"session_idle": {"seconds": remaining, "warn_seconds": min(WARNING_SECONDS, limit // 4)}}


@access(description="Any signed-in person keeps their own session going (the timeout warning's button)")
@never_cache
@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """Record a use of the session now, so that its end moves on; answer the seconds now left."""
    if ACTIVE_KEY in request.session:
        request.session[ACTIVE_KEY] = int(time.time())
    return JsonResponse({"seconds": session_idle_remaining(request)})


class SessionIdleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.session_key is not None:
            active_at = session.get(ACTIVE_KEY)
            now = int(time.time())
            if active_at is not None and now - active_at >= TOUCH_EVERY_SECONDS:
                session[ACTIVE_KEY] = now
        response = self.get_response(request)
        session = getattr(request, "session", None)  # the view may have signed in or out
        if session is not None and session.session_key is not None and not response.has_header(ENDS_IN_HEADER):
            # An htmx request moves the end on without loading a page: the page's countdown hears it from here.
            # Only sign-ins started by session_idle_start, and a sign-out flushes them: no user to load.
            seconds = _seconds_left(session)
            if seconds is not None:
                response[ENDS_IN_HEADER] = str(seconds)
        return response
