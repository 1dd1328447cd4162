"""Tracking takes the dossier's lock before the audit chain's head, as every transition does: never the reverse."""

import threading

import pytest
from django.db import connection, connections, transaction

from chinhquyen.core.models import AuditEntry
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier, DossierStatus
from chinhquyen.postal.models import OrderState, PostalShipment, SimulatedPostalOrder
from chinhquyen.postal.pickups import postal_pickup_cancel
from chinhquyen.postal.services import postal_result_send, postal_tracking_refresh
from chinhquyen.postal.simulator.orders import sim_order_advance
from tests.locks import backend_pid, waiting_on_a_lock
from tests.office.helpers import office_make

from .helpers import RECEIVER, resolved
from .test_pickups import advance, ordered

pytestmark = pytest.mark.django_db


def _actions_after(sequence: int) -> list[str]:
    return list(AuditEntry.objects.filter(sequence__gt=sequence).order_by("sequence").values_list("action", flat=True))


def _last_sequence() -> int:
    return AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0


def test_a_pickup_delivered_to_the_agency_is_audited_after_the_dossiers_entry(office):
    dossier, shipment = ordered(office)
    advance()  # collected
    shipment = postal_tracking_refresh(shipment=shipment)
    advance()  # delivered to the agency
    mark = _last_sequence()

    postal_tracking_refresh(shipment=shipment)

    assert _actions_after(mark) == ["dossier.postal_pickup_arrived", "postal.tracking"]


@pytest.mark.parametrize(
    ("to", "by_front_desk", "dossier_action"),
    [
        ("", False, "dossier.postal_delivered"),
        ("returned_to_sender", True, "dossier.postal_returned_to_sender"),
    ],
    ids=["delivered", "returned-to-sender"],
)
def test_a_result_delivery_is_audited_after_the_dossiers_entry(office, to, by_front_desk, dossier_action):
    dossier = resolved(office)
    shipment = postal_result_send(by=office.front_desk, dossier=dossier, **RECEIVER)
    order = SimulatedPostalOrder.objects.get()
    sim_order_advance(order)
    shipment = postal_tracking_refresh(shipment=shipment)
    sim_order_advance(order, to=to)
    mark = _last_sequence()

    postal_tracking_refresh(shipment=shipment, by=office.front_desk if by_front_desk else None)

    assert _actions_after(mark) == [dossier_action, "postal.tracking"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_tracking_and_a_transition_of_the_same_dossier_do_not_deadlock():
    office = office_make(prefix="p")
    dossier, shipment = ordered(office)
    advance()  # collected
    advance()  # delivered to the agency
    dossier_locked, tracking_started, tracking_waits = threading.Event(), threading.Event(), threading.Event()
    tracking_pid: list[int] = []
    errors: list[tuple[str, BaseException]] = []

    def front_desk() -> None:
        try:
            with transaction.atomic():
                # A transition under way: the dossier is locked first (as dossier_lock does) ...
                Dossier.objects.select_for_update().get(pk=dossier.pk)
                dossier_locked.set()
                tracking_waits.wait()  # ... the tracking task now waits on a lock of ours ...
                services.dossier_receive(by=office.front_desk, dossier=dossier)  # ... and the audit entry last
        except BaseException as exc:  # reported by the main thread
            errors.append(("front desk", exc))
        finally:
            connections.close_all()

    def tracking() -> None:
        try:
            dossier_locked.wait()
            tracking_pid.append(backend_pid())
            tracking_started.set()
            postal_tracking_refresh(shipment=shipment)
        except BaseException as exc:  # reported by the main thread
            errors.append(("tracking", exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=front_desk), threading.Thread(target=tracking)]
    for thread in threads:
        thread.start()
    tracking_started.wait()
    # Let the front desk go on only once the tracking blocks: on the dossier's lock, as it should, or, before
    # the fix, on it while holding the chain head that the front desk's audit entry then waits for.
    while not waiting_on_a_lock(tracking_pid[0]) and threads[1].is_alive():
        threading.Event().wait(0.01)
    tracking_waits.set()
    for thread in threads:
        thread.join()

    assert errors == []
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert list(AuditEntry.objects.filter(action="postal.tracking").values_list("data__to", flat=True)) == ["delivered"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_calling_off_a_pickup_while_its_tracking_runs_does_not_deadlock():
    """Calling off takes the shipment before the dossier, as tracking does (shipment, dossier, audit head)."""
    office = office_make(prefix="p")
    dossier, shipment = ordered(office)
    shipment_locked, cancel_started, cancel_waits = threading.Event(), threading.Event(), threading.Event()
    cancel_pid: list[int] = []
    errors: list[tuple[str, BaseException]] = []

    def tracking() -> None:
        try:
            with transaction.atomic():
                PostalShipment.objects.select_for_update().get(pk=shipment.pk)  # tracking holds the shipment ...
                shipment_locked.set()
                cancel_waits.wait()  # ... the applicant's call-off now waits on a lock of ours ...
                Dossier.objects.select_for_update().get(pk=dossier.pk)  # ... and tracking takes the dossier next
        except BaseException as exc:  # reported by the main thread
            errors.append(("tracking", exc))
        finally:
            connections.close_all()

    def call_off() -> None:
        try:
            shipment_locked.wait()
            cancel_pid.append(backend_pid())
            cancel_started.set()
            postal_pickup_cancel(by=dossier.applicant.user, dossier=dossier)
        except BaseException as exc:  # reported by the main thread
            errors.append(("call-off", exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tracking), threading.Thread(target=call_off)]
    for thread in threads:
        thread.start()
    cancel_started.wait()
    while not waiting_on_a_lock(cancel_pid[0]) and threads[1].is_alive():
        threading.Event().wait(0.01)
    cancel_waits.set()
    for thread in threads:
        thread.join()

    assert errors == []
    shipment.refresh_from_db()
    assert shipment.state == OrderState.CANCELLED
