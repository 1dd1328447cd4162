"""Reads of the postal app."""

from collections.abc import Iterable
from functools import cache

from django.conf import settings
from django.db.models import Case, QuerySet, Value, When
from vietnam_provinces import ProvinceCode, Ward

from chinhquyen.dossiers.models import PAPERS_UNNEEDED_STATUSES, Channel, Dossier, ReturnMethod

from .models import FINAL_STATES, Direction, OrderState, PostalShipment


def postal_available() -> bool:
    """A postal partner is configured (``POSTAL_BACKEND``): offer what goes by post."""
    return bool(settings.POSTAL_BACKEND)


@cache
def postal_pickup_communes(province_code: str) -> tuple[tuple[str, str], ...]:
    """The communes of a province (2025 divisions) as (5-digit code, name), by name: where to collect from."""
    wards = Ward.iter_by_province(ProvinceCode(int(province_code)))
    return tuple(sorted(((f"{w.code:05d}", w.name) for w in wards), key=lambda c: c[1]))


def postal_shipments_of(*, dossier: Dossier) -> list[PostalShipment]:
    """The dossier's shipments, both directions, newest first.

    No query for a dossier that never went by post: received at the counter and not returned by post
    (only an online application has its paper documents collected).
    """
    if dossier.return_method != ReturnMethod.POSTAL and dossier.channel == Channel.COUNTER:
        return []
    return list(PostalShipment.objects.filter(dossier=dossier).order_by("-created_at", "-pk"))


def postal_pickup_latest(*, dossier: Dossier) -> PostalShipment | None:
    """The last pickup ordered for the dossier's paper documents (none for a dossier from the counter)."""
    if dossier.channel == Channel.COUNTER:
        return None
    return postal_pickups_latest(dossier_ids=[dossier.pk]).get(dossier.pk)


def postal_pickups_latest(*, dossier_ids: Iterable[int]) -> dict[int, PostalShipment]:
    """The last pickup ordered for each of these dossiers, by dossier (none for one never collected). One query."""
    rows = PostalShipment.objects.filter(direction=Direction.DOSSIER_PICKUP, dossier_id__in=list(dossier_ids))
    latest: dict[int, PostalShipment] = {}
    for shipment in rows.order_by("dossier_id", "-created_at", "-pk"):
        latest.setdefault(shipment.dossier_id, shipment)
    return latest


def postal_pickups_query(*, agency_ids: Iterable[int]) -> QuerySet[PostalShipment]:
    """Pickups bringing paper dossiers to these receiving agencies: those on their way first, newest first.

    Ordered so in the database: a first page holds the items still on their way, however old (the ones to
    chase), before any that arrived or stopped.
    """
    final = Case(When(state__in=FINAL_STATES, then=Value(1)), default=Value(0))
    return (
        PostalShipment.objects.filter(direction=Direction.DOSSIER_PICKUP, dossier__receiving_agency_id__in=agency_ids)
        .select_related("dossier", "dossier__applicant", "dossier__procedure")
        .defer("dossier__procedure__eform_schema", "dossier__form_data")
        .order_by(final, "-created_at", "-pk")
    )


def postal_shipments_open() -> QuerySet[PostalShipment]:
    """Shipments the partner may still change, oldest tracking first."""
    return PostalShipment.objects.exclude(state__in=FINAL_STATES).order_by("tracked_at", "pk")


def postal_pickups_to_call_off(*, dossier_id: int | None = None) -> QuerySet[PostalShipment]:
    """Pickups not collected yet (as last read) of withdrawn, refused or stopped dossiers: the postman must not go.

    Only of ``dossier_id`` when given, else of every dossier, oldest first.
    """
    rows = PostalShipment.objects.filter(
        direction=Direction.DOSSIER_PICKUP, state=OrderState.CREATED, dossier__status__in=PAPERS_UNNEEDED_STATUSES
    )
    if dossier_id is not None:
        rows = rows.filter(dossier_id=dossier_id)
    return rows.order_by("created_at", "pk")
