"""E-form number fields refuse what JSON cannot hold (1e400 is an infinite float) with a message, not a 500."""

import re

import pytest
from django.urls import reverse

from chinhquyen.catalog.services import procedure_save
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services import online_draft_start
from tests.portal.apply_world import OnlineWorld

pytestmark = pytest.mark.django_db

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "area": {"type": "number", "title": "Diện tích", "x-en": {"title": "Area"}},
        "people": {"type": "integer", "title": "Số người", "x-en": {"title": "People"}},
        "floors": {"type": "integer", "title": "Số tầng", "enum": [1, 2], "x-en": {"title": "Floors"}},
        "rate": {"type": "number", "title": "Tỉ lệ", "enum": [0.5, 1], "x-en": {"title": "Rate"}},
    },
}
TOO_BIG = "This number is too large (or too close to zero) to be stored."


def draft_with_numbers() -> tuple[OnlineWorld, Dossier]:
    world = OnlineWorld()
    world.procedure.eform_schema = SCHEMA
    procedure_save(procedure=world.procedure)
    draft = online_draft_start(
        by=world.applicant.user, procedure=world.procedure, receiving_agency=world.agency, client_key="k"
    )
    return world, draft


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        pytest.param("1e400", TOO_BIG, id="overflows-to-infinity"),
        pytest.param("-1e400", TOO_BIG, id="overflows-to-minus-infinity"),
        pytest.param("1" * 400, TOO_BIG, id="four-hundred-digits"),
        pytest.param("1e-400", TOO_BIG, id="underflows-to-zero"),
        pytest.param("nan", "Enter a number.", id="nan"),
        pytest.param("Infinity", "Enter a number.", id="infinity"),
    ],
)
def test_a_number_a_float_cannot_hold_gets_a_field_error(typed, message):
    world, draft = draft_with_numbers()

    response = world.client().post(reverse("portal:apply_form", args=[draft.pk]), {"area": typed, "people": "3"})

    draft.refresh_from_db()
    assert response.status_code == 400
    assert response.context["form"].errors == {"area": [message]}
    assert f"Area: {message}" in text(response)
    assert draft.form_data == {"people": 3}


def test_an_integer_beyond_what_every_json_reader_keeps_exactly_is_refused():
    world, draft = draft_with_numbers()

    response = world.client().post(reverse("portal:apply_form", args=[draft.pk]), {"people": str(2**53)})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "people": ["Ensure this value is less than or equal to 9007199254740991."]
    }


def test_numbers_and_choices_are_stored_as_json_numbers():
    world, draft = draft_with_numbers()

    response = world.client().post(
        reverse("portal:apply_form", args=[draft.pk]),
        {"area": "12.5", "people": str(2**53 - 1), "floors": "2", "rate": "0.5", "save": "1"},
    )

    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.form_data == {"area": 12.5, "people": 2**53 - 1, "floors": 2, "rate": 0.5}
    assert [type(draft.form_data[name]) for name in ("people", "floors", "rate")] == [int, int, float]
