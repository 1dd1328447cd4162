"""Reads of the postal app."""

from django.db.models import QuerySet

from chinhquyen.dossiers.models import Dossier, ReturnMethod

from .models import FINAL_STATES, PostalShipment


def postal_shipments_of(*, dossier: Dossier) -> list[PostalShipment]:
    """The dossier's shipments, newest first (no query for a dossier that never went by post)."""
    if dossier.return_method != ReturnMethod.POSTAL:
        return []
    return list(PostalShipment.objects.filter(dossier=dossier).order_by("-created_at", "-pk"))


def postal_shipments_open() -> QuerySet[PostalShipment]:
    """Shipments the partner may still change, oldest tracking first."""
    return PostalShipment.objects.exclude(state__in=FINAL_STATES).order_by("tracked_at", "pk")
