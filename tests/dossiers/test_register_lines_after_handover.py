"""A dossier's line in the tracking register (form 07) and on its receipt (form 01) after a merger: the line is
that of the agency that received it (its code's), whichever agency receives it now."""

import io
import re
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader

from chinhquyen.dossiers.documents import slip_data_for, slip_pdf_for
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.selectors import dossier_register
from chinhquyen.dossiers.services import (
    agency_work_hand_over,
    dossier_approve,
    dossier_create_at_counter,
    dossier_forward,
    dossier_issue_result,
    dossier_receive,
    dossier_return,
)
from tests.dossiers.factories import AgencyFactory, World, officer, vn

pytestmark = pytest.mark.django_db

MARCH = {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}


def text_of(pdf: bytes) -> str:
    raw = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", raw))


def test_a_dossier_handed_over_keeps_the_line_of_the_agency_that_received_it():
    # Given: the old agency receives three dossiers (the first closed, so it stays), its successor two.
    world = World(days=5)
    old = world.agency
    successor = AgencyFactory(name="UBND phường Hoa Lư")
    world.procedure.agencies.add(successor)
    desk = officer(successor, "front_desk")

    def received_there(at):
        draft = dossier_create_at_counter(by=desk, procedure=world.procedure, applicant=world.applicant, at=at)
        return dossier_receive(by=desk, dossier=draft, at=at)

    closed = world.received(at=vn(2026, 3, 2, 8, 0))
    closed = dossier_forward(by=world.specialist, dossier=closed, at=vn(2026, 3, 2, 8, 30))
    closed = dossier_approve(by=world.leader, dossier=closed, at=vn(2026, 3, 2, 8, 40))
    closed = dossier_issue_result(by=world.front_desk, dossier=closed, at=vn(2026, 3, 2, 8, 50), text="Kết quả")
    dossier_return(by=world.front_desk, dossier=closed, method="counter", at=vn(2026, 3, 2, 8, 55))
    second = world.received(at=vn(2026, 3, 2, 9, 0))
    own_first = received_there(vn(2026, 3, 2, 10, 0))
    third = world.received(at=vn(2026, 3, 3, 8, 0))
    own_second = received_there(vn(2026, 3, 3, 10, 0))

    # When: the merger hands the old agency's open work over.
    agency_work_hand_over(agency=old, successor=successor, by=None, reason="Sáp nhập", at=vn(2026, 3, 4, 8, 0))

    # Then: each line is the one the receiving agency's code numbered, in either agency's register.
    assert Dossier.objects.get(pk=third.pk).receiving_agency_id == successor.pk
    assert [(d.code[:-12], d.code[-11:]) for d in (closed, second, own_first, third, own_second)] == [
        (old.code, "260302-0001"),
        (old.code, "260302-0002"),
        (successor.code, "260302-0001"),
        (old.code, "260303-0001"),
        (successor.code, "260303-0001"),
    ]
    for agency, front_desk, expected in [
        (old, world.front_desk, [("1", closed.code)]),
        (
            successor,
            desk,
            [("2", second.code), ("1", own_first.code), ("3", third.code), ("2", own_second.code)],
        ),
    ]:
        rows = dossier_register(officer=front_desk, agency=agency, **MARCH)
        register = slip_data_for(dossier=None, kind="07", agency=agency, dossiers=rows, **MARCH)
        assert [(r["line"], r["code"]) for r in register["rows"]] == expected

    # And the receipt reprinted now gives the line it gave at reception.
    reprint = Dossier.objects.get(pk=third.pk)
    receipt = slip_data_for(dossier=reprint, kind="01", lookup_url="https://example.vn/x")
    assert (receipt["number"], receipt["register"]) == ("3", {"book": "2026", "line": "3"})
    text = text_of(slip_pdf_for(dossier=reprint, kind="01", sign=False))
    assert "Vào Sổ theo dõi hồ sơ, Quyển số: 2026, Số thứ tự: 3" in text
    assert "Số: 3 " in text
