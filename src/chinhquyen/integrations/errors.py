"""Refusals of the integrations app, each with a stable code."""

from chinhquyen.core.errors import DomainError


class IdempotencyConflict(DomainError):
    """The key was used before with another request (or that request has not finished)."""

    code = "idempotency_key_reused"
