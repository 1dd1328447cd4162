"""Domain errors with a stable machine code, shared by web pages and the API."""

from typing import Any


class DomainError(Exception):
    """A refused operation: ``code`` is stable for machines, ``message`` is for people."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field
        self.params = params


class InvalidInput(DomainError):
    code = "invalid_input"


class NotAllowed(DomainError):
    code = "not_allowed"
