"""The admin refuses the time limits the deadline engine could not count: a channel's limit longer than the
platform counts (as the procedure's own already is), and a negative limit, the procedure's or a channel's."""

from decimal import Decimal

import pytest
from django.utils.translation import gettext

from chinhquyen.catalog.models import ProcedureChannel

from .factories import ProcedureFactory
from .test_admin_and_value_fixes import _change_form_post

pytestmark = pytest.mark.django_db

# Message ids (the page is in the site's language).
TOO_LONG = "This time limit is too long: the platform counts limits of up to %(years)s years."
NEGATIVE = "A time limit cannot be negative."


def _channel(value: str, unit: str = "working_days") -> dict[str, str]:
    return {
        "channels-TOTAL_FORMS": "1",
        "channels-0-channel": "online",
        "channels-0-time_limit_text": "",
        "channels-0-time_limit_value": value,
        "channels-0-time_limit_unit": unit,
    }


def _channel_errors(response) -> list[dict]:
    formsets = {inline.formset.prefix: inline.formset for inline in response.context["inline_admin_formsets"]}
    return formsets["channels"].errors


@pytest.mark.parametrize(
    ("value", "unit", "message"),
    [
        pytest.param("3000000", "working_days", TOO_LONG, id="three-million-working-days"),
        pytest.param("61", "months", TOO_LONG, id="sixty-one-months"),
        pytest.param("-20", "working_days", NEGATIVE, id="negative-working-days"),
        pytest.param("-1", "days", NEGATIVE, id="negative-calendar-days"),
    ],
)
def test_a_channel_limit_the_engine_cannot_count_is_a_form_error(admin_client, value, unit, message):
    procedure = ProcedureFactory(code="1.000060")

    response = _change_form_post(admin_client, procedure, **_channel(value, unit))

    assert response.status_code == 200
    # Compared in the language the page was shown in (the request leaves it active).
    assert _channel_errors(response) == [{"time_limit_value": [gettext(message) % {"years": 5}]}]
    assert ProcedureChannel.objects.count() == 0


@pytest.mark.parametrize(
    ("value", "unit"),
    [
        pytest.param("20", "working_days", id="twenty-working-days"),
        pytest.param("60", "months", id="five-years-of-months"),
        pytest.param("0", "days", id="zero"),
        pytest.param("", "", id="none"),
    ],
)
def test_a_channel_limit_the_engine_counts_is_saved(admin_client, value, unit):
    procedure = ProcedureFactory(code="1.000061")

    response = _change_form_post(admin_client, procedure, **_channel(value, unit))

    assert response.status_code == 302
    saved = ProcedureChannel.objects.get()
    assert (saved.time_limit_value, saved.time_limit_unit) == (Decimal(value) if value else None, unit)


def test_a_negative_procedure_limit_is_a_form_error(admin_client):
    procedure = ProcedureFactory(code="1.000062")

    response = _change_form_post(admin_client, procedure, time_limit_value="-5", time_limit_unit="working_days")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"time_limit_value": [gettext(NEGATIVE)]}
    procedure.refresh_from_db()
    assert (procedure.time_limit_value, procedure.time_limit_hours) == (Decimal(5), Decimal(40))
