"""A merger that moves the receiving agency of a dossier tells its applicant where to go now (their slips and
messages named the old agency's counter): once, by e-mail and SMS, with the new agency's contact; a hand-over of
processing steps alone tells nothing."""

import pytest

from chinhquyen.dossiers.models import Dossier, DossierEvent
from chinhquyen.dossiers.services import agency_work_hand_over, dossier_create_at_counter, dossier_receive
from chinhquyen.notifications.models import Channel, Kind, Notification, Preference, State
from chinhquyen.notifications.sms import SMS_MAX_LENGTH
from tests.dossiers.factories import AgencyFactory, ProcedureFactory, officer, template_add, vn
from tests.notifications import helpers as h

pytestmark = pytest.mark.django_db

BASE = "https://dichvucong.ninhbinh.gov.vn/"
MINE = f"{BASE}ho-so-cua-toi/"
REASON = "Sáp nhập theo Nghị quyết 1674/NQ-UBTVQH15"
SUCCESSOR = "UBND phường Hoa Lư"
ADDRESS = "Số 1, đường Trần Hưng Đạo, phường Hoa Lư"
PHONE = "02293871111"


def world_in(language: str):
    world = h.reachable_world()
    Preference.objects.create(user=world.applicant.user, language=language)
    return world


def successor_of(world):
    successor = AgencyFactory(name=SUCCESSOR, address=ADDRESS, phone=PHONE)
    world.procedure.agencies.add(successor)
    return successor


def hand_over(world, successor) -> None:
    with h.committed():
        agency_work_hand_over(agency=world.agency, successor=successor, by=None, reason=REASON)


def told(dossier: Dossier) -> dict[str, Notification]:
    rows = Notification.objects.filter(dossier=dossier, kind=Kind.RECEIVING_AGENCY_CHANGED)
    return {n.channel: n for n in rows}


def lookup(dossier: Dossier) -> str:
    return f"{BASE}tra-cuu-ho-so/?ma={dossier.code}&k={dossier.lookup_secret}"


def test_a_result_waiting_at_the_merged_agencys_counter_tells_the_applicant_once_where_to_collect_it():
    world = world_in("en")
    with h.committed():
        dossier = h.result_ready(world)  # at the counter, issued: the applicant was told to collect it there
    successor = successor_of(world)
    old = world.agency.name

    hand_over(world, successor)

    rows = told(dossier)
    assert set(rows) == {Channel.EMAIL, Channel.SMS}
    email, sms = rows[Channel.EMAIL], rows[Channel.SMS]
    event = DossierEvent.objects.get(dossier=dossier, action="receiving_agency_change")
    assert (email.event_id, sms.event_id) == (event.pk, event.pk)
    assert (email.state, email.recipient, sms.state, sms.recipient) == (State.PENDING, h.EMAIL, State.PENDING, h.PHONE)
    assert email.subject == f"Dossier {dossier.code}: now received by {SUCCESSOR}"
    assert email.body == (
        f"Dear {world.applicant.name},\n"
        "\n"
        f"Following the merger of agencies, {old} has handed your dossier over to {SUCCESSOR}, which receives it "
        "from now on. The dossier code stays the same.\n"
        f"From now on, go to the one-stop desk of {SUCCESSOR}, not {old}, to bring papers for this dossier or to "
        "collect its result.\n"
        f"Address: {ADDRESS}\n"
        f"Phone: {PHONE}\n"
        "\n"
        f"Dossier code: {dossier.code}\n"
        f"Procedure: {world.procedure.name}\n"
        "Status: Processed: the result is ready for you.\n"
        "\n"
        "What to do next:\n"
        f"Collect the result at the counter of {SUCCESSOR}. Bring the receipt and your identity document.\n"
        "\n"
        f"Look up a dossier: {lookup(dossier)}\n"
        f"My dossiers: {MINE}\n"
        "\n"
        "This message was sent automatically by the public service portal; replies are not read.\n"
    )
    assert sms.body == f"Your dossier is now received by UBND phuong Hoa Lu. Details: {lookup(dossier)}"
    h.run_queued()
    assert {n.state for n in told(dossier).values()} == {State.SENT}

    # Handing over again moves nothing and tells nothing more.
    hand_over(world, successor)
    h.run_queued()

    assert DossierEvent.objects.filter(dossier=dossier, action="receiving_agency_change").count() == 1
    assert Notification.objects.filter(dossier=dossier, kind=Kind.RECEIVING_AGENCY_CHANGED).count() == 2


def test_an_applicant_awaited_with_documents_is_told_to_bring_them_to_the_new_counter():
    world = world_in("en")
    with h.committed():
        dossier = h.supplement_requested(world)
    successor = successor_of(world)

    hand_over(world, successor)

    body = told(dossier)[Channel.EMAIL].body.splitlines()
    assert "Supply the documents requested online under My dossiers or at the counter of UBND phường Hoa Lư." in body
    assert not any(line.startswith("Due date for the result") for line in body)  # paused: it will move


def test_a_dossier_in_processing_keeps_its_due_date_and_nothing_else_changes_for_the_applicant():
    world = world_in("en")
    with h.committed():
        dossier = h.received(world)  # due Monday 9 March 08:00
    successor = successor_of(world)

    hand_over(world, successor)

    body = told(dossier)[Channel.EMAIL].body.splitlines()
    assert "Due date for the result: 09/03/2026 08:00" in body
    assert (
        f"Nothing else: wherever your earlier messages or slips name {world.agency.name}, go to {SUCCESSOR} instead."
    ) in body


def test_a_hand_over_of_steps_alone_tells_the_applicant_nothing():
    # A dossier received elsewhere with a step at the merged agency: its receiving agency does not change.
    world = world_in("en")
    receiving = AgencyFactory()
    desk = officer(receiving, "front_desk")
    procedure = ProcedureFactory(agencies=[receiving])
    template_add(procedure, [("Tiếp nhận", "front_desk", None, "4"), ("Thẩm định", "specialist", world.agency, "36")])
    with h.committed():
        draft = dossier_create_at_counter(by=desk, procedure=procedure, applicant=world.applicant)
        dossier = dossier_receive(by=desk, dossier=draft, at=vn(2026, 3, 2, 8, 0))
    successor = successor_of(world)

    hand_over(world, successor)

    assert DossierEvent.objects.filter(dossier=dossier, action="agency_handover").count() == 1
    assert not DossierEvent.objects.filter(action="receiving_agency_change").exists()
    assert told(dossier) == {}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_sms_fits_one_segment_with_its_link(language):
    world = world_in(language)
    with h.committed():
        dossier = h.result_ready(world)
    successor = successor_of(world)

    hand_over(world, successor)

    sms = told(dossier)[Channel.SMS]
    assert sms.language == language
    assert (len(sms.body) <= SMS_MAX_LENGTH, sms.body.isascii()) == (True, True)
    assert sms.body.endswith(f" {lookup(dossier)}")
    assert "UBND phuong Hoa Lu" in sms.body
