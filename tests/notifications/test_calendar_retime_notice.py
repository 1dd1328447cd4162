"""A change to the working calendar that moves the due date the applicant was given tells them: old and new date
(to the minute, as on the receipt), why, the dossier's code and the lookup link; once per run of re-timings."""

from datetime import date

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from chinhquyen.dossiers.models import Dossier, DossierEvent
from chinhquyen.dossiers.selectors import dossier_timeline
from chinhquyen.notifications.models import Channel, Kind, Notification, Preference, State
from chinhquyen.workcal.models import DateOverride, OverrideKind
from chinhquyen.workcal.services import date_override_add
from tests.dossiers.factories import vn
from tests.notifications import helpers as h

pytestmark = pytest.mark.django_db

BASE = "https://dichvucong.ninhbinh.gov.vn/"
NOTE = "Quyết định 12/QĐ-UBND"
DELIVER = "chinhquyen.notifications.tasks.notification_deliver"


def world_in(language: str = "en"):
    world = h.reachable_world()
    Preference.objects.create(user=world.applicant.user, language=language)
    return world


def received(world) -> Dossier:
    with h.committed():
        return h.received(world)  # Monday 2 March 2026 08:00: due Monday 9 March 08:00


def day_off(day: date, note: str = NOTE) -> DateOverride:
    return date_override_add(date=day, kind=OverrideKind.DAY_OFF, reason=note)


def told(dossier: Dossier) -> dict[str, Notification]:
    rows = Notification.objects.filter(dossier=dossier, kind=Kind.DUE_DATE_MOVED)
    return {n.channel: n for n in rows}


def test_a_day_off_declared_after_reception_tells_the_applicant_the_new_due_date_and_why():
    world = world_in("en")
    dossier = received(world)
    queued = DBTaskResult.objects.filter(task_path=DELIVER, status="READY").count()  # the reception's

    with h.committed():
        day_off(date(2026, 3, 5))

    rows = told(dossier)
    assert set(rows) == {Channel.EMAIL, Channel.SMS}
    email, sms = rows[Channel.EMAIL], rows[Channel.SMS]
    event = DossierEvent.objects.get(dossier=dossier, action="calendar_retime")
    assert (email.event_id, email.state, email.recipient, sms.recipient) == (event.pk, State.PENDING, h.EMAIL, h.PHONE)
    assert email.subject == f"Dossier {dossier.code}: due date moved to 10/03/2026 08:00"
    lookup = f"{BASE}tra-cuu-ho-so/?ma={dossier.code}&k={dossier.lookup_secret}"
    assert email.body == (
        f"Dear {world.applicant.name},\n"
        "\n"
        "A change to the working calendar moves the due date for the result of your dossier from 09/03/2026 08:00 "
        "to 10/03/2026 08:00.\n"
        f"Reason: 05/03/2026 is a day off ({NOTE})\n"
        "\n"
        f"Dossier code: {dossier.code}\n"
        f"Procedure: {dossier.procedure.name}\n"
        "Status: Received by the agency; processing will start shortly.\n"
        "Due date for the result: 10/03/2026 08:00\n"
        "\n"
        "What to do next:\n"
        "Nothing. The result is due on the new date above; the receipt you were given still shows the first one.\n"
        "\n"
        f"Look up a dossier: {lookup}\n"
        f"My dossiers: {BASE}ho-so-cua-toi/\n"
        "\n"
        "This message was sent automatically by the public service portal; replies are not read.\n"
    )
    assert sms.body == (
        f"Dossier {dossier.code}: due date moved from 09/03/2026 08:00 to 10/03/2026 08:00 (working calendar changed)."
    )
    # Through the queued delivery, as every notification: one task per row, sent by the worker.
    assert DBTaskResult.objects.filter(task_path=DELIVER, status="READY").count() == queued + 2
    h.run_queued()
    assert set(Notification.objects.filter(kind=Kind.DUE_DATE_MOVED).values_list("state", flat=True)) == {State.SENT}


def test_the_applicant_is_told_in_vietnamese_by_default():
    world = h.reachable_world()
    dossier = received(world)

    with h.committed():
        day_off(date(2026, 3, 5))

    rows = told(dossier)
    assert set(rows) == {Channel.EMAIL, Channel.SMS}
    assert rows[Channel.EMAIL].language == "vi"
    assert "09/03/2026 08:00" in rows[Channel.EMAIL].body
    assert "10/03/2026 08:00" in rows[Channel.EMAIL].body
    assert NOTE in rows[Channel.EMAIL].body


def test_a_day_off_after_the_due_date_tells_nobody():
    world = world_in()
    dossier = received(world)

    with h.committed():
        day_off(date(2026, 3, 10))

    assert not DossierEvent.objects.filter(dossier=dossier, action="calendar_retime").exists()
    assert told(dossier) == {}


def test_two_changes_in_one_transaction_tell_the_applicant_once_from_the_first_date_to_the_last():
    world = world_in()
    dossier = received(world)

    with h.committed(), transaction.atomic():
        # Each saved on its own (not batched): the dossier is re-timed twice in the same change.
        day_off(date(2026, 3, 5))
        day_off(date(2026, 3, 6), note="Nghỉ bù")

    first, second = DossierEvent.objects.filter(dossier=dossier, action="calendar_retime").order_by("pk")
    assert (first.internal, second.internal) == (False, False)
    assert Notification.objects.filter(event=first).count() == 0
    rows = told(dossier)
    assert {n.event_id for n in rows.values()} == {second.pk}
    assert rows[Channel.EMAIL].subject == f"Dossier {dossier.code}: due date moved to 11/03/2026 08:00"
    assert (
        "moves the due date for the result of your dossier from 09/03/2026 08:00 to 11/03/2026 08:00."
        in rows[Channel.EMAIL].body
    )
    assert f"Reason: 05/03/2026 is a day off ({NOTE}); 06/03/2026 is a day off (Nghỉ bù)\n" in rows[Channel.EMAIL].body


def test_a_day_off_declared_and_removed_before_the_worker_runs_tells_nothing():
    world = world_in()
    dossier = received(world)

    with h.committed(), transaction.atomic():
        day_off(date(2026, 3, 5)).delete()

    assert DossierEvent.objects.filter(dossier=dossier, action="calendar_retime").count() == 2
    assert Notification.objects.filter(kind=Kind.DUE_DATE_MOVED).count() == 0
    assert Dossier.objects.get(pk=dossier.pk).due_at == vn(2026, 3, 9, 8, 0)


def test_a_later_change_tells_the_move_from_the_date_told_last():
    world = world_in()
    dossier = received(world)
    with h.committed():
        override = day_off(date(2026, 3, 5))

    with h.committed():
        override.delete()

    first, second = DossierEvent.objects.filter(dossier=dossier, action="calendar_retime").order_by("pk")
    subjects = {
        n.event_id: n.subject for n in Notification.objects.filter(kind=Kind.DUE_DATE_MOVED, channel=Channel.EMAIL)
    }
    assert subjects == {
        first.pk: f"Dossier {dossier.code}: due date moved to 10/03/2026 08:00",
        second.pk: f"Dossier {dossier.code}: due date moved to 09/03/2026 08:00",
    }
    body = Notification.objects.get(event=second, channel=Channel.EMAIL).body
    assert "from 10/03/2026 08:00 to 09/03/2026 08:00." in body
    assert "Reason: 05/03/2026 is a working day\n" in body


def test_one_change_tells_each_dossier_it_moves_once_and_running_the_hook_again_adds_nothing():
    world = world_in()
    dossiers = [received(world) for _n in range(3)]

    with h.committed():
        day_off(date(2026, 3, 5))
    h.tasks_run(task_path=h.DISPATCH)  # a second dispatch (nothing waits) and the hook again, by hand
    from chinhquyen.notifications.services import notifications_for_event

    for event in DossierEvent.objects.filter(action="calendar_retime"):
        notifications_for_event(event_id=event.pk)

    counts = sorted(
        Notification.objects.filter(kind=Kind.DUE_DATE_MOVED).values_list("dossier_id", "channel").order_by()
    )
    assert counts == sorted((d.pk, c) for d in dossiers for c in (Channel.EMAIL, Channel.SMS))


@pytest.mark.parametrize("paused", [h.supplement_requested, h.payment_required], ids=["supplement", "payment"])
def test_a_change_while_the_clock_waits_on_the_applicant_tells_no_due_date(paused):
    # The portal shows no due date while it waits (it moves on by the wait): the resume tells the new one.
    world = world_in()
    with h.committed():
        dossier = paused(world)

    with h.committed():
        day_off(date(2026, 3, 5))

    event = DossierEvent.objects.get(dossier=dossier, action="calendar_retime")
    # Kept for the office (and the data), not shown on the applicant's page beside "paused".
    assert (event.internal, event.data["new_due_at"]) == (True, "2026-03-10T08:00:00+07:00")
    assert event not in dossier_timeline(dossier=dossier, for_applicant=True)
    assert told(dossier) == {}


def test_the_resume_after_a_change_during_the_wait_tells_the_due_date_with_both():
    world = world_in()
    with h.committed():
        dossier = h.supplement_requested(world)  # Tuesday 3 March 09:00, due Monday 9 March 08:00
    with h.committed():
        day_off(date(2026, 3, 5))

    with h.committed():
        dossier = h.supplement_send(world, dossier, at=vn(2026, 3, 4, 9, 0))
        h.dossier_supplement_accept(by=world.specialist, dossier=dossier, at=vn(2026, 3, 4, 10, 0))

    email = Notification.objects.get(dossier=dossier, kind=Kind.SUPPLEMENT_ACCEPTED, channel=Channel.EMAIL)
    assert "Due date for the result: 11/03/2026 08:00" in email.body.splitlines()
    assert told(dossier) == {}
