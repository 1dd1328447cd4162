"""``manage.py postal_sim_advance``: play the postal service in the local simulator (development only).

``postal_sim_advance SIM00000001`` moves the order (by order number or item code) to its next state
(created → picked up → delivered); ``--to returned_to_sender`` brings a picked-up item back; ``--all``
moves every open order one step. Then ``postal_track`` (or the office's "Refresh tracking") reads it.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from chinhquyen.postal.client import PostalError
from chinhquyen.postal.models import OrderState, SimulatedPostalOrder
from chinhquyen.postal.simulator.orders import NEXT_STATE, sim_order_advance


class Command(BaseCommand):
    help = "Move orders of the local postal simulator to their next state (development only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("orders", nargs="*", help="Order numbers or item codes.")
        parser.add_argument("--all", action="store_true", help="Every order not yet delivered or returned.")
        parser.add_argument(
            "--to", default="", choices=["", *OrderState.values], help="The state to move to (default: the next)."
        )
        parser.add_argument("--note", default="", help="A note on the tracking event.")

    def handle(self, *args: Any, orders: list[str], all: bool, to: str, note: str, **options: Any) -> None:
        if not settings.POSTAL_SIMULATOR:
            raise CommandError("The postal simulator is off (POSTAL_SIMULATOR).")
        if all:
            found = list(SimulatedPostalOrder.objects.filter(state__in=list(NEXT_STATE)).order_by("serial"))
        elif orders:
            found = list(SimulatedPostalOrder.objects.filter(Q(order_number__in=orders) | Q(item_code__in=orders)))
            missing = set(orders) - {o.order_number for o in found} - {o.item_code for o in found}
            if missing:
                raise CommandError(f"No simulated order {', '.join(sorted(missing))}.")
        else:
            raise CommandError("Name orders or pass --all.")
        for order in found:
            try:
                sim_order_advance(order, to=to, note=note)
            except PostalError as exc:
                raise CommandError(f"{order.order_number}: {exc.message}") from exc
            self.stdout.write(f"{order.order_number} {order.item_code}: {order.state}")
