"""E-form numbers: typed as text in the page's notation, and shown again in it, so a saved value saves again."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from chinhquyen.catalog.services import procedure_save
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services import online_draft_start
from chinhquyen.portal.eform_forms import EFormForm
from tests.portal.apply_world import OnlineWorld
from tests.portal.test_mine_supplement_rules import asked

pytestmark = pytest.mark.django_db

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "area": {"type": "number", "title": "Diện tích (m²)", "x-en": {"title": "Area (m²)"}},
        "people": {"type": "integer", "title": "Số người", "x-en": {"title": "People"}},
    },
}


def draft_with_numbers() -> tuple[OnlineWorld, Dossier]:
    world = OnlineWorld()
    world.procedure.eform_schema = SCHEMA
    procedure_save(procedure=world.procedure)
    draft = online_draft_start(
        by=world.applicant.user, procedure=world.procedure, receiving_agency=world.agency, client_key="k"
    )
    return world, draft


def shown(html: str, name: str) -> dict[str, str]:
    """The attributes of the input named ``name`` on the page."""
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert tag is not None
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag.group(0)))


@pytest.mark.parametrize(
    ("language", "typed", "stored", "shown_again"),
    [
        pytest.param("vi", "1500", 1500.0, "1.500", id="vi-whole"),
        pytest.param("vi", "1.500", 1500.0, "1.500", id="vi-grouped"),
        pytest.param("vi", "1,5", 1.5, "1,5", id="vi-decimal-comma"),
        pytest.param("vi", "1.234.567,25", 1234567.25, "1.234.567,25", id="vi-grouped-decimal"),
        pytest.param("vi", "-0,125", -0.125, "-0,125", id="vi-negative"),
        pytest.param("en", "1500", 1500.0, "1,500", id="en-whole"),
        pytest.param("en", "1.5", 1.5, "1.5", id="en-decimal-point"),
        pytest.param("en", "0.0000001", 1e-7, "0.0000001", id="en-tiny-no-exponent"),
    ],
)
def test_a_saved_number_is_shown_in_the_page_notation_and_saves_again_unchanged(language, typed, stored, shown_again):
    world, draft = draft_with_numbers()
    client = world.client(language)
    url = reverse("portal:apply_form", args=[draft.pk])

    first = client.post(url, {"area": typed, "save": "1"})
    draft.refresh_from_db()
    stored_first = draft.form_data
    page = client.get(url).content.decode()
    value = shown(page, "area")["value"]
    again = client.post(url, {"area": value, "save": "1"})
    draft.refresh_from_db()

    assert first.status_code == 302
    assert stored_first == {"area": stored}
    assert value == shown_again
    assert again.status_code == 302
    assert draft.form_data == {"area": stored}


@pytest.mark.parametrize(
    ("language", "typed", "stored", "shown_again"),
    [
        pytest.param("vi", "2000000", 2000000, "2.000.000", id="vi"),
        pytest.param("en", "2000000", 2000000, "2,000,000", id="en"),
    ],
)
def test_a_saved_whole_number_is_shown_grouped_and_saves_again_unchanged(language, typed, stored, shown_again):
    world, draft = draft_with_numbers()
    client = world.client(language)
    url = reverse("portal:apply_form", args=[draft.pk])

    client.post(url, {"people": typed, "save": "1"})
    value = shown(client.get(url).content.decode(), "people")["value"]
    again = client.post(url, {"people": value, "save": "1"})
    draft.refresh_from_db()

    assert value == shown_again
    assert again.status_code == 302
    assert draft.form_data == {"people": stored}


def test_number_fields_are_text_inputs_so_the_typed_notation_reaches_the_server():
    world, draft = draft_with_numbers()

    page = world.client("vi").get(reverse("portal:apply_form", args=[draft.pk])).content.decode()

    area, people = shown(page, "area"), shown(page, "people")
    assert (area["type"], area["inputmode"]) == ("text", "decimal")
    assert (people["type"], people["inputmode"]) == ("text", "numeric")
    assert "step" not in area


def test_a_number_typed_wrong_is_shown_again_as_typed():
    world, draft = draft_with_numbers()

    response = world.client("vi").post(reverse("portal:apply_form", args=[draft.pk]), {"area": "1.5", "save": "1"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"area": ["Nhập một số, ví dụ 1.234,5."]}
    assert shown(response.content.decode(), "area")["value"] == "1.5"


@pytest.mark.parametrize(
    ("language", "saved", "expected"),
    [
        pytest.param("vi", {"area": 1500, "people": 3}, {"area": "1.500", "people": "3"}, id="vi-int-in-number"),
        pytest.param("vi", {"area": 0.1}, {"area": "0,1"}, id="vi-short-repr"),
        pytest.param("en", {"area": 1e20}, {"area": "100,000,000,000,000,000,000"}, id="en-large"),
        pytest.param("en", {"area": -2.5, "people": -4000}, {"area": "-2.5", "people": "-4,000"}, id="en-negative"),
    ],
)
def test_initial_values_are_written_in_the_page_notation(language, saved, expected):
    with translation.override(language):
        form = EFormForm(schema=SCHEMA, initial=saved)
        values = {name: form[name].value() for name in saved}

    assert values == expected


def test_the_supplement_upload_in_error_points_at_its_message_on_the_page():
    world = OnlineWorld()
    dossier = asked(world)

    response = world.client().post(reverse("portal:supplement_upload", args=[dossier.pk]), {"required_document": ""})
    html = response.content.decode()

    assert response.status_code == 400
    assert response.context["supplement_form"].errors == {"upload": ["Choose a file to attach."]}
    assert shown(html, "upload")["aria-describedby"] == "id_upload_error"
    assert described_but_missing(html) == set()


def described_but_missing(html: str) -> set[str]:
    """The ids named by an aria-describedby on the page that no element of the page has."""
    named = {ref for refs in re.findall(r'aria-describedby="([^"]*)"', html) for ref in refs.split()}
    return named - set(re.findall(r'\sid="([^"]+)"', html))


def test_every_field_in_error_points_at_its_message_on_the_page():
    world, draft = draft_with_numbers()
    schema = {**SCHEMA, "properties": {**SCHEMA["properties"], "kind": {"type": "string", "enum": ["a", "b"]}}}
    schema["properties"]["area"] = {**SCHEMA["properties"]["area"], "description": "Theo sổ đỏ"}
    schema["required"] = ["kind"]
    world.procedure.eform_schema = schema
    procedure_save(procedure=world.procedure)

    response = world.client("vi").post(
        reverse("portal:apply_form", args=[draft.pk]), {"area": "1.5", "people": "x", "save": "1"}
    )
    html = response.content.decode()

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"area", "people", "kind"}
    assert shown(html, "area")["aria-describedby"] == "id_area_helptext id_area_error"
    assert shown(html, "people")["aria-describedby"] == "id_people_error"
    assert 'aria-describedby=" id_kind_error"' not in html  # the radio group's fieldset, without a stray space
    assert re.search(r'<fieldset[^>]*aria-describedby="id_kind_error"', html)
    assert described_but_missing(html) == set()
    summary_links = set(re.findall(r'<a href="#([^"]*)">', html.split('id="error-summary"')[1].split("</div>")[0]))
    assert summary_links == {"id_area", "id_people", "id_kind_0"}
    assert summary_links <= set(re.findall(r'\sid="([^"]+)"', html))
