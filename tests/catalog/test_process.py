"""Process templates: step shares add up to the legal limit in working hours; a system check watches saved ones."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.core import checks
from django.core.exceptions import ValidationError
from django.db import DatabaseError

from chinhquyen.catalog.checks import check_process_templates
from chinhquyen.catalog.models import ProcessStep, ProcessTemplate
from chinhquyen.catalog.services import procedure_save, process_template_set
from tests.factories import AgencyFactory

from .factories import ProcedureFactory

pytestmark = pytest.mark.django_db


def _steps(*shares, agency=None):
    roles = ["front_desk", "specialist", "leader", "front_desk"]
    steps = [
        {"name": f"Bước {i}", "role": roles[i % 4], "share_hours": share, "agency": agency}
        for i, share in enumerate(shares)
    ]
    if steps and not any(step["role"] == "leader" for step in steps):
        steps[-1]["role"] = "leader"  # every process needs a leader's step to approve
    return steps


def test_steps_that_add_up_replace_the_template():
    procedure = ProcedureFactory(code="1.000001")  # 5 working days = 40 working hours
    department = AgencyFactory()
    process_template_set(procedure=procedure, steps=_steps(4, 36))

    template = process_template_set(procedure=procedure, steps=_steps("0.5", "31.5", 4, 4, agency=department))

    assert ProcessTemplate.objects.count() == 1
    assert list(template.steps.values_list("order", "name", "role", "agency_id", "share_hours")) == [
        (1, "Bước 0", "front_desk", department.pk, Decimal("0.50")),
        (2, "Bước 1", "specialist", department.pk, Decimal("31.50")),
        (3, "Bước 2", "leader", department.pk, Decimal("4.00")),
        (4, "Bước 3", "front_desk", department.pk, Decimal("4.00")),
    ]


@pytest.mark.parametrize(
    "shares",
    [pytest.param((8, 24), id="short"), pytest.param((8, 32, 1), id="long"), pytest.param((), id="no-steps")],
)
def test_steps_that_do_not_add_up_are_refused_and_nothing_changes(shares):
    procedure = ProcedureFactory(code="1.000002")
    process_template_set(procedure=procedure, steps=_steps(8, 32))

    with pytest.raises(ValidationError) as exc:
        process_template_set(procedure=procedure, steps=_steps(*shares))

    total = sum(shares)
    assert exc.value.messages == [
        f"The steps add up to {total} working hours, but the time limit of 1.000002 is 40 working hours "
        "(5 Ngày làm việc)."
    ]
    assert list(ProcessStep.objects.values_list("share_hours", flat=True)) == [Decimal(8), Decimal(32)]


def test_invalid_steps_are_described():
    procedure = ProcedureFactory()
    steps = [{"name": "", "role": "clerk", "share_hours": "-1"}, {"name": "B", "role": "leader", "share_hours": "x"}]
    with pytest.raises(ValidationError) as exc:
        process_template_set(procedure=procedure, steps=steps)
    assert exc.value.messages == [
        "Step 1 has no name.",
        "Step 1 has an unknown role clerk.",
        "Step 1 needs a share of working hours of zero or more.",
        "Step 2 needs a share of working hours of zero or more.",
    ]


def test_a_limit_in_calendar_days_has_no_sum_to_meet():
    procedure = ProcedureFactory(time_limit_text="30 Ngày", time_limit_value=30, time_limit_unit="days")
    assert procedure.time_limit_hours is None
    template = process_template_set(procedure=procedure, steps=_steps(8, 16))
    assert template.steps.count() == 2


def test_system_check_reports_templates_that_no_longer_add_up():
    good = ProcedureFactory(code="1.000010")
    process_template_set(procedure=good, steps=_steps(8, 32))
    changed = ProcedureFactory(code="1.000011")
    template = process_template_set(procedure=changed, steps=_steps(8, 32))
    assert check_process_templates() == []

    changed.time_limit_text, changed.time_limit_value = "3 Ngày làm việc", Decimal(3)
    procedure_save(procedure=changed)

    errors = [e for e in checks.run_checks() if e.id == "catalog.W002"]
    assert [(e.id, e.obj, e.msg) for e in errors] == [
        (
            "catalog.W002",
            template,
            "The steps add up to 40 working hours, but the time limit of 1.000011 is 24 working hours "
            "(3 Ngày làm việc).",
        )
    ]


def test_a_process_without_a_leader_is_refused_and_the_check_reports_saved_ones():
    procedure = ProcedureFactory(code="1.000012")
    steps = [
        {"name": "Tiếp nhận", "role": "front_desk", "share_hours": 8},
        {"name": "Xử lý", "role": "specialist", "share_hours": 32},
    ]
    with pytest.raises(ValidationError) as exc:
        process_template_set(procedure=procedure, steps=steps)
    assert exc.value.messages == ["A process needs a leader's step to approve the result."]
    assert ProcessTemplate.objects.count() == 0

    template = process_template_set(procedure=procedure, steps=_steps(8, 32))
    template.steps.filter(role="leader").update(role="specialist")  # as an old row or a raw edit could leave it

    errors = [e for e in checks.run_checks() if e.id == "catalog.E002"]
    assert [(e.obj, e.msg) for e in errors] == [
        (template, "The process of 1.000012 has no leader's step: its dossiers cannot be approved.")
    ]


def test_system_check_is_silent_before_migrations(monkeypatch):
    def no_table(*args, **kwargs):
        raise DatabaseError("no such table: catalog_processtemplate")

    monkeypatch.setattr(ProcessTemplate.objects, "select_related", no_table)
    assert check_process_templates() == []


def test_system_check_only_runs_for_the_catalog():
    assert check_process_templates(app_configs=[apps.get_app_config("directory")]) == []


def test_a_limit_changed_under_a_template_does_not_stop_migrate():
    # The next deployment runs migrate, which runs the checks: a warning must not stop it.
    from django.core.management import call_command

    changed = ProcedureFactory(code="1.000012")
    process_template_set(procedure=changed, steps=_steps(8, 32))
    changed.time_limit_text, changed.time_limit_value = "3 Ngày làm việc", Decimal(3)
    procedure_save(procedure=changed)

    call_command("check", fail_level="ERROR")  # raises SystemCheckError on an error
    assert [e.level for e in checks.run_checks() if e.id == "catalog.W002"] == [checks.WARNING]
