"""The cached calendar across processes, the admin screens and the import command."""

from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command

from chinhquyen.workcal import selectors
from chinhquyen.workcal.engine import TZ
from chinhquyen.workcal.models import DateOverride, WorkSchedule
from chinhquyen.workcal.selectors import calendar_current
from chinhquyen.workcal.services import date_override_add, work_schedule_get
from tests.factories import UserFactory
from tests.office.auth_helpers import officer_login

pytestmark = pytest.mark.django_db


def test_calendar_is_cached_between_calls():
    assert calendar_current() is calendar_current()


def test_change_from_another_process_is_seen_after_the_recheck_delay(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: now[0])
    assert calendar_current().is_working_day(date(2026, 3, 9))
    # bulk_create sends no signal, as if another process had saved the row.
    DateOverride.objects.bulk_create([DateOverride(date=date(2026, 3, 9), kind="day_off", reason="Nghỉ")])

    now[0] += 59
    cached = calendar_current().is_working_day(date(2026, 3, 9))
    now[0] += 2
    fresh = calendar_current().is_working_day(date(2026, 3, 9))

    assert (cached, fresh) == (True, False)


def test_unchanged_tables_keep_the_calendar_after_the_recheck(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: now[0])
    first = calendar_current()

    now[0] += 120

    assert calendar_current() is first


@pytest.fixture
def admin_client(client):
    officer_login(client, UserFactory(username="root", is_staff=True, is_superuser=True))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_admin_pages_render(admin_client):
    date_override_add(date=date(2026, 3, 9), kind="day_off", reason="Nghỉ đột xuất")

    pages = [
        "/admin/workcal/dateoverride/",
        "/admin/workcal/dateoverride/?year=2026",
        "/admin/workcal/dateoverride/add/",
        "/admin/workcal/dateoverride/special-days/?year=2026",
        "/admin/workcal/workschedule/",
        "/admin/workcal/workschedule/add/",
    ]

    assert [admin_client.get(url).status_code for url in pages] == [200] * len(pages)
    assert "Ngày Văn hóa Việt Nam" in admin_client.get(pages[3]).content.decode()


def test_admin_refuses_a_second_schedule_and_deleting_it(admin_client):
    schedule = work_schedule_get()

    assert admin_client.get("/admin/workcal/workschedule/add/").status_code == 403
    assert admin_client.get(f"/admin/workcal/workschedule/{schedule.pk}/delete/").status_code == 403
    assert admin_client.get(f"/admin/workcal/workschedule/{schedule.pk}/change/").status_code == 200


def test_admin_schedule_is_saved_as_the_single_row(admin_client):
    data = {"monday": "on", "tuesday": "on", "wednesday": "on", "thursday": "on", "friday": "on", "saturday": "on"}
    data |= {"periods": "08:00-12:00, 13:30-17:30", "same_day_cutoff": "15:00"}

    response = admin_client.post("/admin/workcal/workschedule/add/", data)

    assert response.status_code == 302
    assert WorkSchedule.objects.get().pk == 1
    assert calendar_current().is_working_day(date(2026, 3, 7))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026/13/45", "Enter the date as YYYY-MM-DD (e.g. 2026-08-22) or DD/MM/YYYY."),
        ("2026-03-08", "2026-03-08 is already a day off: Sunday is not a working weekday."),
    ],
)
def test_admin_override_form_explains_a_bad_date(admin_client, value, message):
    response = admin_client.post(
        "/admin/workcal/dateoverride/add/", {"date": value, "kind": "day_off", "reason": "Thử"}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not DateOverride.objects.exists()


def test_admin_override_form_accepts_a_working_saturday(admin_client):
    response = admin_client.post(
        "/admin/workcal/dateoverride/add/", {"date": "07/03/2026", "kind": "working_day", "reason": "Làm bù"}
    )

    assert response.status_code == 302
    assert calendar_current().add_working_days(datetime(2026, 3, 6, 16, 30, tzinfo=TZ), 1) == datetime(
        2026, 3, 7, 16, 30, tzinfo=TZ
    )


def test_import_command(tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text("2026-03-09,day_off,Nghỉ\n2026-03-07,working_day,Làm bù\n", encoding="utf-8")

    call_command("workcal_overrides_import", str(good))

    assert "Imported 2 date override(s)." in capsys.readouterr().out
    assert DateOverride.objects.count() == 2


def test_import_command_refuses_a_bad_file(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("2026-03-10,day_off,Nghỉ\n2026-3-9,day_off,Nghỉ\n", encoding="utf-8")

    with pytest.raises(CommandError, match=r"1 line\(s\) refused; nothing was saved."):
        call_command("workcal_overrides_import", str(bad))

    assert "Line 2: “2026-3-9” is not a date in the form YYYY-MM-DD." in capsys.readouterr().err
    assert not DateOverride.objects.exists()
