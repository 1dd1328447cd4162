"""A time limit typed by a person needs both a number and a unit: a number without a unit (or a unit without a
number) sets no due date, so the admin and procedure_save refuse it on the field. Rows saved before keep loading,
the import still records an unreadable limit as text, and a system check warns of such rows."""

import json
from decimal import Decimal

import pytest
from django.core import checks
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from chinhquyen.catalog.checks import check_time_limits_complete
from chinhquyen.catalog.models import Procedure, ProcedureChannel
from chinhquyen.catalog.selectors import TimeLimit, procedure_time_limit
from chinhquyen.catalog.services import catalog_import, procedure_save

from .factories import ProcedureFactory
from .test_admin_and_value_fixes import _change_form_post

pytestmark = pytest.mark.django_db

# Message ids (the page is in the site's language).
UNIT_MISSING = "Choose the unit of this time limit, or clear its number: a number without a unit sets no due date."
VALUE_MISSING = "Enter the number of this time limit, or clear its unit."

HALF_LIMITS = [
    pytest.param("5", "", {"time_limit_unit": ["time_limit_unit_missing"]}, id="number-without-unit"),
    pytest.param("", "working_days", {"time_limit_value": ["time_limit_value_missing"]}, id="unit-without-number"),
    pytest.param("0", "", {"time_limit_unit": ["time_limit_unit_missing"]}, id="zero-without-unit"),
]


def _decimal(value: str) -> Decimal | None:
    return Decimal(value) if value else None


def _saved_around_the_service(procedure: Procedure, value: str, unit: str) -> Procedure:
    """The procedure with a limit written without the catalog's checks (a row saved before, a raw update)."""
    Procedure.objects.filter(pk=procedure.pk).update(
        time_limit_text="", time_limit_value=_decimal(value), time_limit_unit=unit, time_limit_hours=None
    )
    procedure.refresh_from_db()
    return procedure


def _channel_post(value: str, unit: str, *, row: ProcedureChannel | None = None) -> dict[str, str]:
    data = {
        "channels-TOTAL_FORMS": "1",
        "channels-INITIAL_FORMS": "1" if row else "0",
        "channels-0-channel": "online",
        "channels-0-time_limit_text": "",
        "channels-0-time_limit_value": value,
        "channels-0-time_limit_unit": unit,
    }
    if row is not None:
        data |= {"channels-0-id": str(row.pk), "channels-0-procedure": str(row.procedure_id)}
    return data


def _channel_errors(response) -> list[dict]:
    formsets = {inline.formset.prefix: inline.formset for inline in response.context["inline_admin_formsets"]}
    return formsets["channels"].errors


# The service ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "unit", "codes"), HALF_LIMITS)
def test_procedure_save_refuses_half_a_limit_on_the_missing_field(value, unit, codes):
    procedure = Procedure(code="1.000070", name="Thủ tục", time_limit_value=_decimal(value), time_limit_unit=unit)

    with pytest.raises(ValidationError) as exc:
        procedure_save(procedure=procedure)

    assert {field: [e.code for e in errors] for field, errors in exc.value.error_dict.items()} == codes
    assert Procedure.objects.count() == 0


@pytest.mark.parametrize(("value", "unit", "codes"), HALF_LIMITS)
def test_a_channel_refuses_half_a_limit_on_the_missing_field(value, unit, codes):
    channel = ProcedureChannel(
        procedure=ProcedureFactory(), channel="online", time_limit_value=_decimal(value), time_limit_unit=unit
    )

    with pytest.raises(ValidationError) as exc:
        channel.full_clean()

    assert {field: [e.code for e in errors] for field, errors in exc.value.error_dict.items()} == codes


@pytest.mark.parametrize(
    ("value", "unit", "hours"),
    [
        pytest.param("5", "working_days", Decimal(40), id="number-and-unit"),
        pytest.param("0", "days", None, id="zero-days"),
        pytest.param("", "", None, id="no-limit"),
    ],
)
def test_procedure_save_accepts_a_whole_limit_or_none(value, unit, hours):
    procedure = procedure_save(
        procedure=Procedure(code="1.000071", name="Thủ tục", time_limit_value=_decimal(value), time_limit_unit=unit)
    )

    procedure.refresh_from_db()
    assert (procedure.time_limit_value, procedure.time_limit_unit, procedure.time_limit_hours) == (
        _decimal(value),
        unit,
        hours,
    )


def test_a_number_without_a_unit_is_refused_even_with_the_published_text():
    procedure = Procedure(code="1.000072", name="Thủ tục", time_limit_text="15", time_limit_value=Decimal(15))

    with pytest.raises(ValidationError) as exc:
        procedure_save(procedure=procedure)

    assert exc.value.message_dict == {"time_limit_unit": [gettext(UNIT_MISSING)]}


# The admin -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "errors"),
    [
        pytest.param("5", "", {"time_limit_unit": [UNIT_MISSING]}, id="number-without-unit"),
        pytest.param("", "days", {"time_limit_value": [VALUE_MISSING]}, id="unit-without-number"),
    ],
)
def test_the_admin_refuses_half_a_procedure_limit_on_the_field(admin_client, value, unit, errors):
    procedure = ProcedureFactory(code="1.000073")

    response = _change_form_post(admin_client, procedure, time_limit_value=value, time_limit_unit=unit)

    assert response.status_code == 200
    form_errors = response.context["adminform"].form.errors
    assert form_errors == {field: [gettext(m) for m in messages] for field, messages in errors.items()}
    procedure.refresh_from_db()
    assert (procedure.time_limit_value, procedure.time_limit_unit, procedure.time_limit_hours) == (
        Decimal(5),
        "working_days",
        Decimal(40),
    )


@pytest.mark.parametrize(
    ("value", "unit", "errors"),
    [
        pytest.param("35", "", {"time_limit_unit": [UNIT_MISSING]}, id="number-without-unit"),
        pytest.param("", "working_days", {"time_limit_value": [VALUE_MISSING]}, id="unit-without-number"),
    ],
)
def test_the_admin_refuses_half_a_channel_limit_on_the_field(admin_client, value, unit, errors):
    procedure = ProcedureFactory(code="1.000074")

    response = _change_form_post(admin_client, procedure, **_channel_post(value, unit))

    assert response.status_code == 200
    expected = {field: [gettext(m) for m in messages] for field, messages in errors.items()}
    assert _channel_errors(response) == [expected]
    assert ProcedureChannel.objects.count() == 0


def test_the_admin_error_is_in_the_users_language(admin_client):
    procedure = ProcedureFactory(code="1.000075")
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "vi"

    with translation.override("vi"):
        response = _change_form_post(admin_client, procedure, time_limit_value="5", time_limit_unit="")

        assert response.context["adminform"].form.errors == {"time_limit_unit": [gettext(UNIT_MISSING)]}
        assert response.context["LANGUAGE_CODE"] == "vi"


# Rows saved before ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "unit"), [("5", ""), ("", "days")], ids=["number-without-unit", "unit-only"])
def test_a_half_limit_saved_before_still_opens_in_the_admin(admin_client, value, unit):
    procedure = _saved_around_the_service(ProcedureFactory(code="1.000076"), value, unit)

    response = admin_client.get(reverse("admin:catalog_procedure_change", args=[procedure.pk]))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert (form.initial["time_limit_value"], form.initial["time_limit_unit"]) == (_decimal(value), unit)


@pytest.mark.parametrize(
    ("changes", "saved"),
    [
        pytest.param({"time_limit_unit": "working_days"}, (Decimal(5), "working_days", Decimal(40)), id="unit-chosen"),
        pytest.param({"time_limit_value": ""}, (None, "", None), id="number-cleared"),
    ],
)
def test_a_half_limit_saved_before_is_completed_in_the_admin(admin_client, changes, saved):
    procedure = _saved_around_the_service(ProcedureFactory(code="1.000077"), "5", "")

    refused = _change_form_post(admin_client, procedure)
    response = _change_form_post(admin_client, procedure, **changes)

    assert refused.context["adminform"].form.errors == {"time_limit_unit": [gettext(UNIT_MISSING)]}
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert (procedure.time_limit_value, procedure.time_limit_unit, procedure.time_limit_hours) == saved


def test_a_half_channel_limit_saved_before_is_shown_then_completed_in_the_admin(admin_client):
    procedure = ProcedureFactory(code="1.000078")
    row = ProcedureChannel.objects.create(procedure=procedure, channel="online", time_limit_value=Decimal(35))

    page = admin_client.get(reverse("admin:catalog_procedure_change", args=[procedure.pk]))
    refused = _change_form_post(admin_client, procedure, **_channel_post("35", "", row=row))
    response = _change_form_post(admin_client, procedure, **_channel_post("35", "days", row=row))

    assert page.status_code == 200
    assert _channel_errors(refused) == [{"time_limit_unit": [gettext(UNIT_MISSING)]}]
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.time_limit_value, row.time_limit_unit) == (Decimal(35), "days")


# The start-up check --------------------------------------------------------------------------------------------


def test_the_system_check_warns_of_half_limits_saved_before():
    ProcedureFactory(code="1.000080")  # 5 working days: whole
    number_only = _saved_around_the_service(ProcedureFactory(code="1.000081"), "5", "")
    unit_only = _saved_around_the_service(ProcedureFactory(code="1.000082"), "", "days")
    unknown = _saved_around_the_service(ProcedureFactory(code="1.000083"), "3", "weeks")
    with_channel = ProcedureFactory(code="1.000084")
    ProcedureChannel.objects.create(procedure=with_channel, channel="online", time_limit_value=Decimal(7))
    ProcedureChannel.objects.create(procedure=with_channel, position=1, channel="postal", time_limit_unit="days")
    ProcedureChannel.objects.create(procedure=with_channel, position=2, time_limit_text="Theo quy định")
    channels = list(ProcedureChannel.objects.filter(procedure=with_channel).order_by("position"))

    warnings = [w for w in checks.run_checks() if w.id == "catalog.W004"]

    assert [(w.level, w.obj, w.msg) for w in warnings] == [
        (checks.WARNING, number_only, "The time limit of 1.000081 has a number without a unit: no due date is set."),
        (checks.WARNING, unit_only, "The time limit of 1.000082 has a unit without a number: no due date is set."),
        (
            checks.WARNING,
            unknown,
            "The time limit of 1.000083 has a unit the catalog does not know ('weeks'): no due date is set.",
        ),
        (
            checks.WARNING,
            channels[0],
            "The time limit of 1.000084 (channel 1, online) has a number without a unit: "
            "the procedure's own limit is counted instead.",
        ),
        (
            checks.WARNING,
            channels[1],
            "The time limit of 1.000084 (channel 2, postal) has a unit without a number: "
            "the procedure's own limit is counted instead.",
        ),
    ]


def test_the_system_check_is_silent_on_whole_limits_and_none():
    ProcedureFactory(code="1.000085")
    ProcedureFactory(code="1.000086", time_limit_text="Theo quy định", time_limit_value=None, time_limit_unit="")

    assert check_time_limits_complete() == []


# The selector --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit"),
    [
        pytest.param(Decimal(3), "", id="number-without-unit"),
        pytest.param(None, "days", id="unit-without-number"),
        pytest.param(Decimal(3), "weeks", id="unknown-unit"),
    ],
)
def test_a_channel_limit_that_cannot_be_counted_leaves_the_procedures(value, unit):
    procedure = ProcedureFactory(code="1.000087")  # 5 working days
    ProcedureChannel.objects.create(procedure=procedure, channel="online", time_limit_value=value, time_limit_unit=unit)

    limit = procedure_time_limit(procedure=procedure, channel="online")

    assert (limit.value, limit.unit, limit.hours) == (Decimal(5), "working_days", Decimal(40))


# The import ----------------------------------------------------------------------------------------------------


def test_the_import_still_records_a_limit_it_cannot_read_as_text():
    record = {
        "code": "1.000088",
        "name": "Thủ tục",
        "time_limit_text": "15",
        "submission_channels": [{"channel": "online", "time_limit_text": "20", "time_limit_value": 20}],
    }

    report = catalog_import(data=json.dumps([record], ensure_ascii=False))

    assert (report.created, report.errors) == (1, [])
    assert [(i.field, i.raw, i.reason) for i in report.issues] == [
        ("time_limit", "15", "a number without a unit"),
        ("submission_channels[0].time_limit", "20", "a number without a unit"),
    ]
    procedure = Procedure.objects.get()
    assert (procedure.time_limit_text, procedure.time_limit_value, procedure.time_limit_unit) == ("15", None, "")
    channel = procedure.channels.get()
    assert (channel.time_limit_text, channel.time_limit_value, channel.time_limit_unit) == ("20", None, "")
    assert check_time_limits_complete() == []


@pytest.mark.parametrize(
    ("value", "unit", "label"),
    [
        pytest.param(Decimal(3), "weeks", "", id="unknown-unit"),
        pytest.param(Decimal(3), "", "", id="number-without-unit"),
        pytest.param(Decimal("0.5"), "days", "0,5 days", id="whole"),
    ],
)
def test_the_label_a_dossier_records_of_a_limit_saved_before(value, unit, label):
    procedure = _saved_around_the_service(ProcedureFactory(code="1.000089"), str(value), unit)

    assert TimeLimit.of(procedure).label() == label
