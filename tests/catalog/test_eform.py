"""Every procedure's e-form schema is a valid JSON Schema (draft 2020-12)."""

import json

import pytest
from django.core.exceptions import ValidationError

from chinhquyen.catalog.eform import default_eform_schema, validate_eform_schema
from chinhquyen.catalog.models import Procedure
from chinhquyen.catalog.services import catalog_import, procedure_save

from .factories import ProcedureFactory

pytestmark = pytest.mark.django_db


def test_a_new_procedure_gets_an_empty_valid_form():
    procedure = ProcedureFactory()
    assert procedure.eform_schema == {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {},
    }
    validate_eform_schema(procedure.eform_schema)
    assert default_eform_schema() is not default_eform_schema()


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        pytest.param(
            {"type": "object", "properties": {"ho_ten": {"type": "strin"}}},
            "The e-form schema is not a valid JSON Schema (draft 2020-12) at properties/ho_ten/type: "
            "'strin' is not valid under any of the given schemas",
            id="unknown-type",
        ),
        pytest.param(
            {"type": "object", "required": "ho_ten"},
            "The e-form schema is not a valid JSON Schema (draft 2020-12) at required: 'ho_ten' is not of type 'array'",
            id="required-not-a-list",
        ),
        pytest.param(["ho_ten"], "The e-form schema must be a JSON object.", id="a-list"),
    ],
)
def test_an_invalid_schema_is_refused_with_a_clear_message(schema, message):
    procedure = ProcedureFactory()
    procedure.eform_schema = schema
    with pytest.raises(ValidationError) as exc:
        procedure_save(procedure=procedure)
    assert exc.value.message_dict == {"eform_schema": [message]}


def test_a_valid_schema_is_saved():
    procedure = ProcedureFactory()
    procedure.eform_schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {"so_dinh_danh": {"type": "string", "pattern": "^[0-9]{12}$"}},
        "required": ["so_dinh_danh"],
    }
    procedure_save(procedure=procedure)
    procedure.refresh_from_db()
    assert procedure.eform_schema["required"] == ["so_dinh_danh"]


def test_import_leaves_an_invalid_schema_empty_and_reports_it():
    record = {"code": "9.000001", "name": "Thủ tục thử", "eform_schema": {"type": "strin"}}
    report = catalog_import(data=json.dumps([record]), format="json")
    assert [(i.code, i.field, i.reason) for i in report.issues] == [
        (
            "9.000001",
            "eform_schema",
            "The e-form schema is not a valid JSON Schema (draft 2020-12) at type: "
            "'strin' is not valid under any of the given schemas",
        )
    ]
    assert Procedure.objects.get().eform_schema == default_eform_schema()
