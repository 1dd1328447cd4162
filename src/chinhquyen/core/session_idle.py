"""Sessions that end after a spell without use: officials' (``OFFICIAL_SESSION_IDLE_MINUTES``) and
citizens' (``CITIZEN_SESSION_IDLE_MINUTES``), instead of Django's two weeks.

A sign-in calls :func:`session_idle_start`, which sets the session to expire that long after it is saved.
A session is saved only when it changes, so the middleware changes such a session when a request comes
more than a minute after the last one it recorded: the expiry moves on, at the cost of one write a minute
per signed-in person at most. Sessions that no sign-in started this way are left alone.
"""

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# In a session started by session_idle_start: when it was last used, to the minute.
ACTIVE_KEY = "session_active_at"
TOUCH_EVERY_SECONDS = 60


def session_idle_start(request: HttpRequest, *, minutes: int) -> None:
    """End the signed-in session after ``minutes`` without a request (call right after ``auth.login``)."""
    request.session[ACTIVE_KEY] = int(time.time())
    request.session.set_expiry(minutes * 60)


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
        return self.get_response(request)
