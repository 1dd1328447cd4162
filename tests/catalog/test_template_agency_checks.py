"""Process templates: a step may not name an inactive agency, and a step may be numbered 0."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.core import checks
from django.core.exceptions import ValidationError
from django.db import DatabaseError

from chinhquyen.catalog.checks import check_process_templates_name_active_agencies
from chinhquyen.catalog.models import ProcessStep, ProcessTemplate
from chinhquyen.catalog.services import process_template_set
from chinhquyen.directory.models import Agency
from tests.factories import AgencyFactory

from .factories import ProcedureFactory

pytestmark = pytest.mark.django_db


def _procedure():
    return ProcedureFactory(time_limit_value=Decimal(5), time_limit_unit="working_days", time_limit_text="5")


def _steps(*, agency=None, agency_id=None):
    specialist = {"name": "Thẩm định", "role": "specialist", "share_hours": 20}
    if agency is not None:
        specialist["agency"] = agency
    if agency_id is not None:
        specialist["agency_id"] = agency_id
    return [specialist, {"name": "Phê duyệt", "role": "leader", "share_hours": 20}]


def test_a_step_numbered_zero_keeps_its_number():
    procedure = _procedure()

    template = process_template_set(
        procedure=procedure,
        steps=[
            {"order": 0, "name": "Thẩm định", "role": "specialist", "share_hours": 20},
            {"order": 1, "name": "Phê duyệt", "role": "leader", "share_hours": 20},
        ],
    )

    assert list(template.steps.order_by("order").values_list("order", flat=True)) == [0, 1]


def test_steps_without_an_order_are_numbered_by_position():
    template = process_template_set(procedure=_procedure(), steps=_steps())

    assert list(template.steps.order_by("order").values_list("order", flat=True)) == [1, 2]


@pytest.mark.parametrize("by", [pytest.param("agency", id="instance"), pytest.param("agency_id", id="id")])
def test_a_step_naming_an_inactive_agency_is_refused_and_nothing_changes(by):
    procedure = _procedure()
    process_template_set(procedure=procedure, steps=_steps())
    closed = AgencyFactory(name="UBND xã Gia Sinh", is_active=False)

    with pytest.raises(ValidationError) as refused:
        process_template_set(procedure=procedure, steps=_steps(**{by: closed if by == "agency" else closed.pk}))

    assert refused.value.messages == [
        "Step 1 names UBND xã Gia Sinh, which is no longer active: choose an active agency, or none for the "
        "receiving agency."
    ]
    assert list(ProcessStep.objects.values_list("agency_id", flat=True)) == [None, None]


def test_a_step_naming_an_active_agency_is_kept():
    department = AgencyFactory()

    template = process_template_set(procedure=_procedure(), steps=_steps(agency_id=department.pk))

    assert list(template.steps.order_by("order").values_list("agency_id", flat=True)) == [department.pk, None]


def test_the_system_check_reports_saved_templates_naming_an_inactive_agency():
    kept = AgencyFactory()
    merged = AgencyFactory(name="UBND xã Gia Sinh")
    process_template_set(procedure=ProcedureFactory(code="1.000020"), steps=_steps(agency=kept))
    template = process_template_set(procedure=ProcedureFactory(code="1.000021"), steps=_steps(agency=merged))
    assert check_process_templates_name_active_agencies() == []

    Agency.objects.filter(pk=merged.pk).update(is_active=False)  # a commune merger

    warnings = [w for w in checks.run_checks() if w.id == "catalog.W001"]
    assert [(type(w), w.obj, w.msg) for w in warnings] == [
        (
            checks.Warning,
            template,
            "The process of 1.000021 names an inactive agency (UBND xã Gia Sinh): its dossiers cannot be received.",
        )
    ]


def test_the_system_check_is_silent_before_migrations_and_for_other_apps(monkeypatch):
    def no_table(*args, **kwargs):
        raise DatabaseError("no such table: catalog_processtemplate")

    assert check_process_templates_name_active_agencies(app_configs=[apps.get_app_config("directory")]) == []
    monkeypatch.setattr(ProcessTemplate.objects, "filter", no_table)
    assert check_process_templates_name_active_agencies() == []
