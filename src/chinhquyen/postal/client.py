"""The postal partner (bưu chính công ích, Decision 45/2016): the one client module for it.

:func:`postal_client` returns the backend chosen by ``settings.POSTAL_BACKEND``: ``"simulator"`` (orders
kept in this database, :mod:`chinhquyen.postal.simulator`), ``"http"`` (the partner's JSON API at
``POSTAL_URL``, :mod:`chinhquyen.postal.http`), a dotted path to a class, or ``""`` (no partner: sending
by post is refused). Nothing else in the project talks to the partner.

Every call is idempotent at the partner: creating an order twice with the same reference returns the
first order, cancelling twice leaves it cancelled; so the HTTP backend may retry them.
"""

from dataclasses import asdict, dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class PostalError(Exception):
    """The partner did not do what was asked.

    ``code`` is stable (the partner's reason, or ours for transport failures); ``field`` names the order
    field the partner objected to (``receiver_phone``, ...), if any; ``retryable`` is False when asking
    again cannot help (a refused order), True for a partner that is down or busy.
    """

    def __init__(self, message: str, *, code: str = "partner_error", field: str = "", retryable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.retryable = retryable


@dataclass(frozen=True)
class Party:
    """A sender or receiver: province and commune are codes of the 2025 divisions."""

    name: str
    phone: str
    address: str
    province_code: str
    commune_code: str = ""


# The kinds of order: deliver an item from the sender to the receiver (a result to the applicant), or
# collect one at the sender's address and bring it to the receiver (an applicant's paper dossier to the
# agency, thu gom hồ sơ). The partner's postman goes to the receiver for the first, the sender for the second.
KIND_DELIVERY = "delivery"
KIND_PICKUP = "pickup"


@dataclass(frozen=True)
class DeliveryOrder:
    """An order for one item; ``reference`` is ours (the dossier code), ``cod_amount`` is in VND."""

    reference: str
    sender: Party
    receiver: Party
    description: str
    cod_amount: int = 0
    kind: str = KIND_DELIVERY

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "reference": self.reference,
            "sender": asdict(self.sender),
            "receiver": asdict(self.receiver),
            "item": {"description": self.description, "cod_amount": self.cod_amount, "currency": "VND"},
        }


@dataclass(frozen=True)
class OrderReceipt:
    """What the partner gives back for an accepted order: its order number and the item's barcode."""

    order_number: str
    item_code: str
    state: str


@dataclass(frozen=True)
class Tracking:
    """The order's state at the partner and its events (``{"state", "at", "note"}``, oldest first)."""

    order_number: str
    item_code: str
    state: str
    events: tuple[dict[str, str], ...]


class PostalBackend(Protocol):
    def order_create(self, order: DeliveryOrder) -> OrderReceipt:
        """Place the order; raise PostalError if the partner refuses it."""
        ...

    def order_track(self, *, order_number: str) -> Tracking:
        """Read the order's state and events."""
        ...

    def order_cancel(self, *, order_number: str) -> None:
        """Cancel an order not picked up yet (cancelling a cancelled order is not an error)."""
        ...


def postal_client() -> PostalBackend:
    """The configured partner; PostalError ``postal_disabled`` when none is (``POSTAL_BACKEND`` empty)."""
    name = settings.POSTAL_BACKEND
    if not name:
        raise PostalError("No postal partner is configured (POSTAL_BACKEND is empty).", code="postal_disabled")
    if name == "simulator":
        from .simulator.backend import SimulatorBackend

        return SimulatorBackend(customer_code=settings.POSTAL_CUSTOMER_CODE)
    if name == "http":
        from .http import HttpBackend

        return HttpBackend.from_settings()
    try:
        backend: PostalBackend = import_string(name)()
    except ImportError as exc:
        raise ImproperlyConfigured(f"POSTAL_BACKEND {name!r} cannot be imported.") from exc
    return backend
