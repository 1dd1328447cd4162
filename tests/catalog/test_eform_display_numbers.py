"""Numbers an applicant filled in are shown on the review and dossier pages as they would type them."""

import pytest
from django.utils import translation

from chinhquyen.catalog.eform_display import eform_display

SCHEMA = {
    "type": "object",
    "properties": {
        "area": {"type": "number", "title": "Diện tích (m²)", "x-en": {"title": "Area (m²)"}},
        "floors": {"type": "integer", "title": "Số tầng", "x-en": {"title": "Floors"}},
        "owner": {"type": "string", "title": "Chủ sở hữu", "x-en": {"title": "Owner"}},
    },
}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("vi", [("Diện tích (m²)", "1.500,5"), ("Số tầng", "12"), ("Chủ sở hữu", "1500.0")]),
        ("en", [("Area (m²)", "1,500.5"), ("Floors", "12"), ("Owner", "1500.0")]),
    ],
)
def test_numbers_are_shown_in_the_pages_notation_text_as_typed(language, expected):
    data = {"area": 1500.5, "floors": 12, "owner": "1500.0"}
    with translation.override(language):
        assert eform_display(schema=SCHEMA, data=data) == expected


def test_a_whole_float_is_shown_without_a_decimal_part():
    with translation.override("vi"):
        assert eform_display(schema=SCHEMA, data={"area": 1500.0}) == [
            ("Diện tích (m²)", "1.500"),
            ("Số tầng", ""),
            ("Chủ sở hữu", ""),
        ]
