"""The simulator as a backend of :mod:`chinhquyen.postal.client`: direct calls, no HTTP."""

from dataclasses import dataclass

from ..client import DeliveryOrder, OrderReceipt, Tracking
from .orders import sim_order_cancel, sim_order_create, sim_order_get, sim_tracking


@dataclass
class SimulatorBackend:
    customer_code: str

    def order_create(self, order: DeliveryOrder) -> OrderReceipt:
        created, _new = sim_order_create(customer_code=self.customer_code, payload=order.as_json())
        return OrderReceipt(order_number=created.order_number, item_code=created.item_code, state=created.state)

    def order_track(self, *, order_number: str) -> Tracking:
        return sim_tracking(sim_order_get(customer_code=self.customer_code, order_number=order_number))

    def order_cancel(self, *, order_number: str) -> None:
        sim_order_cancel(customer_code=self.customer_code, order_number=order_number)
