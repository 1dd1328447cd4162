"""Officials' sessions end after a spell without use (``OFFICIAL_SESSION_IDLE_MINUTES``).

The sign-in sets the session to expire that long after it is saved (``flow.login_complete``). A session
is saved only when it changes, so this middleware changes an official's session when a request comes
more than a minute after the last one it recorded: the expiry moves on, at the cost of one write a minute
per official at most. Other sessions (citizens') are left alone.
"""

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .flow import ACTIVE_KEY

TOUCH_EVERY_SECONDS = 60


class OfficialSessionIdleMiddleware:
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
