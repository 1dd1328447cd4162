"""Date overrides and the work schedule in the database, and the calendar built from them."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from chinhquyen.workcal.models import DateOverride, OverrideKind, WorkSchedule
from chinhquyen.workcal.selectors import (
    calendar_current,
    calendar_special_days,
    deadline_add_calendar_days,
    deadline_add_working_days,
    deadline_add_working_hours,
    deadline_counting_start,
    working_hours_between,
)
from chinhquyen.workcal.services import (
    date_override_add,
    date_overrides_import,
    work_schedule_get,
    work_schedule_update,
)
from tests.workcal.common import vn

pytestmark = pytest.mark.django_db


def test_deadline_helpers_use_the_default_schedule_without_a_row():
    assert deadline_add_working_days(start=vn(2026, 3, 6, 16, 30), days=1) == vn(2026, 3, 9, 16, 30)
    assert deadline_add_working_hours(start=vn(2026, 3, 2, 7, 30), hours=8) == vn(2026, 3, 2, 17, 0)
    assert deadline_counting_start(received_at=vn(2026, 3, 6, 15, 30), same_day=True) == vn(2026, 3, 9, 7, 30)
    assert deadline_add_calendar_days(start=vn(2026, 3, 2, 9, 0), days=5) == vn(2026, 3, 9, 9, 0)
    assert working_hours_between(start=vn(2026, 3, 6, 16, 0), end=vn(2026, 3, 9, 8, 30)) == 2.0
    assert not WorkSchedule.objects.exists()


def test_day_off_override_moves_the_deadline():
    before = deadline_add_working_days(start=vn(2026, 3, 6, 16, 30), days=1)

    date_override_add(date=date(2026, 3, 9), kind=OverrideKind.DAY_OFF, reason="Nghỉ theo Quyết định 12/QĐ-UBND")

    assert before == vn(2026, 3, 9, 16, 30)
    assert deadline_add_working_days(start=vn(2026, 3, 6, 16, 30), days=1) == vn(2026, 3, 10, 16, 30)


def test_working_saturday_override_moves_the_deadline():
    date_override_add(date=date(2026, 3, 7), kind="working_day", reason="Làm bù cho ngày 09/03")

    assert deadline_add_working_days(start=vn(2026, 3, 6, 16, 30), days=1) == vn(2026, 3, 7, 16, 30)
    assert calendar_current().is_working_day(date(2026, 3, 7))


def test_deleting_an_override_restores_the_calendar():
    override = date_override_add(date=date(2026, 3, 9), kind=OverrideKind.DAY_OFF, reason="Nghỉ đột xuất")
    assert not calendar_current().is_working_day(date(2026, 3, 9))

    override.delete()

    assert calendar_current().is_working_day(date(2026, 3, 9))


@pytest.mark.parametrize(
    ("day", "kind", "message"),
    [
        pytest.param(
            date(2026, 3, 9),
            "working_day",
            "2026-03-09 is already a working day: Monday is a working weekday.",
            id="monday",
        ),
        pytest.param(
            date(2026, 8, 22),
            "working_day",
            "2026-08-22 is already a working day: the government swapped it in.",
            id="swap",
        ),
        pytest.param(
            date(2026, 3, 8),
            "day_off",
            "2026-03-08 is already a day off: Sunday is not a working weekday.",
            id="sunday",
        ),
        pytest.param(
            date(2026, 11, 24), "day_off", "2026-11-24 is already a day off: Ngày Văn hóa Việt Nam.", id="culture-day"
        ),
    ],
)
def test_redundant_override_is_refused_with_the_reason(day, kind, message):
    with pytest.raises(ValidationError) as excinfo:
        date_override_add(date=day, kind=kind, reason="Thử")

    assert excinfo.value.message_dict == {"kind": [message]}
    assert not DateOverride.objects.exists()


def test_override_needs_a_reason_and_a_known_kind():
    with pytest.raises(ValidationError) as excinfo:
        date_override_add(date=date(2026, 3, 9), kind="ngay_le", reason="  ")

    assert set(excinfo.value.message_dict) == {"kind", "reason"}


def test_a_date_has_one_override_only():
    date_override_add(date=date(2026, 3, 9), kind="day_off", reason="Nghỉ")

    with pytest.raises(ValidationError) as excinfo:
        date_override_add(date=date(2026, 3, 9), kind="day_off", reason="Lại nghỉ")

    assert excinfo.value.message_dict == {"date": ["This date already has an override: change that one instead."]}


def test_import_saves_every_line():
    text = "# date,kind,reason\n2026-03-09,day_off,Nghỉ, theo QĐ 12\n\n2026-03-07,working_day,Làm bù\n"

    result = date_overrides_import(text=text)

    assert result.errors == []
    assert sorted((o.date.isoformat(), o.kind, o.reason) for o in DateOverride.objects.all()) == [
        ("2026-03-07", "working_day", "Làm bù"),
        ("2026-03-09", "day_off", "Nghỉ, theo QĐ 12"),
    ]
    assert deadline_add_working_days(start=vn(2026, 3, 6, 16, 30), days=2) == vn(2026, 3, 10, 16, 30)


def test_import_refuses_the_whole_input_when_a_line_is_bad():
    text = "\n".join(
        [
            "2026-03-09,day_off,Nghỉ",
            "09/03/2026,day_off,Sai định dạng",
            "2026-02-30,day_off,Ngày không có",
            "2026-03-10,ngay_le,Loại lạ",
            "2026-03-08,day_off,Chủ nhật",
            "2026-03-09,day_off,Trùng",
            "2026-03-11,day_off",
        ]
    )

    result = date_overrides_import(text=text)

    assert [(e.line, e.reason) for e in result.errors] == [
        (2, "“09/03/2026” is not a date in the form YYYY-MM-DD."),
        (3, "“2026-02-30” is not a date in the form YYYY-MM-DD."),
        (4, "“ngay_le” is not a kind of override; use day_off, holiday or working_day."),
        (5, "2026-03-08 is already a day off: Sunday is not a working weekday."),
        (6, "the date 2026-03-09 is already on line 1."),
        (7, "write date, kind and reason separated by commas."),
    ]
    assert str(result.errors[0]) == "Line 2: “09/03/2026” is not a date in the form YYYY-MM-DD."
    assert result.created == []
    assert not DateOverride.objects.exists()


def test_schedule_is_created_once_with_defaults():
    schedule = work_schedule_get()

    assert work_schedule_get().pk == schedule.pk == 1
    assert schedule.weekday_numbers() == [0, 1, 2, 3, 4]
    assert schedule.period_list() == [(time(7, 30), time(11, 30)), (time(13), time(17))]
    assert schedule.same_day_cutoff == time(15)


def test_schedule_change_applies_at_once():
    work_schedule_update(weekdays=range(6), periods="08:00-12:00, 13:30-17:30", same_day_cutoff=time(16))

    assert deadline_add_working_days(start=vn(2026, 3, 6, 16, 30), days=1) == vn(2026, 3, 7, 16, 30)
    assert deadline_counting_start(received_at=vn(2026, 3, 6, 15, 30), same_day=True) == vn(2026, 3, 6, 15, 30)
    assert deadline_counting_start(received_at=vn(2026, 3, 9, 7, 30)) == vn(2026, 3, 9, 8, 0)


@pytest.mark.parametrize(
    ("periods", "message"),
    [
        pytest.param("", "This field cannot be blank.", id="blank"),
        pytest.param(" , ", "Give at least one working period, e.g. 07:30-11:30, 13:00-17:00.", id="none"),
        pytest.param(
            "7h30-11h30",
            "Write each period as HH:MM-HH:MM between 00:00 and 23:59; “7h30-11h30” is not one.",
            id="format",
        ),
        pytest.param(
            "07:30-11:30, 25:00-26:00",
            "Write each period as HH:MM-HH:MM between 00:00 and 23:59; “25:00-26:00” is not one.",
            id="hour",
        ),
        pytest.param(
            "07:30-07:30", "Period 1 (07:30–07:30) is empty: it starts and ends at the same time.", id="empty"
        ),
        pytest.param("11:30-07:30", "Period 1 (11:30–07:30) ends before it starts.", id="reversed"),
        pytest.param(
            "07:30-11:30, 11:00-17:00", "Period 2 (11:00–17:00) overlaps period 1 (07:30–11:30).", id="overlap"
        ),
        pytest.param(
            "13:00-17:00, 07:30-11:30",
            "Period 2 (07:30–11:30) comes before period 1 (13:00–17:00): list periods in time order.",
            id="order",
        ),
    ],
)
def test_bad_periods_are_refused(periods, message):
    with pytest.raises(ValidationError) as excinfo:
        work_schedule_update(periods=periods)

    assert excinfo.value.message_dict == {"periods": [message]}


def test_schedule_without_weekday_is_refused():
    work_schedule_get()

    with pytest.raises(ValidationError) as excinfo:
        work_schedule_update(weekdays=[])

    assert excinfo.value.messages == ["Choose at least one working weekday."]
    assert WorkSchedule.objects.get().weekday_numbers() == [0, 1, 2, 3, 4]


def test_special_days_of_a_year_list_holidays_swaps_and_overrides():
    date_override_add(date=date(2026, 3, 9), kind="day_off", reason="Nghỉ đột xuất")

    days = {d.day.isoformat(): (d.is_working, d.source, d.name) for d in calendar_special_days(year=2026)}

    assert days["2026-08-22"] == (True, "Swapped working day", "")
    assert days["2026-08-31"] == (False, "Compensatory or swapped day off", "Ngày nghỉ (thay cho ngày 22/08/2026)")
    assert days["2026-04-26"] == (False, "Public holiday", "Ngày Giỗ Tổ Hùng Vương")
    assert days["2026-04-27"] == (False, "Compensatory or swapped day off", "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)")
    assert days["2026-11-24"] == (False, "Public holiday", "Ngày Văn hóa Việt Nam")
    assert days["2026-03-09"] == (False, "Date override", "Nghỉ đột xuất")
    assert len(days) == 16


def test_a_holiday_override_is_not_counted_by_calendar_days_a_day_off_is():
    start = vn(2026, 3, 2, 9, 0)  # Monday; + 3 calendar days = Thursday 5 March
    date_override_add(date=date(2026, 3, 3), kind=OverrideKind.DAY_OFF, reason="Nghỉ theo Quyết định 12/QĐ-UBND")
    assert deadline_add_calendar_days(start=start, days=3) == vn(2026, 3, 5, 9, 0)

    date_override_add(date=date(2026, 3, 4), kind=OverrideKind.HOLIDAY, reason="Ngày lễ mới theo Luật sửa đổi")

    assert deadline_add_calendar_days(start=start, days=3) == vn(2026, 3, 6, 9, 0)
    assert deadline_add_working_days(start=start, days=1) == vn(2026, 3, 5, 9, 0)
    days = {d.day.isoformat(): (d.is_working, d.source) for d in calendar_special_days(year=2026)}
    assert days["2026-03-04"] == (False, "Date override: public holiday")


def test_a_holiday_override_on_a_day_already_off_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        date_override_add(date=date(2026, 9, 2), kind=OverrideKind.HOLIDAY, reason="Trùng")

    assert excinfo.value.message_dict == {"kind": ["2026-09-02 is already a day off: Quốc khánh."]}


def test_override_outside_the_covered_years_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        date_override_add(date=date(1926, 3, 9), kind="day_off", reason="Nhầm năm")

    assert excinfo.value.message_dict == {"date": ["The working calendar covers the years 1976 to 2100."]}
