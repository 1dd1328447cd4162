"""Which slips a dossier has now, and the dossiers of the tracking register (form 07)."""

from datetime import date

import pytest

from chinhquyen.dossiers.selectors import dossier_register, slip_kinds_for
from chinhquyen.dossiers.services import (
    apology_letter_draft,
    dossier_refuse,
    dossier_request_supplement,
    dossier_stop,
    dossier_supplement_provided,
)
from tests.dossiers.factories import World, officer, vn

pytestmark = pytest.mark.django_db


def test_a_draft_has_no_slip():
    assert slip_kinds_for(dossier=World().draft()) == []


def test_received_dossier_has_the_receipt_and_the_control_slip():
    assert slip_kinds_for(dossier=World().received(at=vn(2026, 3, 2, 8, 0))) == ["01", "06"]


def test_supplement_then_refusal_at_the_counter():
    world = World()
    dossier = dossier_request_supplement(by=world.front_desk, dossier=world.draft(), items=["CCCD"], reason="Thiếu")
    assert slip_kinds_for(dossier=dossier) == ["02"]
    dossier = dossier_supplement_provided(by=world.front_desk, dossier=dossier)

    dossier = dossier_refuse(by=world.front_desk, dossier=dossier, reasons=["Sai thẩm quyền"])

    assert slip_kinds_for(dossier=dossier) == ["02", "03"]


def test_apology_letter_and_stop():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    apology_letter_draft(
        by=world.specialist, dossier=dossier, reason="Chậm", new_due_at=vn(2026, 3, 20, 8, 0), at=vn(2026, 3, 3, 9, 0)
    )
    assert slip_kinds_for(dossier=dossier) == ["01", "04", "06"]

    dossier = dossier_stop(by=world.leader, dossier=dossier, reason="Vi phạm")

    assert slip_kinds_for(dossier=dossier) == ["01", "05", "06"]  # the letter never sent


def test_slip_kinds_take_at_most_two_queries(django_assert_num_queries):
    dossier = World().received(at=vn(2026, 3, 2, 8, 0))

    with django_assert_num_queries(2):
        slip_kinds_for(dossier=dossier)


def test_register_lists_the_agencys_receptions_in_the_period_in_order(django_assert_num_queries):
    world, other = World(), World()
    # 06:30 on 3 March in Vietnam is 2 March in UTC: it belongs to 3 March.
    third = world.received(at=vn(2026, 3, 3, 6, 30))
    first = world.received(at=vn(2026, 3, 2, 8, 0))
    second = world.received(at=vn(2026, 3, 2, 16, 0))
    world.received(at=vn(2026, 3, 4, 0, 0))  # the day after the period
    world.received(at=vn(2026, 3, 1, 23, 59))  # the day before
    world.draft()  # never received
    other.received(at=vn(2026, 3, 2, 9, 0))  # another agency's

    with django_assert_num_queries(3):  # roles, dossiers with their joins, steps with their agencies
        rows = dossier_register(
            officer=world.front_desk, agency=world.agency, date_from=date(2026, 3, 2), date_to=date(2026, 3, 3)
        )
        assert [(d.procedure.pk, len(d.steps.all())) for d in rows] == [(world.procedure.pk, 3)] * 3

    assert rows == [first, second, third]


def test_register_is_empty_for_an_agency_the_officer_does_not_belong_to():
    world, other = World(), World()
    world.received(at=vn(2026, 3, 2, 8, 0))
    both = officer(other.agency, "leader")

    args = {"agency": world.agency, "date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}
    assert dossier_register(officer=other.front_desk, **args) == []
    assert dossier_register(officer=both, **args) == []
    assert len(dossier_register(officer=world.specialist, **args)) == 1
