"""Admin of the postal app: shipments are read-only (services change them); the simulator plays the partner."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.admin_read_only import ReadOnlyMixin
from chinhquyen.core.errors import DomainError

from .client import PostalError
from .models import OrderState, PostalShipment, SimulatedPostalOrder
from .services import postal_tracking_refresh
from .simulator.orders import sim_order_advance


@admin.register(PostalShipment)
class PostalShipmentAdmin(ReadOnlyMixin, admin.ModelAdmin[PostalShipment]):
    list_display = ("item_code", "order_number", "dossier", "direction", "state", "handed_over_at", "delivered_at")
    list_filter = ("state", "direction")
    search_fields = ("item_code", "order_number", "dossier__code", "receiver_name")
    list_select_related = ("dossier",)
    actions = ("refresh_tracking",)

    @admin.action(description=_("Read the tracking state from the postal partner"))
    def refresh_tracking(self, request: HttpRequest, queryset: QuerySet[PostalShipment]) -> None:
        for shipment in queryset:
            try:
                postal_tracking_refresh(shipment=shipment, by=request.user)  # type: ignore[arg-type]
            except DomainError as exc:
                self.message_user(request, f"{shipment.item_code}: {exc.message}", messages.ERROR)


@admin.register(SimulatedPostalOrder)
class SimulatedPostalOrderAdmin(ReadOnlyMixin, admin.ModelAdmin[SimulatedPostalOrder]):
    """The local partner's orders: its actions do what the postal service's people would."""

    list_display = ("order_number", "item_code", "reference", "state", "created_at")
    list_filter = ("state",)
    search_fields = ("order_number", "item_code", "reference")
    actions = ("advance", "return_to_sender")

    def _move(self, request: HttpRequest, queryset: QuerySet[SimulatedPostalOrder], to: str) -> None:
        for order in queryset:
            try:
                sim_order_advance(order, to=to)
            except PostalError as exc:
                self.message_user(request, f"{order.order_number}: {exc.message}", messages.ERROR)

    @admin.action(description=_("Simulator: move to the next state (picked up, then delivered)"))
    def advance(self, request: HttpRequest, queryset: QuerySet[SimulatedPostalOrder]) -> None:
        self._move(request, queryset, "")

    @admin.action(description=_("Simulator: return to the sender"))
    def return_to_sender(self, request: HttpRequest, queryset: QuerySet[SimulatedPostalOrder]) -> None:
        self._move(request, queryset, OrderState.RETURNED_TO_SENDER)
