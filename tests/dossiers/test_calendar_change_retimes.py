"""A change to the working calendar re-times the open dossiers it affects: a day off declared after reception
gives the dossier its working day back, a make-up working day takes one, each with a line in the timeline."""

import pytest
from django.urls import reverse
from django.utils import timezone

from chinhquyen.core.models import AuditEntry
from chinhquyen.dossiers.models import Dossier, DossierEvent, DossierStatus
from chinhquyen.dossiers.selectors import dossier_timeline
from chinhquyen.dossiers.services import (
    apology_letter_approve,
    apology_letter_draft,
    apology_letter_send,
    dossier_approve,
    dossier_forward,
    dossier_issue_result,
    dossier_request_supplement,
    dossier_withdraw,
)
from chinhquyen.workcal.models import DateOverride, OverrideKind
from chinhquyen.workcal.services import date_override_add, date_overrides_import, work_schedule_update
from tests.dossiers.factories import World, supplement_send, vn

pytestmark = pytest.mark.django_db

RECEIVED = vn(2026, 11, 25, 9, 0)  # Wednesday: 5 working days make Wednesday 2 December 09:00
DUE = vn(2026, 12, 2, 9, 0)
# The default flow's steps (specialist 28 h, leader 8 h, front desk 4 h) of a dossier received then.
STEP_DUES = [vn(2026, 11, 30, 14, 30), vn(2026, 12, 1, 14, 30), DUE]
REASON = (
    "A change to the working calendar from 02/12/2026 moves the due date from 02/12/2026 09:00 to 03/12/2026 09:00."
)


@pytest.fixture(autouse=True)
def _site_in_english(settings):
    # The reason is a record, written in the site's language (as the steps' names are).
    settings.LANGUAGE_CODE = "en"


def _dues(dossier: Dossier) -> tuple:
    fresh = Dossier.objects.get(pk=dossier.pk)
    return fresh.due_at, [step.due_at for step in fresh.steps.order_by("order")]


def _retimes(dossier: Dossier) -> list[DossierEvent]:
    return list(DossierEvent.objects.filter(dossier=dossier, action="calendar_retime").order_by("pk"))


def _day_off(day, kind=OverrideKind.DAY_OFF) -> DateOverride:
    return date_override_add(date=day, kind=kind, reason="Quyết định 99/QĐ-UBND")


def test_a_day_off_declared_after_reception_gives_the_dossier_its_working_day_back():
    world = World()
    dossier = world.received(at=RECEIVED)
    assert _dues(dossier) == (DUE, STEP_DUES)

    _day_off(vn(2026, 12, 2).date())

    # The last step ends with the dossier; the earlier steps end before the day off and keep their dates.
    assert _dues(dossier) == (vn(2026, 12, 3, 9, 0), [*STEP_DUES[:2], vn(2026, 12, 3, 9, 0)])
    assert Dossier.objects.get(pk=dossier.pk).version == dossier.version + 1
    [event] = _retimes(dossier)
    last_step = dossier.steps.order_by("order").last()
    assert (event.actor, event.internal, event.from_status, event.to_status, event.reason) == (
        None,
        False,  # the due date the applicant was given moved: they see the row
        DossierStatus.RECEIVED,
        DossierStatus.RECEIVED,
        REASON,
    )
    assert event.data == {
        "since": "2026-12-02T00:00:00+07:00",
        "old_due_at": "2026-12-02T09:00:00+07:00",
        "new_due_at": "2026-12-03T09:00:00+07:00",
        "steps": [
            {"step": last_step.pk, "old_due_at": "2026-12-02T09:00:00+07:00", "new_due_at": "2026-12-03T09:00:00+07:00"}
        ],
        "causes": [{"what": "day_off", "date": "2026-12-02", "note": "Quyết định 99/QĐ-UBND"}],
    }
    entry = AuditEntry.objects.get(action="dossier.calendar_retime")
    assert (entry.target, entry.data["new_due_at"]) == (f"dossier:{dossier.pk}", "2026-12-03T09:00:00+07:00")


def test_the_applicant_sees_the_retime_that_moves_their_due_date():
    world = World()
    dossier = world.received(at=RECEIVED)

    _day_off(vn(2026, 12, 2).date())

    # (In any order: the retime is dated now, the reception in these tests' future.)
    assert {e.action for e in dossier_timeline(dossier=dossier)} == {"create", "receive", "calendar_retime"}
    assert {e.action for e in dossier_timeline(dossier=dossier, for_applicant=True)} == {
        "create",
        "receive",
        "calendar_retime",
    }


def test_the_office_timeline_names_the_retime_in_words(client):
    from tests.office.auth_helpers import officer_login

    world = World()
    dossier = world.received(at=RECEIVED)
    _day_off(vn(2026, 12, 2).date())
    officer_login(client, world.front_desk)

    html = client.get(reverse("office:dossier", args=[dossier.pk]), headers={"accept-language": "en"}).content

    assert b"Move the due dates with the working calendar" in html
    assert REASON.encode() in html


def test_deleting_the_day_off_moves_the_due_date_back():
    world = World()
    dossier = world.received(at=RECEIVED)
    override = _day_off(vn(2026, 12, 2).date())

    override.delete()

    assert _dues(dossier) == (DUE, STEP_DUES)
    assert [e.data["new_due_at"] for e in _retimes(dossier)] == [
        "2026-12-03T09:00:00+07:00",
        "2026-12-02T09:00:00+07:00",
    ]


def test_a_make_up_working_saturday_shortens_the_dossier_and_its_steps():
    world = World()
    dossier = world.received(at=RECEIVED)

    _day_off(vn(2026, 11, 28).date(), kind=OverrideKind.WORKING_DAY)

    # Each step keeps the working time it had left from Saturday: one day earlier.
    due = vn(2026, 12, 1, 9, 0)
    assert _dues(dossier) == (due, [vn(2026, 11, 28, 14, 30), vn(2026, 11, 30, 14, 30), due])


def test_a_day_off_moved_to_another_date_retimes_from_the_earlier_one():
    world = World()
    dossier = world.received(at=RECEIVED)
    override = _day_off(vn(2026, 12, 2).date())

    override.date = vn(2026, 11, 30).date()
    override.save()

    # Monday off instead of Wednesday: the specialist's step, due Monday, moves too.
    due = vn(2026, 12, 3, 9, 0)
    assert _dues(dossier) == (due, [vn(2026, 12, 1, 14, 30), vn(2026, 12, 2, 14, 30), due])


def test_a_new_reason_alone_moves_nothing():
    world = World()
    dossier = world.received(at=RECEIVED)
    override = _day_off(vn(2026, 12, 2).date())

    override.reason = "Quyết định 100/QĐ-UBND"
    override.save()

    assert len(_retimes(dossier)) == 1


@pytest.mark.parametrize("ending", ["resolved", "withdrawn"])
def test_a_finished_dossier_does_not_move(ending):
    world = World()
    dossier = world.received(at=RECEIVED)
    if ending == "resolved":
        dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 11, 26, 9, 0))
        dossier = dossier_approve(by=world.leader, dossier=dossier, at=vn(2026, 11, 26, 10, 0))
        dossier = dossier_issue_result(by=world.front_desk, dossier=dossier, text="Kết quả", at=vn(2026, 11, 26, 11, 0))
    else:
        dossier = dossier_withdraw(by=world.front_desk, dossier=dossier, reason="Rút", at=vn(2026, 11, 26, 9, 0))
    before = _dues(dossier)

    _day_off(vn(2026, 12, 2).date())

    assert _dues(dossier) == before
    assert _retimes(dossier) == []


def test_a_day_off_declared_retroactively_moves_only_dossiers_counting_through_it():
    world = World()
    # Friday: due Monday 30 November 09:00 (Tuesday 24 November, Vietnamese Culture Day, is off).
    earlier = world.received(at=vn(2026, 11, 20, 9, 0))
    assert _dues(earlier)[0] == vn(2026, 11, 30, 9, 0)
    later = world.received(at=RECEIVED)  # after Monday 23 November: counted on the new calendar already

    _day_off(vn(2026, 11, 23).date())

    assert _dues(earlier)[0] == vn(2026, 12, 1, 9, 0)
    assert _dues(later) == (DUE, STEP_DUES)
    assert _retimes(later) == []


def test_a_paused_dossier_moves_and_resumes_from_its_new_due_date():
    world = World()
    dossier = world.received(at=RECEIVED)
    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["Bản sao CCCD"], reason="Thiếu", at=vn(2026, 11, 26, 9, 0)
    )

    _day_off(vn(2026, 12, 2).date())

    paused = Dossier.objects.get(pk=dossier.pk)
    assert (paused.status, paused.due_at) == (DossierStatus.SUPPLEMENT_REQUESTED, vn(2026, 12, 3, 9, 0))
    # 8 working hours used before the pause; the 32 left count from Monday 09:00, Wednesday 2 December off.
    resumed = supplement_send(world, paused, at=vn(2026, 11, 30, 9, 0))
    assert resumed.due_at == vn(2026, 12, 7, 9, 0)


def test_a_dossier_extended_by_an_apology_letter_keeps_the_date_the_letter_promised():
    world = World()
    dossier = world.received(at=RECEIVED)
    letter = apology_letter_draft(
        by=world.specialist, dossier=dossier, reason="Chờ ý kiến", new_due_at=vn(2026, 12, 4, 9, 0)
    )
    letter = apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 11, 26, 9, 0))
    apology_letter_send(by=world.leader, letter=letter, at=vn(2026, 11, 26, 10, 0))

    _day_off(vn(2026, 12, 3).date())

    assert Dossier.objects.get(pk=dossier.pk).due_at == vn(2026, 12, 4, 9, 0)
    assert _retimes(dossier) == []


def test_a_limit_in_calendar_days_moves_only_off_a_day_off():
    world = World(days=7, unit="days")  # Wednesday 25 November 09:00 + 7 days: Wednesday 2 December 09:00
    dossier = world.received(at=RECEIVED)
    assert _dues(dossier) == (DUE, STEP_DUES)

    _day_off(vn(2026, 11, 30).date())  # inside the limit: calendar days count it
    assert _dues(dossier) == (DUE, [vn(2026, 12, 1, 14, 30), DUE, DUE])

    _day_off(vn(2026, 12, 2).date())  # the due date itself: the next working day, same time
    assert _dues(dossier)[0] == vn(2026, 12, 3, 9, 0)
    # Only the steps moved the first time: the applicant does not see that row.
    assert [e.internal for e in _retimes(dossier)] == [True, False]


def test_an_import_retimes_each_dossier_once():
    world = World()
    dossier = world.received(at=RECEIVED)

    result = date_overrides_import(text="2026-11-30,day_off,Nghỉ bù\n2026-12-02,day_off,Nghỉ bão\n")

    assert (len(result.created), result.errors) == (2, [])
    assert _dues(dossier)[0] == vn(2026, 12, 4, 9, 0)
    [event] = _retimes(dossier)
    assert event.data["since"] == "2026-11-30T00:00:00+07:00"


def test_a_day_off_added_in_the_admin_retimes_in_the_admins_name(admin_client, admin_user):
    world = World()
    dossier = world.received(at=RECEIVED)

    response = admin_client.post(
        reverse("admin:workcal_dateoverride_add"),
        {"date": "2026-12-02", "kind": OverrideKind.DAY_OFF, "reason": "Nghỉ bão"},
    )

    assert response.status_code == 302
    assert _dues(dossier)[0] == vn(2026, 12, 3, 9, 0)
    [event] = _retimes(dossier)
    assert event.actor == admin_user


def test_deleting_several_days_off_in_the_admin_retimes_each_dossier_once(admin_client):
    world = World()
    dossier = world.received(at=RECEIVED)
    days = [_day_off(vn(2026, 11, 30).date()), _day_off(vn(2026, 12, 2).date())]

    response = admin_client.post(
        reverse("admin:workcal_dateoverride_changelist"),
        {"action": "delete_selected", "_selected_action": [d.pk for d in days], "post": "yes"},
    )

    assert response.status_code == 302
    assert _dues(dossier) == (DUE, STEP_DUES)
    assert [e.data["new_due_at"] for e in _retimes(dossier)] == [
        "2026-12-03T09:00:00+07:00",
        "2026-12-04T09:00:00+07:00",
        "2026-12-02T09:00:00+07:00",
    ]


def test_working_saturdays_count_from_the_change_on(monkeypatch):
    world = World()
    dossier = world.received(at=RECEIVED)
    monkeypatch.setattr(timezone, "now", lambda: vn(2026, 11, 26, 12, 0))

    work_schedule_update(weekdays=range(6))

    # From Thursday noon, 29.5 working hours were left: Saturday 28 November now counts.
    assert _dues(dossier)[0] == vn(2026, 12, 1, 9, 0)
    [event] = _retimes(dossier)
    assert event.data["since"] == "2026-11-26T12:00:00+07:00"
