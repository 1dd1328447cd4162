"""Inputs of apology letters and supplement requests, and the receipt's appointment kept as given."""

import io
import unicodedata
from datetime import datetime

import pytest
from django.utils import translation
from pypdf import PdfReader

from chinhquyen.core.errors import InvalidInput
from chinhquyen.dossiers.documents import slip_data_for, slip_pdf_for
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services import (
    apology_letter_approve,
    apology_letter_draft,
    apology_letter_send,
    dossier_receive,
    dossier_request_supplement,
    dossier_supplement_provided,
    dossier_supplement_reject,
)
from tests.api.helpers import api_client, place_make, post_json, token_for
from tests.dossiers.factories import World, supplement_send, vn
from tests.factories import CitizenFactory, working_days_later

pytestmark = pytest.mark.django_db


def receipt_return_line(dossier: Dossier) -> str:
    pdf = slip_pdf_for(dossier=Dossier.objects.get(pk=dossier.pk), kind="01", sign=False)
    text = unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    [line] = [line for line in text.splitlines() if line.startswith("5. ")]
    return line


def test_a_new_due_date_without_a_time_zone_is_read_as_vietnam_time():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))  # due Monday 9 March 08:00

    letter = apology_letter_draft(
        by=world.specialist,
        dossier=dossier,
        reason="Chờ đo đạc",
        new_due_at=datetime(2026, 3, 12, 8, 0),
        at=vn(2026, 3, 3, 9, 0),
    )

    assert letter.new_due_at == vn(2026, 3, 12, 8, 0)


def test_the_api_reads_a_new_due_date_without_offset_as_vietnam_time():
    # Received now (the API drafts now, so the letter must still be in time), extended by three working days.
    place = place_make()
    dossier = dossier_receive(by=place.front_desk, dossier=_draft(place, at=None))
    new_due = working_days_later(dossier.due_at, 3).replace(second=0, microsecond=0)
    client = api_client(token_for(place.specialist))

    response = post_json(
        client,
        f"/api/v1/dossiers/{dossier.pk}/apology-letters",
        {"reason": "Chờ đo đạc", "new_due_at": new_due.strftime("%Y-%m-%dT%H:%M:%S")},
    )

    assert response.status_code == 201, response.content
    assert response.json()["new_due_at"] == new_due.isoformat()


MONDAY = vn(2026, 3, 2, 8, 0)


def _draft(place, at=MONDAY):
    """Opened on Monday 2 March 2026 08:00; ``at=None``: now."""
    from chinhquyen.dossiers.services import dossier_create_at_counter

    return dossier_create_at_counter(by=place.front_desk, procedure=place.procedure, applicant=CitizenFactory(), at=at)


@pytest.mark.parametrize("reason", ["", "  \n "], ids=["empty", "blank"])
@pytest.mark.parametrize("who", ["front_desk", "specialist"])
def test_a_supplement_request_without_a_reason_is_refused(who, reason):
    world = World(days=5)
    dossier = world.draft() if who == "front_desk" else world.received(at=vn(2026, 3, 2, 8, 0))

    with pytest.raises(InvalidInput) as refused:
        dossier_request_supplement(by=getattr(world, who), dossier=dossier, items=["Bản sao CCCD"], reason=reason)

    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")
    assert Dossier.objects.get(pk=dossier.pk).events.filter(action="request_supplement").count() == 0


def test_a_supplement_rejected_without_a_reason_is_refused():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_request_supplement(by=world.specialist, dossier=dossier, items=["CCCD"], reason="Thiếu")
    dossier = supplement_send(world, dossier)

    with pytest.raises(InvalidInput) as refused:
        dossier_supplement_reject(by=world.specialist, dossier=dossier, items=["CCCD có chứng thực"], reason=" ")

    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        pytest.param({"items": ["Bản sao CCCD"], "reason": ""}, 422, "reason_required", "reason", id="blank"),
        pytest.param({"items": ["Bản sao CCCD"]}, 400, "invalid_request", "reason", id="missing"),
    ],
)
def test_the_api_refuses_a_supplement_request_without_a_reason(body, status, code, field):
    place = place_make()
    dossier = dossier_receive(by=place.front_desk, dossier=_draft(place), at=vn(2026, 3, 2, 8, 0))
    client = api_client(token_for(place.specialist))

    response = post_json(client, f"/api/v1/dossiers/{dossier.pk}/request-supplement", body)

    assert (response.status_code, response.json()["code"], response.json()["field"]) == (status, code, field)
    assert Dossier.objects.get(pk=dossier.pk).events.filter(action="request_supplement").count() == 0


def test_sending_a_letter_not_approved_names_the_state_in_words():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    letter = apology_letter_draft(
        by=world.specialist, dossier=dossier, reason="Chậm", new_due_at=vn(2026, 3, 12, 8, 0), at=vn(2026, 3, 3, 8, 0)
    )

    with translation.override("en"), pytest.raises(TransitionRefused) as refused:
        apology_letter_send(by=world.leader, letter=letter, at=vn(2026, 3, 3, 9, 0))

    assert (refused.value.code, str(refused.value)) == ("letter_state", "The letter is not in the state Approved.")


def test_a_reprinted_receipt_keeps_the_return_date_given_at_reception_after_an_extension():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    letter = apology_letter_draft(
        by=world.specialist, dossier=dossier, reason="Chậm", new_due_at=vn(2026, 3, 12, 8, 0), at=vn(2026, 3, 3, 8, 0)
    )
    apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 3, 9, 0))
    apology_letter_send(by=world.leader, letter=letter, at=vn(2026, 3, 3, 10, 0))
    dossier = Dossier.objects.get(pk=dossier.pk)

    assert dossier.due_at == vn(2026, 3, 12, 8, 0)
    assert slip_data_for(dossier=dossier, kind="01")["due_at"] == vn(2026, 3, 9, 8, 0)
    assert receipt_return_line(dossier) == "5. Thời gian trả kết quả giải quyết hồ sơ: 08 giờ 00 phút, ngày 09/03/2026"


def test_a_reprinted_receipt_keeps_the_return_date_given_at_reception_after_a_supplement():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["CCCD"], reason="Thiếu", at=vn(2026, 3, 3, 9, 0)
    )
    dossier = dossier_supplement_provided(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 5, 9, 0))

    assert dossier.due_at == vn(2026, 3, 11, 8, 0)
    assert receipt_return_line(dossier) == "5. Thời gian trả kết quả giải quyết hồ sơ: 08 giờ 00 phút, ngày 09/03/2026"
