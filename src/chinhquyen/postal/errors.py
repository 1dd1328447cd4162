"""Refusals of the postal domain, each with a stable code."""

from chinhquyen.core.errors import DomainError


class PostalRefused(DomainError):
    """The postal partner refused the order (the same order would be refused again)."""

    code = "postal_refused"


class PostalUnavailable(DomainError):
    """No postal partner is configured, or it cannot be reached now (trying later may work)."""

    code = "postal_unavailable"


class PostalSenderIncomplete(DomainError):
    """The directory lacks what the partner needs of the agency's side of an order (its phone, address, commune)."""

    code = "postal_sender_incomplete"
