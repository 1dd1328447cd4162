"""Form 06 lists every hand-off of the step log: pauses for a payment or a supplement and their resumption, a
step given back to its unit when its officer left, a consultation and its answer, and a return by post that
the post undid (the order cancelled, the parcel brought back) before the result was handed over anew.

Pauses and resumptions have no outcome; hand-offs do.
"""

import io
import re
import unicodedata

import pytest
from pypdf import PdfReader

from chinhquyen.directory.models import User
from chinhquyen.dossiers.documents import render_slip, slip_data_for
from chinhquyen.dossiers.documents.data import POSTAL_PARTNER, RETURN_RECEIVER
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services import (
    apology_letter_approve,
    apology_letter_draft,
    apology_letter_send,
    dossier_approve,
    dossier_claim,
    dossier_consult_agency,
    dossier_forward,
    dossier_issue_result,
    dossier_payment_confirmed,
    dossier_request_payment,
    dossier_request_supplement,
    dossier_result_awaiting_delivery,
    dossier_result_delivery_record,
    dossier_return,
    dossier_supplement_accept,
    dossier_supplement_reject,
    officer_steps_release,
)
from chinhquyen.dossiers.services.processing import dossier_result_post_cancelled_record, dossier_return_by_post
from tests.dossiers.factories import AgencyFactory, World, officer, supplement_send, vn

pytestmark = pytest.mark.django_db

URL = "https://dichvucong.example.vn/tra-cuu-ho-so/?ma=x"
APPLICANT = "Trần Thị Bình"
PAYMENT_PAUSE = "Tạm dừng chờ thanh toán"
PAYMENT_RESUME = "Đã thanh toán, tiếp tục giải quyết"
SUPPLEMENT_PAUSE = "Tạm dừng chờ bổ sung hồ sơ"
SUPPLEMENT_RESUME = "Đã bổ sung hồ sơ, tiếp tục giải quyết"
RELEASED = "Cán bộ xử lý không còn đảm nhận, trả lại đơn vị để cán bộ khác nhận xử lý"
CANCELLED = "Trả lại bộ phận một cửa: đơn hàng bưu chính bị hủy"
BROUGHT_BACK = "Trả lại bộ phận một cửa: bưu chính chuyển hoàn, không phát được"


def _named(user: User, first: str, last: str) -> User:
    user.first_name, user.last_name = first, last
    user.save()
    return user


@pytest.fixture
def world() -> World:
    world = World(days=5)
    _named(world.front_desk, "An", "Nguyễn Văn")
    _named(world.specialist, "Xuân", "Trần Thị")
    _named(world.leader, "Bình", "Phạm Văn")
    return world


def _rows(dossier: Dossier) -> list[tuple]:
    data = slip_data_for(dossier=Dossier.objects.get(pk=dossier.pk), kind="06", lookup_url=URL)
    keys = ("from_unit", "from_person", "to_unit", "to_person", "at", "outcome", "note")
    return [tuple(row[k] for k in keys) for row in data["handoffs"]]


def _units(world: World, dossier: Dossier) -> list[str]:
    return [f"{s.name} - {s.agency.name}" for s in dossier.steps.select_related("agency").order_by("order", "pk")]


def _text(dossier: Dossier) -> str:
    pdf = render_slip(kind="06", data=slip_data_for(dossier=Dossier.objects.get(pk=dossier.pk), kind="06"))
    raw = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", raw))


def _in_order(text: str, parts: list[str]) -> list[int]:
    """Where each of ``parts`` is found in ``text``, each after the one before (-1: not found after it)."""
    found, start = [], 0
    for part in parts:
        at = text.find(part, start)
        found.append(at)
        start = at + len(part) if at >= 0 else start
    return found


# --- Pauses for a payment and a supplement ----------------------------------------------------------------


def test_a_payment_and_a_supplement_pause_and_resume_the_step_with_no_outcome(world):
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_request_payment(
        by=world.specialist, dossier=dossier, amount=50000, note="Lệ phí", at=vn(2026, 3, 2, 9, 0)
    )
    dossier = dossier_payment_confirmed(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 3, 8, 0))
    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["CCCD"], reason="Thiếu bản sao CCCD", at=vn(2026, 3, 3, 9, 0)
    )
    dossier = supplement_send(world, dossier, at=vn(2026, 3, 4, 8, 0))
    dossier = dossier_supplement_accept(by=world.specialist, dossier=dossier, at=vn(2026, 3, 4, 9, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 4, 10, 0))
    first, second, *_ = _units(world, dossier)

    assert _rows(dossier) == [
        (world.agency.name, "Nguyễn Văn An", first, "Trần Thị Xuân", vn(2026, 3, 2, 8, 0), "", ""),
        (first, "Trần Thị Xuân", RETURN_RECEIVER, APPLICANT, vn(2026, 3, 2, 9, 0), "", f"{PAYMENT_PAUSE}: Lệ phí"),
        (RETURN_RECEIVER, APPLICANT, first, "Trần Thị Xuân", vn(2026, 3, 3, 8, 0), "", PAYMENT_RESUME),
        (
            first,
            "Trần Thị Xuân",
            RETURN_RECEIVER,
            APPLICANT,
            vn(2026, 3, 3, 9, 0),
            "",
            f"{SUPPLEMENT_PAUSE}: Thiếu bản sao CCCD",
        ),
        (RETURN_RECEIVER, APPLICANT, first, "Trần Thị Xuân", vn(2026, 3, 4, 8, 0), "", SUPPLEMENT_RESUME),
        (first, "Trần Thị Xuân", second, "", vn(2026, 3, 4, 10, 0), "early", ""),
    ]


def test_the_pauses_are_printed_in_order_without_an_outcome(world):
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_request_payment(by=world.specialist, dossier=dossier, amount=50000, at=vn(2026, 3, 2, 9, 0))
    dossier = dossier_payment_confirmed(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 3, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 3, 9, 30))

    text = _text(dossier)

    parts = [
        f"2 {_units(world, dossier)[0]} Trần Thị Xuân {RETURN_RECEIVER} {APPLICANT} 09 giờ 00 phút ngày 02/03/2026 "
        f"{PAYMENT_PAUSE} 3",
        f"{RETURN_RECEIVER} {APPLICANT}",
        f"08 giờ 00 phút ngày 03/03/2026 {PAYMENT_RESUME} 4",
        "09 giờ 30 phút ngày 03/03/2026 Trước hạn",
    ]
    assert -1 not in _in_order(text, parts), text


def test_a_supplement_found_not_enough_pauses_the_step_again(world):
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["CCCD"], reason="Thiếu CCCD", at=vn(2026, 3, 2, 9, 0)
    )
    dossier = supplement_send(world, dossier, at=vn(2026, 3, 3, 8, 0))
    dossier = dossier_supplement_reject(
        by=world.specialist, dossier=dossier, items=["CCCD"], reason="Bản chụp mờ", at=vn(2026, 3, 3, 9, 0)
    )
    dossier = supplement_send(world, dossier, at=vn(2026, 3, 4, 8, 0), note="Bản rõ")

    rows = _rows(dossier)

    assert [(r[0], r[2], r[4], r[5], r[6]) for r in rows[1:]] == [
        (_units(world, dossier)[0], RETURN_RECEIVER, vn(2026, 3, 2, 9, 0), "", f"{SUPPLEMENT_PAUSE}: Thiếu CCCD"),
        (RETURN_RECEIVER, _units(world, dossier)[0], vn(2026, 3, 3, 8, 0), "", SUPPLEMENT_RESUME),
        (_units(world, dossier)[0], RETURN_RECEIVER, vn(2026, 3, 3, 9, 0), "", f"{SUPPLEMENT_PAUSE}: Bản chụp mờ"),
        (RETURN_RECEIVER, _units(world, dossier)[0], vn(2026, 3, 4, 8, 0), "", f"{SUPPLEMENT_RESUME}: Bản rõ"),
    ]


def test_a_supplement_asked_for_before_reception_is_no_row(world):
    from chinhquyen.dossiers.services import dossier_receive

    draft = world.draft(at=vn(2026, 3, 2, 8, 0))
    draft = dossier_request_supplement(
        by=world.front_desk, dossier=draft, items=["CCCD"], reason="Thiếu", at=vn(2026, 3, 2, 8, 10)
    )
    draft = supplement_send(world, draft, at=vn(2026, 3, 2, 9, 0))
    draft = dossier_supplement_accept(by=world.front_desk, dossier=draft, at=vn(2026, 3, 2, 9, 10))

    dossier = dossier_receive(by=world.front_desk, dossier=draft, at=vn(2026, 3, 2, 9, 30))

    assert [(r[0], r[4], r[6]) for r in _rows(dossier)] == [(world.agency.name, vn(2026, 3, 2, 9, 30), "")]


# --- A step given back to its unit ------------------------------------------------------------------------


def _released(world: World, dossier: Dossier, *, at) -> None:
    """The specialist leaves the agency (the account closed), the release recorded at ``at``."""
    User.objects.filter(pk=world.specialist.pk).update(is_active=False)  # no signal: the release is timed here
    assert officer_steps_release(officer=world.specialist, at=at) == [dossier.pk]


def test_a_step_released_by_a_departed_officer_is_a_hand_off_to_the_colleague_who_takes_it(world):
    colleague = _named(officer(world.agency, "specialist"), "Yến", "Lê Thị")
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_claim(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 8, 30))
    _released(world, dossier, at=vn(2026, 3, 2, 10, 0))
    dossier = dossier_claim(by=colleague, dossier=Dossier.objects.get(pk=dossier.pk), at=vn(2026, 3, 2, 10, 30))
    dossier = dossier_forward(by=colleague, dossier=dossier, at=vn(2026, 3, 2, 11, 0))
    first, second, *_ = _units(world, dossier)

    assert _rows(dossier) == [
        (world.agency.name, "Nguyễn Văn An", first, "Trần Thị Xuân", vn(2026, 3, 2, 8, 0), "", ""),
        # Judged at the release against the step's due date (Thursday 5 March).
        (first, "Trần Thị Xuân", first, "Lê Thị Yến", vn(2026, 3, 2, 10, 0), "early", RELEASED),
        (first, "Lê Thị Yến", second, "", vn(2026, 3, 2, 11, 0), "early", ""),
    ]
    text = _text(dossier)
    assert -1 not in _in_order(
        text,
        [
            f"2 {first} Trần Thị Xuân {first} Lê Thị Yến 10 giờ 00 phút ngày 02/03/2026 Trước hạn {RELEASED} 3",
            f"{first} Lê Thị Yến {second} 11 giờ 00 phút ngày 02/03/2026 Trước hạn",
        ],
    ), text


def test_a_release_not_taken_yet_has_nobody_receiving_it(world):
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_claim(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 8, 30))
    _released(world, dossier, at=vn(2026, 3, 2, 10, 0))

    first = _units(world, dossier)[0]
    assert _rows(dossier)[1] == (first, "Trần Thị Xuân", first, "", vn(2026, 3, 2, 10, 0), "early", RELEASED)


def test_a_release_is_not_judged_once_a_pause_has_moved_the_steps_due_date(world):
    # Released on Monday; a payment awaited for a week moved the step's due date past what it was then.
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_claim(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 8, 30))
    _released(world, dossier, at=vn(2026, 3, 2, 10, 0))
    colleague = _named(officer(world.agency, "specialist"), "Yến", "Lê Thị")
    dossier = dossier_request_payment(
        by=colleague, dossier=Dossier.objects.get(pk=dossier.pk), amount=1000, at=vn(2026, 3, 2, 11, 0)
    )
    dossier = dossier_payment_confirmed(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 9, 8, 0))

    rows = _rows(dossier)

    assert [(r[4], r[5], r[6]) for r in rows[1:]] == [
        (vn(2026, 3, 2, 10, 0), "", RELEASED),
        (vn(2026, 3, 2, 11, 0), "", PAYMENT_PAUSE),
        (vn(2026, 3, 9, 8, 0), "", PAYMENT_RESUME),
    ]
    # The colleague who paused the step received it from the pool.
    assert (rows[1][3], rows[2][1], rows[3][3]) == ("Lê Thị Yến", "Lê Thị Yến", "Lê Thị Yến")


def test_a_release_is_not_judged_once_an_apology_letter_has_moved_the_steps_due_date(world):
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_claim(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 8, 30))
    _released(world, dossier, at=vn(2026, 3, 2, 10, 0))
    letter = apology_letter_draft(
        by=world.leader,
        dossier=Dossier.objects.get(pk=dossier.pk),
        reason="Chờ xác minh",
        new_due_at=vn(2026, 3, 13, 8, 0),
        at=vn(2026, 3, 3, 8, 0),
    )
    apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 3, 9, 0))
    apology_letter_send(by=world.leader, letter=letter, at=vn(2026, 3, 3, 10, 0))

    first = _units(world, dossier)[0]
    assert _rows(Dossier.objects.get(pk=dossier.pk))[1:] == [
        (first, "Trần Thị Xuân", first, "", vn(2026, 3, 2, 10, 0), "", RELEASED)
    ]


def test_a_release_during_a_pause_is_judged_when_the_clock_stopped(world):
    # The step is due on Thursday 5 March; the clock stopped on Monday and still stands on Friday.
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_claim(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 8, 30))
    dossier = dossier_request_payment(by=world.specialist, dossier=dossier, amount=1000, at=vn(2026, 3, 2, 11, 0))
    _released(world, dossier, at=vn(2026, 3, 6, 10, 0))

    first = _units(world, dossier)[0]
    assert _rows(dossier)[1:] == [
        (first, "Trần Thị Xuân", RETURN_RECEIVER, APPLICANT, vn(2026, 3, 2, 11, 0), "", PAYMENT_PAUSE),
        (first, "Trần Thị Xuân", first, "", vn(2026, 3, 6, 10, 0), "early", RELEASED),
    ]


# --- A consultation and its answer --------------------------------------------------------------------------


def test_a_consultation_and_its_answer_are_two_hand_offs(world):
    partner = AgencyFactory()
    answering = _named(officer(partner, "specialist"), "Hà", "Vũ Thu")
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_consult_agency(
        by=world.specialist, dossier=dossier, agency=partner, question="Ý kiến?", at=vn(2026, 3, 2, 9, 0)
    )
    dossier = dossier_forward(by=answering, dossier=dossier, at=vn(2026, 3, 2, 14, 0))
    asking, consult, twin, *_ = _units(world, dossier)

    assert _rows(dossier)[1:] == [
        (asking, "Trần Thị Xuân", consult, "Vũ Thu Hà", vn(2026, 3, 2, 9, 0), "early", "Ý kiến?"),
        (consult, "Vũ Thu Hà", twin, "Trần Thị Xuân", vn(2026, 3, 2, 14, 0), "early", ""),
    ]
    text = _text(dossier)
    assert -1 not in _in_order(
        text,
        [
            f"2 {asking} Trần Thị Xuân {consult} Vũ Thu Hà 09 giờ 00 phút ngày 02/03/2026 Trước hạn Ý kiến? 3",
            f"{consult} Vũ Thu Hà {twin} Trần Thị Xuân 14 giờ 00 phút ngày 02/03/2026 Trước hạn",
        ],
    ), text


# --- A return by post the post undid -------------------------------------------------------------------------


def _sent_by_post(world: World) -> Dossier:
    """Approved on 5 March 10:00, issued at 14:00, handed to the postal partner on 6 March 08:00."""
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 3, 9, 0))
    dossier = dossier_approve(by=world.leader, dossier=dossier, at=vn(2026, 3, 5, 10, 0))
    dossier = dossier_issue_result(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 5, 14, 0), text="Kết quả")
    dossier = dossier_return_by_post(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 6, 8, 0))
    dossier_result_awaiting_delivery(dossier=dossier)
    return dossier


def _cancel(dossier: Dossier) -> None:
    assert dossier_result_post_cancelled_record(dossier=dossier.pk, at=vn(2026, 3, 6, 15, 0)) is not None


def _bring_back(dossier: Dossier) -> None:
    assert dossier_result_delivery_record(dossier=dossier.pk, delivered=False, at=vn(2026, 3, 6, 15, 0)) is not None


@pytest.mark.parametrize(
    ("undo", "note"), [(_cancel, CANCELLED), (_bring_back, BROUGHT_BACK)], ids=["cancelled", "back"]
)
def test_a_return_by_post_undone_goes_to_the_post_and_back_to_the_desk_before_the_hand_over(world, undo, note):
    dossier = _sent_by_post(world)
    undo(dossier)

    dossier = dossier_return(
        by=world.front_desk, dossier=Dossier.objects.get(pk=dossier.pk), method="counter", at=vn(2026, 3, 10, 9, 30)
    )
    desk = _units(world, dossier)[-1]

    assert _rows(dossier)[3:] == [
        (desk, "Nguyễn Văn An", POSTAL_PARTNER, "", vn(2026, 3, 6, 8, 0), "early", "Qua dịch vụ bưu chính"),
        (POSTAL_PARTNER, "", desk, "Nguyễn Văn An", vn(2026, 3, 6, 15, 0), "", note),
        (desk, "Nguyễn Văn An", RETURN_RECEIVER, APPLICANT, vn(2026, 3, 10, 9, 30), "early", "Trực tiếp"),
    ]
    text = _text(dossier)
    assert -1 not in _in_order(
        text,
        [
            f"4 {desk} Nguyễn Văn An {POSTAL_PARTNER}",
            "08 giờ 00 phút ngày 06/03/2026 Trước hạn Qua dịch vụ bưu chính 5",
            f"{POSTAL_PARTNER} {desk} Nguyễn Văn An 15 giờ 00 phút ngày 06/03/2026 {note} 6",
            f"{RETURN_RECEIVER} {APPLICANT} 09 giờ 30 phút ngày 10/03/2026 Trước hạn Trực tiếp",
        ],
    ), text


def test_a_return_by_post_awaiting_its_confirmation_stays_a_hand_over_to_the_applicant(world):
    dossier = _sent_by_post(world)

    assert _rows(dossier)[-1] == (
        _units(world, dossier)[-1],
        "Nguyễn Văn An",
        RETURN_RECEIVER,
        APPLICANT,
        vn(2026, 3, 6, 8, 0),
        "early",
        "Qua dịch vụ bưu chính",
    )


# --- Cost ------------------------------------------------------------------------------------------------------


def test_the_new_rows_cost_no_query_of_their_own(world, django_assert_num_queries):
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_claim(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 8, 30))
    _released(world, dossier, at=vn(2026, 3, 2, 10, 0))
    colleague = officer(world.agency, "specialist")
    dossier = dossier_request_payment(
        by=colleague, dossier=Dossier.objects.get(pk=dossier.pk), amount=1000, at=vn(2026, 3, 2, 11, 0)
    )
    dossier = dossier_payment_confirmed(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 3, 8, 0))
    dossier = Dossier.objects.select_related("receiving_agency", "applicant", "procedure").get(pk=dossier.pk)

    # steps, the lead agency (its steps, then it), events, the officers named (the one who left)
    with django_assert_num_queries(5):
        rows = slip_data_for(dossier=dossier, kind="06", lookup_url=URL)["handoffs"]

    assert len(rows) == 4
