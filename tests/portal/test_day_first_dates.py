"""Dates an applicant types are read day first whatever the separator (the e-form, the sign-up birth date)."""

import datetime as dt

import pytest
from django.utils import translation

from chinhquyen.core.forms import DAY_FIRST_DATE_INPUT_FORMATS
from chinhquyen.portal.account_forms import SignUpForm
from chinhquyen.portal.eform_forms import EFormForm

SCHEMA = {"type": "object", "properties": {"issued": {"type": "string", "format": "date", "title": "Ngày cấp"}}}


@pytest.mark.parametrize("typed", ["01/12/2026", "01-12-2026", "01.12.2026", "2026-12-01"])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_an_eform_date_reads_the_day_first(language, typed):
    with translation.override(language):
        form = EFormForm({"issued": typed}, schema=SCHEMA)

        assert form.is_valid(), form.errors
        assert form.cleaned_json() == {"issued": "2026-12-01"}


def test_an_eform_date_shows_the_saved_day_to_the_picker_as_iso():
    with translation.override("vi"):
        form = EFormForm(initial={"issued": "2026-12-01"}, schema=SCHEMA)

        html = str(form["issued"])

    assert 'type="date"' in html
    assert 'value="2026-12-01"' in html
    assert 'min="1900-01-01" max="2100-12-31"' in html


def test_the_eform_uses_the_shared_day_first_formats():
    assert EFormForm(schema=SCHEMA).fields["issued"].input_formats == DAY_FIRST_DATE_INPUT_FORMATS


@pytest.mark.parametrize("typed", ["05/03/1990", "05-03-1990", "05.03.1990", "1990-03-05"])
def test_the_sign_up_birth_date_reads_the_day_first(typed):
    form = SignUpForm({"birth_date": typed})

    form.is_valid()

    assert "birth_date" not in form.errors
    assert form.cleaned_data["birth_date"] == dt.date(1990, 3, 5)
