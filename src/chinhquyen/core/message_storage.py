"""Django's message storage (a cookie, the session when the cookie would be too big) keeping each message once."""

from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.fallback import FallbackStorage


class OnceStorage(FallbackStorage):
    """A message equal to one still waiting to be shown (same level and text) is not added again.

    A form sent twice (a double click, Back and send again) answers twice; the browser shows the second answer
    only, and the page it leads to would show the first answer's message with the second's. Checking reads the
    waiting messages without marking them shown.
    """

    def add(self, level: int, message: str, extra_tags: str | None = "") -> None:
        if message and Message(int(level), message, extra_tags=extra_tags) in self:
            return
        super().add(level, message, extra_tags)
