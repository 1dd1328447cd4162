"""The applicant reads the due date as the receipt and the portal show it (to the minute), and a result sent by
post is not called handed over while the post office still carries it."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from chinhquyen.notifications.models import Channel, Notification, Preference
from chinhquyen.postal.services import postal_result_send
from tests.notifications import helpers as h

pytestmark = pytest.mark.django_db

BASE = "https://dichvucong.ninhbinh.gov.vn/"


@pytest.fixture(autouse=True)
def _post_office(settings):
    settings.POSTAL_BACKEND = "simulator"


def world_in(language: str):
    world = h.reachable_world()
    Preference.objects.create(user=world.applicant.user, language=language)
    return world


def told(kind: str) -> tuple[Notification, Notification]:
    rows = {n.channel: n for n in Notification.objects.filter(kind=kind)}
    assert set(rows) == {Channel.EMAIL, Channel.SMS}
    return rows[Channel.EMAIL], rows[Channel.SMS]


def lookup(dossier) -> str:
    return f"{BASE}tra-cuu-ho-so/?ma={dossier.code}&k={dossier.lookup_secret}"


def test_a_payment_that_moves_the_due_date_within_the_day_says_the_new_hour():
    # Asked for on Tuesday 11:00, confirmed on Wednesday 09:00: the result moves from Monday 08:00 to 15:30.
    world = world_in("en")
    with h.committed():
        dossier = h.payment_confirmed(world)
    h.run_queued()

    email, sms = told("payment_confirmed")
    assert "Due date for the result: 09/03/2026 15:30" in email.body.splitlines()
    # The SMS gives the day, so that the link to the lookup page (which gives the minute) fits in one segment.
    assert sms.body == f"Payment received; result now due on 09/03/2026. Details: {lookup(dossier)}"


def test_the_receipt_sms_in_vietnamese_keeps_its_link():
    world = world_in("vi")
    with h.committed():
        dossier = h.received(world)
    h.run_queued()

    _email, sms = told("received")
    assert sms.body.startswith("Ho so da duoc tiep nhan, hen tra ket qua 09/03/2026. ")
    assert sms.body.endswith(lookup(dossier))


def test_the_receipt_message_gives_the_due_hour_printed_on_the_receipt():
    world = world_in("vi")
    with h.committed():
        h.received(world)
    h.run_queued()

    email, _sms = told("received")
    with translation.override("vi"):
        label = gettext("Due date for the result")
    assert f"{label}: 09/03/2026 08:00" in email.body.splitlines()


def test_an_apology_gives_the_old_and_new_due_dates_to_the_minute():
    world = world_in("en")
    with h.committed():
        h.apology(world)
    h.run_queued()

    email, _sms = told("apology")
    lines = email.body.splitlines()
    assert "We apologise: your dossier could not be processed by the due date of 09/03/2026 08:00." in lines
    assert "Due date for the result: 12/03/2026 08:00" in lines


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_result_sent_by_post_is_not_called_handed_over_before_delivery(language):
    world = world_in(language)
    with h.committed():
        dossier = h.result_ready(world)
    with h.committed():
        postal_result_send(
            by=world.front_desk,
            dossier=dossier,
            receiver_name="Trần Thị Bình",
            receiver_phone="0912 345 678",
            receiver_address="Số 5, thôn Đông",
            receiver_division_code="14464",
        )
    h.run_queued()

    email, _sms = told("returned")
    with translation.override(language):
        status = gettext("Status")
        sent = gettext("The result has been sent to you by post; delivery is not confirmed yet.")
        handed_over = gettext("Completed: the result has been handed over to you.")
    assert f"{status}: {sent}" in email.body.splitlines()
    assert handed_over not in email.body


def test_a_result_handed_over_at_the_counter_still_says_completed():
    world = world_in("en")
    with h.committed():
        h.returned(world)
    h.run_queued()

    email, _sms = told("returned")
    assert "Status: Completed: the result has been handed over to you." in email.body.splitlines()
