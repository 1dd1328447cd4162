"""Limits in minutes and very long limits save and re-import cleanly; the process admin asks for a leader;
amounts in đồng written with dots are read as thousands."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from chinhquyen.catalog.models import Procedure, ProcessTemplate, TimeUnit, time_limit_in_working_hours
from chinhquyen.catalog.services import catalog_import, procedure_save
from chinhquyen.catalog.services.values import fee_cells, time_limit

from .factories import ProcedureFactory

TOO_LONG = "a time limit longer than 5 years"


@pytest.mark.parametrize(
    ("minutes", "hours"),
    [
        pytest.param(10, Decimal("0.17"), id="10-minutes"),
        pytest.param(20, Decimal("0.34"), id="20-minutes"),
        pytest.param(30, Decimal("0.50"), id="30-minutes"),
        pytest.param(40, Decimal("0.67"), id="40-minutes"),
    ],
)
def test_minutes_are_rounded_up_to_the_hundredth_of_an_hour(minutes, hours):
    result = time_limit_in_working_hours(Decimal(minutes), TimeUnit.MINUTES)
    assert (result, result.as_tuple().exponent) == (hours, -2)


@pytest.mark.django_db
def test_a_procedure_in_minutes_saves():
    procedure = ProcedureFactory(time_limit_text="20 Phút", time_limit_value=Decimal(20), time_limit_unit="minutes")

    procedure.refresh_from_db()

    assert procedure.time_limit_hours == Decimal("0.34")


def _change_form_post(admin_client, procedure: Procedure, **changes: str):
    """Post the procedure's admin page back as it was shown, with ``changes``."""
    url = reverse("admin:catalog_procedure_change", args=[procedure.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data: dict = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False:
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(getattr(v, "pk", v)) for v in value]
        elif isinstance(value, dict):
            data[name] = json.dumps(value)
        else:
            data[name] = str(getattr(value, "pk", value))
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    return admin_client.post(url, data | changes)


@pytest.mark.django_db
def test_the_admin_saves_a_limit_in_minutes(admin_client):
    procedure = ProcedureFactory(code="1.000051")

    response = _change_form_post(
        admin_client, procedure, time_limit_text="20 Phút", time_limit_value="20", time_limit_unit="minutes"
    )

    assert response.status_code == 302
    procedure.refresh_from_db()
    assert (procedure.time_limit_value, procedure.time_limit_unit, procedure.time_limit_hours) == (
        Decimal(20),
        "minutes",
        Decimal("0.34"),
    )


@pytest.mark.django_db
def test_a_reimport_of_a_limit_in_minutes_changes_nothing():
    data = json.dumps([{"code": "1.1", "name": "A", "time_limit_text": "20 Phút"}], ensure_ascii=False)
    catalog_import(data=data)

    again = catalog_import(data=data)

    assert (again.updated, again.unchanged) == (0, 1)
    assert Procedure.objects.get().time_limit_hours == Decimal("0.34")


@pytest.mark.parametrize(
    ("raw_text", "expected"),
    [
        pytest.param("1300 Ngày làm việc", (Decimal(1300), "working_days", None), id="five-years-of-working-days"),
        pytest.param("1301 Ngày làm việc", (None, "", TOO_LONG), id="over-five-years-of-working-days"),
        pytest.param("20000000 Ngày làm việc", (None, "", TOO_LONG), id="twenty-million-days"),
        pytest.param("1830 Ngày", (Decimal(1830), "days", None), id="five-years-of-days"),
        pytest.param("99999999 Ngày", (None, "", TOO_LONG), id="calendar-days-too"),
        pytest.param("61 Tháng", (None, "", TOO_LONG), id="over-five-years-of-months"),
    ],
)
def test_a_limit_whose_hours_would_not_fit_is_not_read(raw_text, expected):
    limit = time_limit(raw_text, None, None)
    assert (limit.value, limit.unit, limit.problem) == expected


@pytest.mark.django_db
def test_a_huge_time_limit_is_reported_not_a_crash():
    data = json.dumps([{"code": "1.9", "name": "X", "time_limit_text": "20000000 Ngày làm việc"}], ensure_ascii=False)

    report = catalog_import(data=data)

    assert [(i.field, i.raw, i.reason) for i in report.issues] == [("time_limit", "20000000 Ngày làm việc", TOO_LONG)]
    p = Procedure.objects.get()
    assert (p.time_limit_text, p.time_limit_value, p.time_limit_hours) == ("20000000 Ngày làm việc", None, None)


@pytest.mark.django_db
def test_saving_a_limit_too_long_to_count_is_refused_on_the_limit():
    procedure = ProcedureFactory.build(time_limit_value=Decimal(20000000), time_limit_unit="working_days")

    with pytest.raises(ValidationError) as refused:
        procedure_save(procedure=procedure)

    assert refused.value.message_dict == {
        "time_limit_value": ["This time limit is too long: the platform counts limits of up to 5 years."]
    }


@pytest.mark.django_db
def test_the_admin_shows_a_limit_too_long_as_a_form_error(admin_client):
    procedure = ProcedureFactory(code="1.000052")

    response = _change_form_post(admin_client, procedure, time_limit_value="20000000", time_limit_unit="working_days")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["time_limit_value"] == [
        "This time limit is too long: the platform counts limits of up to 5 years."
    ]
    procedure.refresh_from_db()
    assert procedure.time_limit_value == Decimal(5)


@pytest.mark.django_db
def test_the_process_admin_refuses_steps_without_a_leader(admin_client):
    procedure = ProcedureFactory(code="1.000050")  # 5 working days: 40 hours
    data = {
        "procedure": str(procedure.pk),
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
    }
    for i, share in enumerate(["8", "32"]):
        data |= {
            f"steps-{i}-order": str(i + 1),
            f"steps-{i}-name": f"Bước {i + 1}",
            f"steps-{i}-role": "specialist",
            f"steps-{i}-share_hours": share,
        }

    response = admin_client.post(reverse("admin:catalog_processtemplate_add"), data)

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors() == [
        "A process needs a leader's step to approve the result."
    ]
    assert ProcessTemplate.objects.count() == 0


@pytest.mark.parametrize(
    ("fees_text", "expected"),
    [
        pytest.param("10.000 VNĐ", (Decimal(10000), "VND", None), id="dot-thousands"),
        pytest.param("1.250.000 Việt Nam Đồng(Lệ phí)", (Decimal(1250000), "VND", None), id="dot-millions"),
        pytest.param("10,000 VNĐ", (Decimal(10000), "VND", None), id="comma-thousands"),
        pytest.param("155 VNĐ", (Decimal(155), "VND", None), id="plain"),
        pytest.param("10.5 VNĐ", (None, "", "an amount that cannot be read"), id="dong-fraction"),
        pytest.param("10.00 VNĐ", (None, "", "an amount that cannot be read"), id="dong-cents"),
        pytest.param("10,000.50 VNĐ", (None, "", "an amount that cannot be read"), id="dong-mixed"),
        pytest.param("1.250,000 VNĐ", (None, "", "an amount that cannot be read"), id="dong-mixed-groups"),
        pytest.param("25.50 USD", (Decimal("25.50"), "USD", None), id="dollar-cents"),
        pytest.param("1,200.50 USD", (Decimal("1200.50"), "USD", None), id="dollar-grouped"),
        pytest.param("1.250.000 USD", (None, "", "an amount that cannot be read"), id="dollar-dots"),
    ],
)
def test_amounts_in_dong_with_dots_are_thousands(fees_text, expected):
    [cell] = fee_cells(fees_text)
    assert (cell.amount, cell.currency, cell.problem) == expected
