"""Postal test data: a dossier whose result is ready (status 9) and whose applicant can receive it by post."""

import itertools
from datetime import timedelta
from typing import Any

from django.utils import timezone

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier
from chinhquyen.postal.models import Direction, OrderState, PostalShipment
from tests.factories import CitizenFactory
from tests.office.helpers import Office

# Xã Gia Viễn, Ninh Bình (2025 divisions).
COMMUNE = "14464"
RECEIVER = {
    "receiver_name": "Trần Thị Bình",
    "receiver_phone": "0912 345 678",
    "receiver_address": "Số 5, thôn Đông",
    "receiver_division_code": COMMUNE,
}
# The simulator's first order in an empty database (S10 serial 1, check digit 4).
FIRST_ITEM = "EB000000014VN"
FIRST_ORDER = "SIM00000001"


def applicant_make(**kwargs: Any) -> Any:
    return CitizenFactory(phone="0912345678", address="Số 5, thôn Đông", division_code=COMMUNE, **kwargs)


def resolved(o: Office, applicant: Any = None) -> Dossier:
    """A dossier received, processed and issued by the leader: the result waits to be returned."""
    dossier = services.dossier_create_at_counter(
        by=o.front_desk, procedure=o.procedure, applicant=applicant or applicant_make()
    )
    services.dossier_receive(by=o.front_desk, dossier=dossier)
    services.dossier_forward(by=o.specialist, dossier=dossier)
    return services.dossier_issue_result(by=o.leader, dossier=dossier)


_PICKUPS = itertools.count()


def pickup_shipment(
    dossier: Dossier,
    *,
    state: str = OrderState.CREATED,
    events: list[Any] | None = None,
    days_ago: int = 0,
    item_code: str = "",
) -> PostalShipment:
    """The post's order collecting ``dossier``'s papers from the applicant, in ``state``, made ``days_ago``."""
    k = next(_PICKUPS)
    shipment = PostalShipment.objects.create(
        dossier=dossier,
        direction=Direction.DOSSIER_PICKUP,
        order_number=f"PK{k}",
        item_code=item_code or f"EP{k:09d}VN",
        receiver_name="Trần Thị Bình",
        receiver_phone="0912345678",
        receiver_address="Số 5, thôn Đông",
        receiver_division_code="00004",
        receiver_province_code="01",
        description="Hồ sơ giấy",
        state=state,
        events=events or [],
    )
    if days_ago:
        PostalShipment.objects.filter(pk=shipment.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return shipment
