"""E-form input as Vietnamese writes it: dates day first, "1.000" a thousand, "1,5" one and a half."""

import pytest
from django.utils import translation

from chinhquyen.portal.eform_forms import EFormForm

pytestmark = pytest.mark.django_db

SCHEMA = {
    "type": "object",
    "properties": {
        "copies": {"type": "integer", "title": "Số bản sao", "minimum": 1, "maximum": 10},
        "area": {"type": "integer", "title": "Diện tích"},
        "amount": {"type": "number", "title": "Số tiền"},
        "born": {"type": "string", "format": "date", "title": "Ngày sinh"},
    },
}


def read(language: str, data: dict[str, str]) -> dict:
    with translation.override(language):
        form = EFormForm(data, schema=SCHEMA)
        return form.cleaned_json() if form.is_valid() else {k: [str(m) for m in v] for k, v in form.errors.items()}


@pytest.mark.parametrize(
    ("language", "data", "expected"),
    [
        pytest.param("vi", {"area": "1.000"}, {"area": 1000}, id="vi-integer-grouped"),
        pytest.param("vi", {"area": "2.000.000"}, {"area": 2000000}, id="vi-integer-grouped-twice"),
        pytest.param("vi", {"area": "1500"}, {"area": 1500}, id="vi-integer-plain"),
        pytest.param("vi", {"amount": "1,5"}, {"amount": 1.5}, id="vi-decimal-comma"),
        pytest.param("vi", {"amount": "1.234,5"}, {"amount": 1234.5}, id="vi-grouped-decimal"),
        pytest.param("en", {"area": "1,000"}, {"area": 1000}, id="en-integer-grouped"),
        pytest.param("en", {"amount": "1.5"}, {"amount": 1.5}, id="en-decimal-point"),
        pytest.param("vi", {"born": "05/03/2026"}, {"born": "2026-03-05"}, id="vi-date-day-first"),
        pytest.param("en", {"born": "05/03/2026"}, {"born": "2026-03-05"}, id="en-date-day-first"),
        pytest.param("vi", {"born": "2026-03-05"}, {"born": "2026-03-05"}, id="date-picker-iso"),
    ],
)
def test_accepted(language, data, expected):
    assert read(language, data) == expected


@pytest.mark.parametrize(
    ("language", "data", "expected"),
    [
        pytest.param(
            "vi",
            {"copies": "1.000"},
            {"copies": ["Hãy nhập một giá trị không lớn hơn 10."]},
            id="vi-thousand-over-max",
        ),
        pytest.param("vi", {"copies": "0"}, {"copies": ["Hãy nhập một giá trị không nhỏ hơn 1."]}, id="vi-under-min"),
        pytest.param("vi", {"area": "1,5"}, {"area": ["Nhập một số nguyên, ví dụ 1.234."]}, id="vi-decimal-in-integer"),
        pytest.param("vi", {"area": "1.50"}, {"area": ["Nhập một số nguyên, ví dụ 1.234."]}, id="vi-broken-grouping"),
        pytest.param("vi", {"amount": "1.5"}, {"amount": ["Nhập một số, ví dụ 1.234,5."]}, id="vi-english-decimal"),
        pytest.param(
            "en", {"area": "1.000"}, {"area": ["Enter a whole number, for example 1,234."]}, id="en-point-in-integer"
        ),
        pytest.param(
            "en", {"amount": "1,5"}, {"amount": ["Enter a number, for example 1,234.5."]}, id="en-comma-decimal"
        ),
        pytest.param(
            "en", {"born": "2999-12-31"}, {"born": ["Enter a date between 01/01/1900 and 31/12/2100."]}, id="far-future"
        ),
        pytest.param(
            "en", {"born": "0001-01-01"}, {"born": ["Enter a date between 01/01/1900 and 31/12/2100."]}, id="year-one"
        ),
        pytest.param("en", {"born": "25/13/2026"}, {"born": ["Enter a valid date."]}, id="no-month-13"),
    ],
)
def test_refused(language, data, expected):
    assert read(language, data) == expected
