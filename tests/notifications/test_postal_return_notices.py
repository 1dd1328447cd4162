"""The post office's updates the applicant must hear of: a result sent by post that did not reach them (brought
back, or its order cancelled) waits at the agency, and papers the post could not collect must be sent again."""

import pytest

from chinhquyen.dossiers.models import DossierStatus, Substatus
from chinhquyen.notifications.models import Channel, Notification, Preference, State
from chinhquyen.notifications.sms import SMS_MAX_LENGTH
from chinhquyen.postal.models import OrderState, SimulatedPostalOrder
from chinhquyen.postal.pickups import postal_pickup_order
from chinhquyen.postal.services import postal_result_send, postal_tracking_refresh
from chinhquyen.postal.simulator.orders import sim_order_advance
from tests.dossiers.factories import online_offer
from tests.notifications import helpers as h

pytestmark = pytest.mark.django_db

BASE = "https://dichvucong.ninhbinh.gov.vn/"
MINE = f"{BASE}ho-so-cua-toi/"
COMMUNE = "14464"  # Xã Gia Viễn, Ninh Bình
RECEIVER = {
    "receiver_name": "Trần Thị Bình",
    "receiver_phone": "0912 345 678",
    "receiver_address": "Số 5, thôn Đông",
    "receiver_division_code": COMMUNE,
}
PICKUP = {
    "pickup_name": "Trần Thị Bình",
    "pickup_phone": "0912 345 678",
    "pickup_address": "Số 5, thôn Đông",
    "pickup_division_code": COMMUNE,
}
ITEM = "EB000000014VN"  # the simulator's first item in an empty database
ADDRESS = "Số 1, đường Trần Hưng Đạo, phường Hoa Lư"
AGENCY_PHONE = "02293871234"


@pytest.fixture(autouse=True)
def _post_office(settings):
    settings.POSTAL_BACKEND = "simulator"


def world_in(language: str):
    world = h.reachable_world()
    Preference.objects.create(user=world.applicant.user, language=language)
    world.agency.address, world.agency.phone = ADDRESS, AGENCY_PHONE
    world.agency.save(update_fields=["address", "phone"])
    return world


def lookup(dossier) -> str:
    return f"{BASE}tra-cuu-ho-so/?ma={dossier.code}&k={dossier.lookup_secret}"


def sent_by_post(world):
    with h.committed():
        dossier = h.result_ready(world)
    with h.committed():
        shipment = postal_result_send(by=world.front_desk, dossier=dossier, **RECEIVER)
    return dossier, shipment


def tracked(shipment, *to: str) -> None:
    order = SimulatedPostalOrder.objects.get(order_number=shipment.order_number)
    for state in to:
        sim_order_advance(order, to=state)
    with h.committed():
        postal_tracking_refresh(shipment=shipment)
    h.run_queued()


def told(kind: str) -> tuple[Notification, Notification]:
    rows = {n.channel: n for n in Notification.objects.filter(kind=kind)}
    assert set(rows) == {Channel.EMAIL, Channel.SMS}
    return rows[Channel.EMAIL], rows[Channel.SMS]


def test_a_result_brought_back_by_the_post_tells_the_applicant_it_waits_at_the_agency():
    world = world_in("en")
    dossier, shipment = sent_by_post(world)

    tracked(shipment, OrderState.PICKED_UP, OrderState.RETURNED_TO_SENDER)

    dossier.refresh_from_db()
    assert (dossier.status, dossier.substatus) == (DossierStatus.RETURNED, Substatus.RESULT_READY)
    kinds = Notification.objects.filter(dossier=dossier, channel=Channel.EMAIL).order_by("pk")
    assert list(kinds.values_list("kind", flat=True)) == ["received", "result_ready", "returned", "result_back"]
    email, sms = told("result_back")
    assert (email.state, sms.state, email.event.action) == (State.SENT, State.SENT, "postal_returned_to_sender")
    assert email.subject == f"Dossier {dossier.code}: the result was not delivered by post"
    agency = world.agency.name
    assert email.body == (
        "Dear Trần Thị Bình,\n\n"
        f"The postal service could not deliver the result of your dossier and has brought it back to {agency}.\n"
        f"The result waits for you at the one-stop desk of {agency}.\n"
        f"Address: {ADDRESS}\n"
        f"Phone: {AGENCY_PHONE}\n\n"
        f"Dossier code: {dossier.code}\n"
        f"Procedure: {world.procedure.name}\n"
        "Status: Processed: the result is ready for you.\n\n"
        f"Postal item code: {ITEM}\n\n"
        "What to do next:\n"
        f"Collect the result at the counter of {agency}. Bring the receipt and your identity document.\n"
        f"To have it sent by post again, contact {agency}.\n\n"
        f"Look up a dossier: {lookup(dossier)}\n"
        f"My dossiers: {MINE}\n\n"
        "This message was sent automatically by the public service portal; replies are not read.\n"
    )
    assert sms.body == f"Result not delivered by post; it is at the agency. Details: {lookup(dossier)}"


def test_a_cancelled_postal_order_tells_the_applicant_the_result_was_not_delivered():
    world = world_in("en")
    dossier, shipment = sent_by_post(world)

    tracked(shipment, OrderState.CANCELLED)

    email, sms = told("result_back")
    assert email.event.action == "postal_cancelled"
    body = email.body.splitlines()
    assert (
        "The postal order carrying the result of your dossier was cancelled: the result was not delivered to you."
        in body
    )
    assert f"The result waits for you at the one-stop desk of {world.agency.name}." in body
    assert "Status: Processed: the result is ready for you." in body
    assert sms.body == f"Result not delivered by post; it is at the agency. Details: {lookup(dossier)}"


def test_an_online_applicant_is_also_told_to_download_the_result_brought_back():
    world = world_in("en")
    online_offer(world)
    with h.committed():
        dossier = h.receive_and_issue(world, h.submitted(world))
    with h.committed():
        shipment = postal_result_send(by=world.front_desk, dossier=dossier, **RECEIVER)

    tracked(shipment, OrderState.CANCELLED)

    email, _sms = told("result_back")
    assert f"Download the result under My dossiers: {MINE}" in email.body.splitlines()


def test_a_delivered_result_is_not_told_again():
    world = world_in("en")
    dossier, shipment = sent_by_post(world)

    tracked(shipment, OrderState.PICKED_UP, OrderState.DELIVERED)

    assert dossier.events.filter(action="postal_delivered").count() == 1
    assert sorted(set(Notification.objects.values_list("kind", flat=True))) == ["received", "result_ready", "returned"]


def test_papers_the_post_could_not_collect_are_told_with_what_to_do():
    world = world_in("en")
    online_offer(world)
    with h.committed():
        dossier = h.submitted(world)
    shipment = postal_pickup_order(by=world.applicant.user, dossier=dossier, **PICKUP)

    tracked(shipment, OrderState.PICKED_UP, OrderState.RETURNED_TO_SENDER)

    email, sms = told("pickup_failed")
    assert (email.state, sms.state, email.event.action) == (State.SENT, State.SENT, "postal_pickup_failed")
    agency = world.agency.name
    assert email.subject == f"Your paper documents were not collected: {world.procedure.name}"
    assert email.body == (
        "Dear Trần Thị Bình,\n\n"
        f"The postal service could not collect the paper documents of your application to {agency}.\n\n"
        f"Procedure: {world.procedure.name}\n"
        "Status: Submitted online, waiting to be received by the agency.\n\n"
        f"Postal item code: {ITEM}\n\n"
        "What to do next:\n"
        "Ask for a new collection under My dossiers, or bring the paper documents to the counter of "
        f"{agency} yourself. Contact {agency} if you have questions.\n"
        f"Address: {ADDRESS}\n"
        f"Phone: {AGENCY_PHONE}\n\n"
        f"My dossiers: {MINE}\n\n"
        "This message was sent automatically by the public service portal; replies are not read.\n"
    )
    assert sms.body == f"The post could not collect your paper documents. Details: {MINE}"


def test_an_agency_without_address_or_phone_gives_no_empty_lines():
    world = world_in("en")
    _dossier, shipment = sent_by_post(world)
    world.agency.address, world.agency.phone = "", ""
    world.agency.save(update_fields=["address", "phone"])

    tracked(shipment, OrderState.CANCELLED)

    email, _sms = told("result_back")
    body = email.body.splitlines()
    assert not any(line.startswith(("Address:", "Phone:")) for line in body)
    assert body[3:5] == [f"The result waits for you at the one-stop desk of {world.agency.name}.", ""]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("long_address", [False, True], ids=["short-address", "long-address"])
def test_the_sms_are_plain_and_fit_one_segment(settings, language, long_address):
    if long_address:  # too long for the lookup link: the result's SMS names the dossier instead
        settings.PUBLIC_BASE_URL = "https://dichvucong.tinh-rat-dai-ten-de-thu-do-dai-tin-nhan.gov.vn/"
    world = world_in(language)
    brought_back, shipment = sent_by_post(world)
    tracked(shipment, OrderState.CANCELLED)
    online_offer(world)
    with h.committed():
        dossier = h.submitted(world)
    pickup = postal_pickup_order(by=world.applicant.user, dossier=dossier, **PICKUP)
    tracked(pickup, OrderState.PICKED_UP, OrderState.RETURNED_TO_SENDER)

    rows = Notification.objects.filter(channel=Channel.SMS, kind__in=["result_back", "pickup_failed"])
    bodies = {kind: (lang, body) for kind, lang, body in rows.values_list("kind", "language", "body")}
    assert sorted(bodies) == ["pickup_failed", "result_back"]
    assert {lang for lang, _body in bodies.values()} == {language}
    assert [b for _lang, b in bodies.values() if len(b) > SMS_MAX_LENGTH or not b.isascii()] == []
    link = f"tra-cuu-ho-so/?ma={brought_back.code}&k={brought_back.lookup_secret}"
    assert (link in bodies["result_back"][1]) is not long_address
    assert settings.PUBLIC_BASE_URL + "ho-so-cua-toi/" in bodies["pickup_failed"][1]  # short enough either way
