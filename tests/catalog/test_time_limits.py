"""Time limits in working hours: hours and minutes are working time; calendar days and months are not."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from chinhquyen.catalog.models import Procedure, TimeUnit, time_limit_in_working_hours

from .factories import ProcedureFactory


@pytest.mark.parametrize(
    ("value", "unit", "hours"),
    [
        pytest.param(Decimal(5), TimeUnit.WORKING_DAYS, Decimal(40), id="working-days"),
        pytest.param(Decimal("1.5"), TimeUnit.WORKING_DAYS, Decimal(12), id="decimal-working-days"),
        pytest.param(Decimal(4), TimeUnit.WORKING_HOURS, Decimal(4), id="working-hours"),
        pytest.param(Decimal(3), TimeUnit.HOURS, Decimal(3), id="3-gio"),
        pytest.param(Decimal(24), TimeUnit.HOURS, Decimal(24), id="24-gio"),
        pytest.param(Decimal(15), TimeUnit.DAYS, None, id="calendar-days"),
        pytest.param(Decimal(6), TimeUnit.MONTHS, None, id="months"),
        pytest.param(Decimal(30), TimeUnit.MINUTES, Decimal("0.5"), id="minutes"),
        pytest.param(None, TimeUnit.HOURS, None, id="no-value"),
    ],
)
def test_time_limit_in_working_hours(value, unit, hours):
    assert time_limit_in_working_hours(value, unit) == hours


@pytest.mark.django_db
def test_saving_a_procedure_in_hours_stores_its_working_hours():
    procedure = ProcedureFactory(time_limit_text="8 Giờ", time_limit_value=Decimal(8), time_limit_unit="hours")

    procedure.refresh_from_db()

    assert procedure.time_limit_hours == Decimal(8)


@pytest.mark.django_db
def test_migration_fills_the_working_hours_of_limits_in_hours():
    in_hours = ProcedureFactory(time_limit_text="3 Giờ", time_limit_value=Decimal(3), time_limit_unit="hours")
    in_months = ProcedureFactory(time_limit_text="6 Tháng", time_limit_value=Decimal(6), time_limit_unit="months")
    in_days = ProcedureFactory()  # 5 working days
    Procedure.objects.filter(pk=in_hours.pk).update(time_limit_hours=None)  # as saved before the migration
    migration = importlib.import_module("chinhquyen.catalog.migrations.0003_time_limit_hours_for_hours")

    migration.hours_fill(apps, None)

    assert dict(Procedure.objects.values_list("pk", "time_limit_hours")) == {
        in_hours.pk: Decimal(3),
        in_months.pk: None,
        in_days.pk: Decimal(40),
    }

    migration.hours_clear(apps, None)

    assert Procedure.objects.get(pk=in_hours.pk).time_limit_hours is None
    assert Procedure.objects.get(pk=in_days.pk).time_limit_hours == Decimal(40)
