"""Forms 01, 06 and 07 after a postal order cancelled or a parcel brought back, and after a catalog update.

A result whose postal order was cancelled, or that the post office brought back, was never handed over: the
control slip (06) keeps no hand-over to the applicant for it and the register (07) prints no return. A receipt
(01) or a register printed later gives the procedure as the dossier was received under it.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from chinhquyen.dossiers.documents import register_data_for, slip_data_for
from chinhquyen.dossiers.documents.data import POSTAL_PARTNER, RETURN_RECEIVER, person_name
from chinhquyen.dossiers.models import Dossier, DossierStatus, Substatus
from chinhquyen.dossiers.services import (
    dossier_approve,
    dossier_forward,
    dossier_issue_result,
    dossier_refuse,
    dossier_result_awaiting_delivery,
    dossier_result_delivery_record,
    dossier_return,
    dossier_stop,
)
from chinhquyen.dossiers.services.processing import dossier_result_post_cancelled_record, dossier_return_by_post
from chinhquyen.postal.models import SimulatedPostalOrder
from chinhquyen.postal.services import postal_result_send, postal_tracking_refresh
from chinhquyen.postal.simulator.orders import sim_order_advance
from tests.dossiers.factories import World, vn
from tests.office.helpers import office_make
from tests.postal.helpers import RECEIVER, resolved

pytestmark = pytest.mark.django_db

POSTAL = "Qua dịch vụ bưu chính"
COUNTER = "Trực tiếp"


def _issued(world: World) -> Dossier:
    """Received 2 March 08:00, forwarded 3 March, approved 5 March, the result issued 5 March 14:00."""
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 3, 9, 0))
    dossier = dossier_approve(by=world.leader, dossier=dossier, at=vn(2026, 3, 5, 10, 0))
    return dossier_issue_result(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 5, 14, 0), text="Kết quả")


def _sent(world: World, dossier: Dossier) -> Dossier:
    """Handed to the postal partner on 6 March 08:00."""
    dossier = dossier_return_by_post(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 6, 8, 0))
    dossier_result_awaiting_delivery(dossier=dossier)
    return dossier


def _cancelled(world: World) -> Dossier:
    """Sent by post on 6 March; the partner cancelled the order on 6 March 15:00 (the parcel never left)."""
    dossier = _sent(world, _issued(world))
    assert dossier_result_post_cancelled_record(dossier=dossier.pk, at=vn(2026, 3, 6, 15, 0)) is not None
    return Dossier.objects.get(pk=dossier.pk)


def _brought_back(world: World) -> Dossier:
    """Sent by post on 6 March; the post office brought it back on 9 March (no one to receive it)."""
    dossier = _sent(world, _issued(world))
    assert dossier_result_delivery_record(dossier=dossier.pk, delivered=False, at=vn(2026, 3, 9, 8, 0)) is not None
    return Dossier.objects.get(pk=dossier.pk)


def _returns(dossier: Dossier) -> list[tuple[str, str, object, str]]:
    rows = slip_data_for(dossier=dossier, kind="06")["handoffs"]
    return [(r["from_person"], r["to_person"], r["at"], r["note"]) for r in rows if r["to_unit"] == RETURN_RECEIVER]


def _register_row(world: World, dossier: Dossier) -> dict:
    day = date(2026, 3, 2)
    return register_data_for(agency=world.agency, dossiers=[dossier], date_from=day, date_to=day)["rows"][0]


# --- Bug 1: form 06 and a return undone by the postal partner ----------------------------------------


@pytest.mark.parametrize("undo", [_cancelled, _brought_back], ids=["order-cancelled", "brought-back"])
def test_control_slip_06_has_no_hand_over_to_the_applicant_for_a_return_undone_by_the_post(undo):
    world = World(days=5)
    dossier = undo(world)

    data = slip_data_for(dossier=dossier, kind="06")

    assert _returns(dossier) == []
    # The result went to the post, which gave it back (the last two rows); before them, the front desk still
    # received the file from the leader: its officer is who acted on it.
    handed, back = data["handoffs"][-2:]
    assert (handed["to_unit"], back["from_unit"]) == (POSTAL_PARTNER, POSTAL_PARTNER)
    last = data["handoffs"][-3]
    assert (last["from_person"], last["to_person"], last["at"]) == (
        person_name(world.leader),
        person_name(world.front_desk),
        vn(2026, 3, 5, 10, 0),
    )


@pytest.mark.parametrize("undo", [_cancelled, _brought_back], ids=["order-cancelled", "brought-back"])
def test_control_slip_06_has_one_hand_over_once_the_result_is_handed_over_anew(undo):
    world = World(days=5)
    dossier = undo(world)

    dossier = dossier_return(by=world.front_desk, dossier=dossier, method="counter", at=vn(2026, 3, 10, 9, 30))

    assert _returns(dossier) == [
        (person_name(world.front_desk), "Trần Thị Bình", vn(2026, 3, 10, 9, 30), COUNTER),
    ]


def test_control_slip_06_keeps_the_postal_hand_over_awaiting_or_delivered():
    world = World(days=5)
    dossier = _sent(world, _issued(world))
    expected = [(person_name(world.front_desk), "Trần Thị Bình", vn(2026, 3, 6, 8, 0), POSTAL)]
    assert _returns(Dossier.objects.get(pk=dossier.pk)) == expected

    dossier_result_delivery_record(dossier=dossier.pk, delivered=True, at=vn(2026, 3, 7, 8, 0))

    assert _returns(Dossier.objects.get(pk=dossier.pk)) == expected


def test_control_slip_06_keeps_only_the_second_postal_hand_over_after_a_cancelled_order():
    world = World(days=5)
    dossier = _cancelled(world)
    dossier = dossier_return_by_post(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 10, 8, 0))
    dossier_result_awaiting_delivery(dossier=dossier)
    dossier_result_delivery_record(dossier=dossier.pk, delivered=True, at=vn(2026, 3, 11, 8, 0))

    assert _returns(Dossier.objects.get(pk=dossier.pk)) == [
        (person_name(world.front_desk), "Trần Thị Bình", vn(2026, 3, 10, 8, 0), POSTAL),
    ]


# --- Bug 2: form 07 prints a return only for a result handed over ------------------------------------


def test_a_parcel_brought_back_clears_the_return_date_as_a_cancelled_order_does():
    world = World(days=5)

    back, cancelled = _brought_back(world), _cancelled(world)

    for dossier in (back, cancelled):
        assert (dossier.status, dossier.substatus, dossier.returned_at, dossier.return_method) == (
            DossierStatus.RETURNED,
            Substatus.RESULT_READY,
            None,
            "postal",
        )
    event = back.events.get(action="postal_returned_to_sender")
    assert (event.at, event.from_status, event.to_status) == (vn(2026, 3, 9, 8, 0), 10, 10)


@pytest.mark.parametrize("undo", [_cancelled, _brought_back], ids=["order-cancelled", "brought-back"])
def test_register_07_prints_no_return_for_a_result_never_handed_over(undo):
    world = World(days=5)
    dossier = undo(world)

    row = _register_row(world, dossier)

    assert (row["returned_at"], row["return_method"]) == (None, "")


def test_register_07_prints_no_return_for_a_parcel_brought_back_before_the_date_was_cleared():
    world = World(days=5)
    dossier = _brought_back(world)
    # Recorded before a parcel brought back cleared the date: the send date stayed.
    Dossier.objects.filter(pk=dossier.pk).update(returned_at=vn(2026, 3, 6, 8, 0))

    row = _register_row(world, Dossier.objects.get(pk=dossier.pk))

    assert (row["returned_at"], row["return_method"]) == (None, "")


def test_register_07_prints_the_return_awaiting_confirmation_delivered_or_handed_over_anew():
    world = World(days=5)
    dossier = _sent(world, _issued(world))
    awaiting = _register_row(world, Dossier.objects.get(pk=dossier.pk))
    dossier_result_delivery_record(dossier=dossier.pk, delivered=True, at=vn(2026, 3, 7, 8, 0))
    delivered = _register_row(world, Dossier.objects.get(pk=dossier.pk))
    again = dossier_return(by=world.front_desk, dossier=_cancelled(world), method="counter", at=vn(2026, 3, 10, 9, 0))

    assert (awaiting["returned_at"], awaiting["return_method"]) == (vn(2026, 3, 6, 8, 0), POSTAL)
    assert (delivered["returned_at"], delivered["return_method"]) == (vn(2026, 3, 6, 8, 0), POSTAL)
    assert [(r["returned_at"], r["return_method"]) for r in _register_data(world, again)["rows"]] == [
        (vn(2026, 3, 10, 9, 0), COUNTER)
    ]


def _register_data(world: World, dossier: Dossier) -> dict:
    day = date(2026, 3, 2)
    return register_data_for(agency=world.agency, dossiers=[dossier], date_from=day, date_to=day)


# --- Ported from the audit: the postal partner's simulator -------------------------------------------


def _sent_by_partner(prefix: str):
    office = office_make(prefix=prefix)
    dossier = resolved(office)
    sent_at = timezone.now().replace(microsecond=0) - timedelta(days=3)
    shipment = postal_result_send(by=office.front_desk, dossier=dossier, at=sent_at, **RECEIVER)
    return office, dossier, shipment


def _partner_row(office, dossier: Dossier) -> dict:
    day = timezone.localdate(dossier.received_at)
    return register_data_for(agency=office.agency, dossiers=[dossier], date_from=day, date_to=day)["rows"][0]


def test_partner_cancelling_the_order_leaves_no_return_on_forms_06_and_07():
    office, dossier, shipment = _sent_by_partner("c")
    sim_order_advance(SimulatedPostalOrder.objects.get(order_number=shipment.order_number), to="cancelled")
    postal_tracking_refresh(shipment=shipment)
    dossier = Dossier.objects.get(pk=dossier.pk)

    row = _partner_row(office, dossier)
    handoffs = slip_data_for(dossier=dossier, kind="06")["handoffs"]

    assert (row["returned_at"], row["return_method"]) == (None, "")
    assert [r for r in handoffs if r["to_unit"] == RETURN_RECEIVER] == []


def test_partner_bringing_the_parcel_back_leaves_no_return_on_forms_06_and_07():
    office, dossier, shipment = _sent_by_partner("e")
    order = SimulatedPostalOrder.objects.get(order_number=shipment.order_number)
    sim_order_advance(order)
    sim_order_advance(order, to="returned_to_sender", note="Không có người nhận")
    postal_tracking_refresh(shipment=shipment)
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert (dossier.substatus, dossier.returned_at) == (Substatus.RESULT_READY, None)

    row = _partner_row(office, dossier)
    handoffs = slip_data_for(dossier=dossier, kind="06")["handoffs"]

    assert (row["returned_at"], row["return_method"]) == (None, "")
    assert [r for r in handoffs if r["to_unit"] == RETURN_RECEIVER] == []


# --- Bug 3: the procedure as received, on a reprint ---------------------------------------------------


def _renamed_after_reception(world: World) -> Dossier:
    world.procedure.code, world.procedure.name = "1.001193", "Đăng ký khai sinh"
    world.procedure.save(update_fields=["code", "name"])
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    # The province publishes a new decision: the catalog renames and renumbers the procedure.
    world.procedure.code, world.procedure.name = "2.000528", "Đăng ký khai sinh (thủ tục liên thông)"
    world.procedure.save(update_fields=["code", "name"])
    return Dossier.objects.get(pk=dossier.pk)


def test_reception_records_the_procedure_it_received_the_dossier_under():
    world = World(days=5)
    world.procedure.code, world.procedure.name = "1.001193", "Đăng ký khai sinh"
    world.procedure.save(update_fields=["code", "name"])

    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    assert dossier.events.get(action="receive").data["procedure"] == {"code": "1.001193", "name": "Đăng ký khai sinh"}


def test_receipt_01_reprinted_after_a_catalog_update_gives_the_procedure_as_received():
    world = World(days=5)
    dossier = _renamed_after_reception(world)

    data = slip_data_for(dossier=dossier, kind="01")

    assert data["procedure"] == {"code": "1.001193", "name": "Đăng ký khai sinh"}


@pytest.mark.parametrize("kind", ["05", "06"])
def test_slips_after_reception_give_the_procedure_as_received(kind):
    world = World(days=5)
    dossier = _renamed_after_reception(world)
    if kind == "05":
        dossier = dossier_stop(by=world.leader, dossier=dossier, reason="Người nộp không bổ sung")

    data = slip_data_for(dossier=dossier, kind=kind)

    assert data["procedure"] == {"code": "1.001193", "name": "Đăng ký khai sinh"}


def test_a_refusal_before_reception_gives_the_catalogs_procedure():
    world = World(days=5)
    world.procedure.code, world.procedure.name = "1.001193", "Đăng ký khai sinh"
    world.procedure.save(update_fields=["code", "name"])
    dossier = dossier_refuse(by=world.front_desk, dossier=world.draft(), reasons=["Không thuộc thẩm quyền"])

    assert slip_data_for(dossier=dossier, kind="03")["procedure"] == {"code": "1.001193", "name": "Đăng ký khai sinh"}


def test_register_07_gives_the_procedure_as_received():
    world = World(days=5)
    dossier = _renamed_after_reception(world)
    day = date(2026, 3, 2)

    rows = register_data_for(
        agency=world.agency, dossiers=Dossier.objects.filter(pk=dossier.pk), date_from=day, date_to=day
    )["rows"]
    listed = register_data_for(agency=world.agency, dossiers=[dossier], date_from=day, date_to=day)["rows"]

    assert [r["procedure"] for r in rows] == [r["procedure"] for r in listed] == ["Đăng ký khai sinh"]


def test_receipt_and_register_of_a_dossier_received_before_the_record_give_the_catalog_name():
    world = World(days=5)
    dossier = _renamed_after_reception(world)
    event = dossier.events.get(action="receive")
    event.data = {k: v for k, v in event.data.items() if k != "procedure"}
    event.save(update_fields=["data"])

    receipt = slip_data_for(dossier=dossier, kind="01")
    row = _register_row(world, dossier)

    assert receipt["procedure"] == {"code": "2.000528", "name": "Đăng ký khai sinh (thủ tục liên thông)"}
    assert row["procedure"] == "Đăng ký khai sinh (thủ tục liên thông)"
