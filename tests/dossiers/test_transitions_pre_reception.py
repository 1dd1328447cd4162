"""A supplement asked for before reception: the front desk may still refuse; nobody may stop what was never received."""

import io
import re
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from pypdf import PdfReader

from chinhquyen.dossiers.documents import render_slip, slip_data_for
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import Dossier, DossierStatus, Substatus
from chinhquyen.dossiers.selectors import dossier_actions_for, slip_kinds_for
from chinhquyen.dossiers.services import (
    dossier_document_add,
    dossier_receive,
    dossier_refuse,
    dossier_request_supplement,
    dossier_stop,
    dossier_submit_online,
    dossier_supplement_accept,
    dossier_supplement_provided,
    dossier_withdraw,
)
from tests.dossiers.factories import World, pdf_bytes, vn

pytestmark = pytest.mark.django_db

URL = "https://dichvucong.example.vn/tra-cuu-ho-so/?ma=x"


def refused(call, **kwargs) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as info:
        call(**kwargs)
    return info.value


def text_of(pdf: bytes) -> str:
    raw = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", raw))


def _draft(world: World) -> Dossier:
    return world.draft()


def _submitted(world: World) -> Dossier:
    return dossier_submit_online(
        by=world.applicant.user,
        applicant=world.applicant,
        procedure=world.procedure,
        receiving_agency=world.agency,
        form_data={"a": 1},
    )


BEFORE_RECEPTION = [
    pytest.param(_draft, DossierStatus.DRAFT, id="counter-draft"),
    pytest.param(_submitted, DossierStatus.SUBMITTED, id="online-submitted"),
]


def _waiting(world: World, start=_draft) -> Dossier:
    """A dossier waiting for the supplement the front desk asked for before reception."""
    return dossier_request_supplement(by=world.front_desk, dossier=start(world), items=["CCCD"], reason="Thiếu")


@pytest.mark.parametrize(("start", "paused_status"), BEFORE_RECEPTION)
def test_front_desk_refuses_a_dossier_waiting_for_its_pre_reception_supplement(start, paused_status):
    # Given a dossier the front desk asked to complete before receiving it
    world = World()
    dossier = _waiting(world, start)
    assert (dossier.status, dossier.paused_status, dossier.code) == (
        DossierStatus.SUPPLEMENT_REQUESTED,
        paused_status,
        "",
    )

    # When the front desk refuses it with reasons
    dossier = dossier_refuse(
        by=world.front_desk,
        dossier=dossier,
        reasons=["Người nộp không bổ sung giấy tờ", "Không thuộc thẩm quyền của xã"],
        at=vn(2026, 3, 9, 9, 0),
    )

    # Then it is refused, with the reasons on the timeline, and never received
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert (dossier.status, dossier.code, dossier.received_at, dossier.due_at) == (
        DossierStatus.REFUSED,
        "",
        None,
        None,
    )
    event = dossier.events.get(action="refuse")
    assert (event.from_status, event.to_status, event.actor_id, event.at) == (
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.REFUSED,
        world.front_desk.pk,
        vn(2026, 3, 9, 9, 0),
    )
    assert event.reason == "Người nộp không bổ sung giấy tờ; Không thuộc thẩm quyền của xã"
    assert event.data == {"reasons": ["Người nộp không bổ sung giấy tờ", "Không thuộc thẩm quyền của xã"]}
    assert slip_kinds_for(dossier=dossier) == ["02", "03"]
    assert dossier_actions_for(dossier=dossier, user=world.front_desk) == []


def test_the_refusal_slip_after_a_pre_reception_supplement_reads_back():
    world = World()
    dossier = dossier_refuse(by=world.front_desk, dossier=_waiting(world), reasons=["Người nộp không bổ sung giấy tờ"])

    data = slip_data_for(dossier=dossier, kind="03", lookup_url=URL)

    assert (data["code"], data["reasons"], data["lookup_url"]) == ("", ["Người nộp không bổ sung giấy tờ"], "")
    text = text_of(render_slip(kind="03", data=data))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "1. Người nộp không bổ sung giấy tờ" in text
    assert "Mã hồ sơ" not in text
    assert "tra-cuu-ho-so" not in text


def _status_and_pause(dossier: Dossier) -> tuple:
    stored = Dossier.objects.get(pk=dossier.pk)
    return (stored.status, stored.paused_at, stored.paused_status, stored.substatus)


def test_a_refused_or_withdrawn_dossier_keeps_nothing_of_the_supplement_pause():
    world = World()

    refused_one = dossier_refuse(by=world.front_desk, dossier=_waiting(world), reasons=["Quá hạn bổ sung"])
    withdrawn = dossier_withdraw(by=world.front_desk, dossier=_waiting(world), reason="Người nộp xin rút")

    assert _status_and_pause(refused_one) == (DossierStatus.REFUSED, None, None, Substatus.NONE)
    assert _status_and_pause(withdrawn) == (DossierStatus.WITHDRAWN, None, None, Substatus.NONE)


def test_a_dossier_stopped_during_a_supplement_keeps_nothing_of_the_pause():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_request_supplement(by=world.specialist, dossier=dossier, items=["CCCD"], reason="Thiếu")

    dossier = dossier_stop(by=world.leader, dossier=dossier, reason="Người nộp không bổ sung")

    assert _status_and_pause(dossier) == (DossierStatus.STOPPED, None, None, Substatus.NONE)


def test_refusal_stays_closed_for_a_supplement_asked_during_processing():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_request_supplement(by=world.specialist, dossier=dossier, items=["CCCD"], reason="Thiếu")

    error = refused(dossier_refuse, by=world.front_desk, dossier=dossier, reasons=["x"])

    assert (error.code, error.message) == (
        "transition_not_allowed",
        "This dossier has been received: it can no longer be refused at reception.",
    )
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.SUPPLEMENT_REQUESTED


def test_only_the_front_desk_refuses_during_a_pre_reception_supplement():
    world = World()
    dossier = _waiting(world)

    assert refused(dossier_refuse, by=world.specialist, dossier=dossier, reasons=["x"]).code == "role_required"
    assert refused(dossier_refuse, by=world.leader, dossier=dossier, reasons=["x"]).code == "role_required"
    assert refused(dossier_refuse, by=world.applicant.user, dossier=dossier, reasons=["x"]).code == "role_required"
    assert refused(dossier_refuse, by=World().front_desk, dossier=dossier, reasons=["x"]).code == "role_required"


@pytest.mark.parametrize(("start", "paused_status"), BEFORE_RECEPTION)
def test_stop_is_refused_for_a_dossier_never_received(start, paused_status):
    # Given a dossier waiting for its pre-reception supplement
    world = World()
    dossier = _waiting(world, start)

    # When the leader of the receiving agency tries to stop its processing
    error = refused(dossier_stop, by=world.leader, dossier=dossier, reason="Vi phạm")

    # Then nothing changes: there is no processing to stop, and no form 05 without a code
    assert (error.code, error.message) == (
        "not_received",
        "This dossier has not been received, so there is no processing to stop; "
        "the front desk may refuse it at reception instead.",
    )
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert (dossier.status, dossier.paused_status) == (DossierStatus.SUPPLEMENT_REQUESTED, paused_status)
    assert not dossier.events.filter(action="stop").exists()
    assert slip_kinds_for(dossier=dossier) == ["02"]


def test_stop_during_a_supplement_asked_after_reception_still_works():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["CCCD"], reason="Thiếu", at=vn(2026, 3, 3, 8, 0)
    )
    assert (dossier.paused_status, dossier.paused_at) == (DossierStatus.RECEIVED, vn(2026, 3, 3, 8, 0))

    dossier = dossier_stop(by=world.leader, dossier=dossier, reason="Người nộp đề nghị dừng", at=vn(2026, 3, 4, 8, 0))

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert (dossier.status, dossier.paused_at) == (DossierStatus.STOPPED, None)
    event = dossier.events.get(action="stop")
    assert (event.from_status, event.to_status, event.reason) == (
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.STOPPED,
        "Người nộp đề nghị dừng",
    )
    assert slip_kinds_for(dossier=dossier) == ["01", "02", "05", "06"]


def test_stop_after_a_pre_reception_supplement_then_reception_works():
    world = World()
    dossier = dossier_supplement_provided(by=world.front_desk, dossier=_waiting(world))
    dossier = dossier_supplement_accept(by=world.front_desk, dossier=dossier)
    dossier = dossier_receive(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 2, 8, 0))

    dossier = dossier_stop(by=world.leader, dossier=dossier, reason="Vi phạm")

    assert (dossier.status, dossier.paused_status) == (DossierStatus.STOPPED, None)


def test_actions_offered_during_a_pre_reception_supplement():
    world = World()
    dossier = _waiting(world)

    assert dossier_actions_for(dossier=dossier, user=world.front_desk) == [
        "document_add",
        "refuse",
        "supplement_provided",
        "withdraw",
    ]
    assert dossier_actions_for(dossier=dossier, user=world.leader) == []
    assert dossier_actions_for(dossier=dossier, user=world.specialist) == []
    before_attaching = dossier_actions_for(dossier=dossier, user=world.applicant.user)
    dossier_document_add(
        by=world.applicant.user, dossier=dossier, upload=SimpleUploadedFile("a.pdf", pdf_bytes()), name="CCCD"
    )
    assert before_attaching == ["document_add", "withdraw"]
    assert dossier_actions_for(dossier=dossier, user=world.applicant.user) == [
        "document_add",
        "supplement_provided",
        "withdraw",
    ]


def test_actions_offered_during_a_supplement_after_reception():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_request_supplement(by=world.specialist, dossier=dossier, items=["CCCD"], reason="Thiếu")

    assert dossier_actions_for(dossier=dossier, user=world.front_desk) == [
        "document_add",
        "supplement_provided",
        "withdraw",
    ]
    assert dossier_actions_for(dossier=dossier, user=world.leader) == ["stop", "letter_draft"]


class _Rollback(Exception):
    pass


def _succeeds(call, by, pk) -> bool:
    try:
        with transaction.atomic():
            call(by=by, dossier=Dossier.objects.get(pk=pk))
            raise _Rollback
    except _Rollback:
        return True
    except TransitionRefused:
        return False


@pytest.mark.parametrize("received", [pytest.param(False, id="before-reception"), pytest.param(True, id="after")])
def test_refuse_and_stop_are_offered_exactly_when_they_succeed(received):
    world = World()
    if received:
        dossier = world.received(at=vn(2026, 3, 2, 8, 0))
        dossier = dossier_request_supplement(by=world.specialist, dossier=dossier, items=["CCCD"], reason="r")
    else:
        dossier = _waiting(world)
    calls = {
        "refuse": lambda by, dossier: dossier_refuse(by=by, dossier=dossier, reasons=["r"]),
        "stop": lambda by, dossier: dossier_stop(by=by, dossier=dossier, reason="r"),
    }

    mismatches = [
        (user.username, action)
        for user in (world.front_desk, world.specialist, world.leader, world.applicant.user)
        for action, call in calls.items()
        if _succeeds(call, user, dossier.pk) != (action in dossier_actions_for(dossier=dossier, user=user))
    ]

    assert mismatches == []
