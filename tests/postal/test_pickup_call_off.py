"""A pickup the postman has not made is called off when its dossier is withdrawn, refused or stopped (worker)."""

import logging

import pytest
from django_tasks_db.models import DBTaskResult

from chinhquyen.core.audit import AuditEntry
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import DossierEvent, DossierStatus, Substatus
from chinhquyen.postal.client import PostalError
from chinhquyen.postal.hooks import postal_on_dossier_event
from chinhquyen.postal.models import OrderState, PostalShipment, SimulatedPostalOrder
from chinhquyen.postal.pickups import postal_pickup_call_off, postal_pickup_cancel
from chinhquyen.postal.services import postal_tracking_refresh_open
from chinhquyen.postal.simulator.backend import SimulatorBackend
from tests.dossiers.outbox import committed, tasks_run

from .helpers import FIRST_ITEM, FIRST_ORDER
from .test_pickups import advance, at_of, ordered, submitted

pytestmark = pytest.mark.django_db

TASK = "chinhquyen.postal.tasks.postal_dossier_pickups_call_off"


@pytest.fixture
def cancels(monkeypatch):
    """The order numbers the partner is asked to cancel, in order (the simulator still cancels them)."""
    asked: list[str] = []
    cancel = SimulatorBackend.order_cancel

    def spy(self, *, order_number):
        asked.append(order_number)
        return cancel(self, order_number=order_number)

    monkeypatch.setattr(SimulatorBackend, "order_cancel", spy)
    return asked


def _close(office, dossier, how: str):
    """Withdraw, refuse or stop the dossier; the worker then runs the event hooks (the queued call-off is not run)."""
    if how == "stopped":  # received on the scans sent online, then stopped by the agency's leader (form 05)
        services.dossier_receive(by=office.front_desk, dossier=dossier)
        with committed():
            return services.dossier_stop(by=office.leader, dossier=dossier, reason="Hồ sơ giả mạo")
    with committed():
        if how == "withdrawn_by_applicant":
            return services.dossier_withdraw(by=dossier.applicant.user, dossier=dossier, reason="Không cần nữa")
        if how == "withdrawn_at_the_front_desk":
            return services.dossier_withdraw(by=office.front_desk, dossier=dossier, reason="Công dân yêu cầu")
        return services.dossier_refuse(by=office.front_desk, dossier=dossier, reasons=["Không thuộc thẩm quyền"])


def _call_offs() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="postal.pickup_call_off"))


@pytest.mark.parametrize(
    ("how", "status"),
    [
        pytest.param("withdrawn_by_applicant", DossierStatus.WITHDRAWN, id="withdrawn-by-applicant"),
        pytest.param("withdrawn_at_the_front_desk", DossierStatus.WITHDRAWN, id="withdrawn-at-front-desk"),
        pytest.param("refused", DossierStatus.REFUSED, id="refused-at-reception"),
        pytest.param("stopped", DossierStatus.STOPPED, id="stopped-by-the-leader"),
    ],
)
def test_a_pending_pickup_is_cancelled_at_the_partner_when_the_dossier_closes(office, cancels, how, status):
    dossier, shipment = ordered(office)

    closed = _close(office, dossier, how)
    ran = tasks_run(task_path=TASK)

    assert closed.status == status
    assert ran == [(TASK, {str(shipment.pk): "cancelled"})]
    # The dossier's timeline says it, by nobody, and no pickup is awaited any more; the status stays.
    dossier.refresh_from_db()
    row = DossierEvent.objects.filter(dossier=dossier).latest("pk")
    assert (row.action, row.actor_id, row.from_status, row.to_status, row.data) == (
        "postal_pickup_called_off",
        None,
        status,
        status,
        {"order_number": FIRST_ORDER, "item_code": FIRST_ITEM},
    )
    assert (dossier.status, dossier.substatus) == (status, Substatus.NONE)
    audited = AuditEntry.objects.filter(action="dossier.postal_pickup_called_off", target=f"dossier:{dossier.pk}")
    assert audited.count() == 1
    assert cancels == [FIRST_ORDER]
    assert SimulatedPostalOrder.objects.get(order_number=FIRST_ORDER).state == OrderState.CANCELLED
    shipment.refresh_from_db()
    assert (shipment.state, shipment.handed_over_at) == (OrderState.CANCELLED, None)
    [entry] = _call_offs()
    assert (entry.actor, entry.target, entry.data) == (
        None,
        f"postal_shipment:{shipment.pk}",
        {
            "dossier": dossier.pk,
            "dossier_status": status,
            "from": OrderState.CREATED,
            "order_number": FIRST_ORDER,
            "item_code": FIRST_ITEM,
        },
    )


def test_after_the_collection_the_order_is_kept_and_its_state_read_from_the_tracking(office, cancels, caplog):
    dossier, shipment = ordered(office)
    collected = advance()  # the postman has the documents; our record has not read it yet

    _close(office, dossier, "withdrawn_by_applicant")
    with caplog.at_level(logging.INFO, logger="chinhquyen.postal.pickups"):
        ran = tasks_run(task_path=TASK)

    assert ran == [(TASK, {str(shipment.pk): "picked_up"})]
    assert cancels == [FIRST_ORDER]  # asked once, refused: not_cancellable
    assert SimulatedPostalOrder.objects.get(order_number=FIRST_ORDER).state == OrderState.PICKED_UP
    shipment.refresh_from_db()
    assert (shipment.state, shipment.handed_over_at) == (OrderState.PICKED_UP, at_of(collected, OrderState.PICKED_UP))
    assert _call_offs() == []
    assert not DossierEvent.objects.filter(action="postal_pickup_called_off").exists()
    tracking = AuditEntry.objects.get(action="postal.tracking", target=f"postal_shipment:{shipment.pk}")
    assert (tracking.data["from"], tracking.data["to"]) == (OrderState.CREATED, OrderState.PICKED_UP)
    assert [r.getMessage() for r in caplog.records if r.name == "chinhquyen.postal.pickups"] == [
        f"Pickup {FIRST_ORDER} (item {FIRST_ITEM}) of dossier {dossier.pk}, closed, was not called off:"
        " the postman had collected the documents, which go on to the agency."
    ]
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WITHDRAWN


def test_a_withdrawal_without_a_pickup_queues_nothing(office, cancels):
    dossier = submitted(office)

    _close(office, dossier, "withdrawn_by_applicant")

    assert DBTaskResult.objects.filter(task_path=TASK).count() == 0
    assert (cancels, _call_offs(), PostalShipment.objects.count()) == ([], [], 0)


def test_a_pickup_called_off_by_the_applicant_before_is_left_alone(office, cancels):
    dossier, _shipment = ordered(office)
    postal_pickup_cancel(by=dossier.applicant.user, dossier=dossier)

    _close(office, dossier, "withdrawn_by_applicant")

    assert DBTaskResult.objects.filter(task_path=TASK).count() == 0
    assert (cancels, _call_offs()) == ([FIRST_ORDER], [])  # the applicant's own cancel only


def test_the_hook_run_twice_cancels_once(office, cancels, django_capture_on_commit_callbacks):
    dossier, shipment = ordered(office)
    withdrawn = services.dossier_withdraw(by=dossier.applicant.user, dossier=dossier, reason="Không cần nữa")
    event = withdrawn.events.get(action="withdraw")

    with django_capture_on_commit_callbacks(execute=True):
        for _run in range(2):
            postal_on_dossier_event(
                dossier_id=dossier.pk, event_id=event.pk, action="withdraw", to_status=7, internal=False
            )
    ran = tasks_run(task_path=TASK)

    assert ran == [(TASK, {str(shipment.pk): "cancelled"}), (TASK, {})]
    assert cancels == [FIRST_ORDER]
    assert len(_call_offs()) == 1
    assert [e["state"] for e in SimulatedPostalOrder.objects.get(order_number=FIRST_ORDER).events] == [
        OrderState.CREATED,
        OrderState.CANCELLED,
    ]


def test_an_unreachable_partner_leaves_the_pickup_for_the_periodic_tracking(office, monkeypatch, caplog):
    dossier, shipment = ordered(office)
    cancel = SimulatorBackend.order_cancel

    def down(self, *, order_number):
        raise PostalError(
            "The postal partner did not answer (ConnectTimeout).", code="partner_unreachable", retryable=True
        )

    monkeypatch.setattr(SimulatorBackend, "order_cancel", down)
    _close(office, dossier, "withdrawn_by_applicant")
    with caplog.at_level(logging.WARNING, logger="chinhquyen.postal.pickups"):
        ran = tasks_run(task_path=TASK)
    shipment.refresh_from_db()
    waiting = (shipment.state, SimulatedPostalOrder.objects.get(order_number=FIRST_ORDER).state)
    monkeypatch.setattr(SimulatorBackend, "order_cancel", cancel)  # the partner is back
    counts = postal_tracking_refresh_open()

    assert ran == [(TASK, {})]
    assert waiting == (OrderState.CREATED, OrderState.CREATED)
    assert [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "chinhquyen.postal.pickups"] == [
        (
            "WARNING",
            f"Pickup {FIRST_ORDER} (item {FIRST_ITEM}) of dossier {dossier.pk}, closed, could not be"
            " called off now; postal_track tries again.",
        )
    ]
    assert counts == {"refreshed": 1, "changed": 1, "failed": 0}
    shipment.refresh_from_db()
    assert shipment.state == OrderState.CANCELLED
    assert SimulatedPostalOrder.objects.get(order_number=FIRST_ORDER).state == OrderState.CANCELLED
    assert len(_call_offs()) == 1


def test_the_pickup_of_an_open_dossier_is_never_called_off(office, cancels):
    _dossier, shipment = ordered(office)

    kept = postal_pickup_call_off(shipment=shipment)

    assert (kept.state, cancels, _call_offs()) == (OrderState.CREATED, [], [])
    assert SimulatedPostalOrder.objects.get(order_number=FIRST_ORDER).state == OrderState.CREATED
