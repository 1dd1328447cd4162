"""Background tasks of the postal app: each is one call into a service, safe to run twice."""

from django_tasks import task

from .models import PostalShipment
from .pickups import postal_pickups_call_off
from .services import postal_tracking_refresh, postal_tracking_refresh_open


@task()
def postal_tracking_refresh_one(shipment_id: int) -> dict[str, str]:
    """Read one shipment's state from the partner."""
    shipment = postal_tracking_refresh(shipment=PostalShipment.objects.get(pk=shipment_id))
    return {"shipment": str(shipment.pk), "state": shipment.state}


@task()
def postal_tracking_sweep() -> dict[str, int]:
    """Read the state of every shipment the partner may still change (run it every few hours)."""
    return postal_tracking_refresh_open()


@task()
def postal_dossier_pickups_call_off(dossier_id: int) -> dict[str, str]:
    """Call off the pickups a withdrawn, refused or stopped dossier leaves waiting (queued by its event hook)."""
    return {str(s.pk): s.state for s in postal_pickups_call_off(dossier_id=dossier_id)}
