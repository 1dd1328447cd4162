"""A process whose steps all have a share of zero is refused for a procedure with a time limit (every step would be
due at reception); a system check reports saved ones."""

from decimal import Decimal

import pytest
from django.core import checks
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext

from chinhquyen.catalog.checks import check_process_templates_not_all_zero
from chinhquyen.catalog.models import Procedure, ProcedureChannel, ProcessStep, ProcessTemplate
from chinhquyen.catalog.services import process_template_set

from .factories import ProcedureFactory

pytestmark = pytest.mark.django_db

ALL_ZERO = (
    "The steps of %(code)s all have a share of zero, but the procedure has a time limit: every step would be due "
    "as soon as a dossier is received. Give the steps their shares of the time limit."
)


def _steps(*shares):
    """A specialist's steps, then the leader's to approve the result."""
    return [
        {"name": f"Bước {i + 1}", "role": "leader" if i == len(shares) - 1 else "specialist", "share_hours": share}
        for i, share in enumerate(shares)
    ]


def _calendar_procedure(code="1.000100", value="30", unit="days"):
    return ProcedureFactory(code=code, time_limit_text="", time_limit_value=Decimal(value), time_limit_unit=unit)


@pytest.mark.parametrize(
    ("value", "unit"),
    [
        pytest.param("30", "days", id="calendar-days"),
        pytest.param("1", "months", id="months"),
        pytest.param("0.5", "days", id="half-a-day"),
    ],
)
def test_all_zero_shares_are_refused_for_a_limit_with_no_sum_to_meet(value, unit):
    procedure = _calendar_procedure(value=value, unit=unit)
    assert procedure.time_limit_hours is None

    with pytest.raises(ValidationError) as exc:
        process_template_set(procedure=procedure, steps=_steps(0, "0.00", 0))

    assert [(e.code, e.message) for e in exc.value.error_list] == [
        ("process_all_zero", gettext(ALL_ZERO) % {"code": "1.000100"})
    ]
    assert ProcessTemplate.objects.count() == 0


@pytest.mark.parametrize(
    ("value", "unit"),
    [pytest.param(None, "", id="procedure-without-limit"), pytest.param("0", "working_days", id="procedure-zero")],
)
def test_all_zero_shares_are_refused_when_only_a_channel_has_a_limit(value, unit):
    procedure = ProcedureFactory(
        time_limit_text="", time_limit_value=None if value is None else Decimal(value), time_limit_unit=unit
    )
    ProcedureChannel.objects.create(
        procedure=procedure, channel="online", time_limit_value=Decimal(35), time_limit_unit="days"
    )

    with pytest.raises(ValidationError) as exc:
        process_template_set(procedure=procedure, steps=_steps(0, 0))

    assert [e.code for e in exc.value.error_list] == ["process_all_zero"]


def test_a_limit_in_working_time_keeps_its_sum_rule():
    procedure = ProcedureFactory(code="1.000102")  # 5 working days = 40 working hours

    with pytest.raises(ValidationError) as exc:
        process_template_set(procedure=procedure, steps=_steps(0, 0))

    assert [e.code for e in exc.value.error_list] == ["process_sum"]


@pytest.mark.parametrize(
    ("value", "unit", "shares"),
    [
        pytest.param(None, "", (0, 0), id="no-limit"),
        pytest.param("0", "days", (0, 0), id="limit-zero"),
        pytest.param("5", "", (0, 0), id="limit-without-unit"),
        pytest.param("30", "days", (0, 8, 0), id="one-step-with-a-share"),
        pytest.param("30", "days", (), id="no-steps-the-default-flow"),
    ],
)
def test_other_templates_are_accepted(value, unit, shares):
    procedure = ProcedureFactory(time_limit_text="", time_limit_value=None, time_limit_unit="")
    # Written around procedure_save, which refuses a limit without a unit: a row saved before may hold one.
    Procedure.objects.filter(pk=procedure.pk).update(
        time_limit_value=None if value is None else Decimal(value), time_limit_unit=unit
    )
    procedure.refresh_from_db()

    template = process_template_set(procedure=procedure, steps=_steps(*shares))

    assert list(template.steps.values_list("share_hours", flat=True)) == [Decimal(s) for s in shares]


def test_the_admin_shows_the_refusal_as_a_form_error(admin_client):
    procedure = _calendar_procedure()
    data = {
        "procedure": str(procedure.pk),
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
    }
    for i, role in enumerate(["specialist", "leader"]):
        data |= {f"steps-{i}-order": str(i + 1), f"steps-{i}-name": f"Bước {i + 1}", f"steps-{i}-role": role}
        data[f"steps-{i}-share_hours"] = "0"

    response = admin_client.post(reverse("admin:catalog_processtemplate_add"), data)

    assert response.status_code == 200
    [formset] = response.context["inline_admin_formsets"]
    assert formset.formset.non_form_errors() == [gettext(ALL_ZERO) % {"code": "1.000100"}]
    assert ProcessTemplate.objects.count() == 0


def _saved_unchecked(procedure, *shares):
    """A template saved around the service, as an old row or a raw edit could leave it."""
    template = ProcessTemplate.objects.create(procedure=procedure)
    ProcessStep.objects.bulk_create(
        ProcessStep(template=template, order=i, name=f"Bước {i}", role="leader", share_hours=Decimal(share))
        for i, share in enumerate(shares, start=1)
    )
    return template


def test_the_system_check_reports_a_saved_all_zero_template_only():
    bad = _saved_unchecked(_calendar_procedure(code="1.000110"), 0, 0)
    _saved_unchecked(_calendar_procedure(code="1.000111"), 8, 16)  # shares: fine
    _saved_unchecked(_calendar_procedure(code="1.000112"))  # no steps: the default flow
    _saved_unchecked(ProcedureFactory(code="1.000113", time_limit_value=None, time_limit_unit=""), 0)  # no limit
    _saved_unchecked(ProcedureFactory(code="1.000114"), 0)  # working time: catalog.W002's to report

    errors = [e for e in checks.run_checks() if e.id == "catalog.W003"]

    assert [(e.id, e.obj, e.msg, e.level) for e in errors] == [
        ("catalog.W003", bad, gettext(ALL_ZERO) % {"code": "1.000110"}, checks.WARNING)
    ]
    assert [e.obj for e in checks.run_checks() if e.id == "catalog.W002"] == [
        ProcessTemplate.objects.get(procedure__code="1.000114")
    ]


def test_the_system_check_is_silent_for_good_templates():
    process_template_set(procedure=_calendar_procedure(code="1.000120"), steps=_steps(0, 8, 16))

    assert check_process_templates_not_all_zero() == []
