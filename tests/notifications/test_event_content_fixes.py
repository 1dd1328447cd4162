"""What the applicant is told: the agency that stopped, no empty or moving due date."""

import pytest

from chinhquyen.dossiers.documents import slip_data_for
from chinhquyen.dossiers.services import dossier_forward, dossier_stop
from chinhquyen.notifications.content import notification_render
from chinhquyen.notifications.events import kind_for
from chinhquyen.notifications.sms import sms_plain
from tests.dossiers.factories import World, officer, template_add, vn
from tests.factories import AgencyFactory
from tests.notifications import helpers as h

pytestmark = pytest.mark.django_db


def test_the_stopped_email_names_the_agency_of_the_notice_not_the_receiving_one():
    world = World(days=5)
    other = AgencyFactory(name="Sở Tài nguyên và Môi trường")
    other_leader = officer(other, "leader")
    officer(other, "specialist")
    template_add(
        world.procedure,
        [
            ("Tiếp nhận", "front_desk", world.agency, "2"),
            ("Thẩm định", "specialist", world.agency, "8"),
            ("Thẩm định liên thông", "specialist", other, "16"),
            ("Phê duyệt", "leader", other, "8"),
            ("Trả kết quả", "front_desk", world.agency, "6"),
        ],
    )
    dossier = dossier_forward(
        by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)), at=vn(2026, 3, 3, 8)
    )
    dossier = dossier_stop(by=other_leader, dossier=dossier, reason="Người yêu cầu đã chết", at=vn(2026, 3, 4, 9, 0))
    event = dossier.events.get(action="stop")

    rendered = notification_render(event=event, kind=kind_for(event), language="en")

    assert slip_data_for(dossier=dossier, kind="05")["agency"]["name"] == "Sở Tài nguyên và Môi trường"
    assert rendered.body.splitlines()[2] == "Sở Tài nguyên và Môi trường has stopped processing your dossier."
    assert "Contact Sở Tài nguyên và Môi trường if you have questions." in rendered.body


def test_the_stopped_email_of_the_receiving_agency_names_it():
    world = World(days=5)
    dossier = dossier_stop(by=world.leader, dossier=world.received(at=vn(2026, 3, 2, 8, 0)), reason="Vi phạm")
    event = dossier.events.get(action="stop")

    rendered = notification_render(event=event, kind=kind_for(event), language="en")

    assert rendered.body.splitlines()[2] == f"{world.agency.name} has stopped processing your dossier."


@pytest.mark.parametrize(
    ("language", "base", "sms"),
    [
        pytest.param("en", "https://dvc.example.vn/", "Dossier received. Details: {url}", id="en-link"),
        pytest.param(
            "en",
            "https://dichvucong.tinh-rat-dai-ten-de-thu-do-dai-tin-nhan-qua-mot-doan.gov.vn/",
            "Dossier {code} has been received.",
            id="en-no-link",
        ),
        pytest.param(
            "vi",
            "https://dichvucong.tinh-rat-dai-ten-de-thu-do-dai-tin-nhan-qua-mot-doan.gov.vn/",
            "Ho so {code} da duoc tiep nhan.",
            id="vi-no-link",
        ),
    ],
)
def test_the_received_sms_of_a_procedure_without_time_limit_gives_no_date(settings, language, base, sms):
    settings.PUBLIC_BASE_URL = base
    world = World(days=None)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    event = dossier.events.get(action="receive")

    rendered = notification_render(event=event, kind=kind_for(event), language=language)

    url = f"{base}tra-cuu-ho-so/?ma={dossier.code}&k={dossier.lookup_secret}"
    assert rendered.sms == sms.format(code=dossier.code, url=url)


def test_the_received_sms_without_a_date_in_vietnamese_has_no_empty_date():
    world = World(days=None)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    event = dossier.events.get(action="receive")

    rendered = notification_render(event=event, kind=kind_for(event), language="vi")

    assert " on ." not in rendered.sms
    assert sms_plain("ngày .") not in rendered.sms


def test_the_supplement_request_email_gives_no_due_date_while_the_clock_is_paused():
    dossier = h.supplement_requested(h.reachable_world())
    event = dossier.events.get(action="request_supplement")

    body = notification_render(event=event, kind=kind_for(event), language="en").body

    assert [line for line in body.splitlines() if line.startswith("Due date")] == []
    assert "Reason: Thiếu giấy tờ tùy thân" in body.splitlines()


@pytest.mark.parametrize(
    ("kind", "english", "vietnamese"),
    [
        ("refused", "Not accepted: the agency could not take the application.", "Không được tiếp nhận:"),
        ("withdrawn", "Withdrawn at the applicant's request: it is not processed further.", "Đã rút theo đề nghị"),
        ("stopped", "Processing stopped by the agency.", "Cơ quan đã dừng giải quyết hồ sơ."),
        ("payment_required", "Waiting for you to pay the fees or charges due.", "Hồ sơ đang chờ nộp phí, lệ phí."),
    ],
)
def test_the_status_line_is_a_sentence_in_the_language_of_the_email(kind, english, vietnamese):
    from chinhquyen.dossiers.models import DossierEvent
    from chinhquyen.notifications.events import kind_for as kind_of_event

    world = h.reachable_world()
    dossier = getattr(h, kind)(world)
    event = DossierEvent.objects.filter(dossier=dossier).order_by("pk").last()

    en = notification_render(event=event, kind=kind_of_event(event), language="en").body.splitlines()
    vi = notification_render(event=event, kind=kind_of_event(event), language="vi").body.splitlines()

    assert f"Status: {english}" in en
    assert [line for line in vi if line.startswith(f"Trạng thái: {vietnamese}")] != []
    assert not any(" bạn" in line for line in vi if line.startswith("Trạng thái:"))  # the letter says ông/bà
