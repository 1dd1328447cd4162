"""The e-form's fields keep the order they were written in, on PostgreSQL (jsonb reorders keys) as on SQLite."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from chinhquyen.catalog.eform import eform_properties, with_field_order
from chinhquyen.catalog.eform_display import eform_display
from chinhquyen.catalog.models import Procedure
from chinhquyen.catalog.services import catalog_import, procedure_save
from chinhquyen.portal.eform_forms import EFormForm, eform_initial

from .factories import ProcedureFactory

pytestmark = pytest.mark.django_db

# Names chosen so that neither alphabetical order nor jsonb's (shorter keys first) is the written one.
WRITTEN = ["zeta_long_name", "alpha", "mid", "b"]


def _schema(names: list[str]) -> dict:
    return {
        "type": "object",
        "properties": {name: {"type": "string", "title": name.upper()} for name in names},
        "required": ["alpha"],
    }


def test_a_saved_schema_reads_back_in_the_written_order():
    procedure = ProcedureFactory()
    procedure.eform_schema = _schema(WRITTEN)
    procedure_save(procedure=procedure)

    stored = Procedure.objects.get(pk=procedure.pk).eform_schema
    assert stored["x-order"] == WRITTEN
    assert [name for name, _prop in eform_properties(stored)] == WRITTEN


def test_an_import_keeps_the_order_and_a_reimport_takes_the_new_one():
    record = {"code": "9.000001", "name": "Thủ tục thử", "eform_schema": _schema(WRITTEN)}
    catalog_import(data=json.dumps([record]), format="json")
    assert [name for name, _p in eform_properties(Procedure.objects.get().eform_schema)] == WRITTEN

    record["eform_schema"] = _schema(list(reversed(WRITTEN)))
    catalog_import(data=json.dumps([record]), format="json")
    assert Procedure.objects.get().eform_schema["x-order"] == list(reversed(WRITTEN))


def test_the_listed_order_comes_first_then_new_fields_and_gone_names_are_skipped():
    schema = {**_schema(["a", "b", "c", "d"]), "x-order": ["c", "gone", "a", "c"]}
    assert [name for name, _p in eform_properties(schema)] == ["c", "a", "b", "d"]
    assert with_field_order(schema)["x-order"] == ["c", "a", "b", "d"]


def test_a_schema_without_fields_gets_no_order():
    empty = {"type": "object", "properties": {}}
    assert with_field_order(empty) == empty


def test_an_order_that_is_not_a_list_of_names_is_refused():
    procedure = ProcedureFactory()
    procedure.eform_schema = {**_schema(["a"]), "x-order": "a"}
    with pytest.raises(ValidationError) as exc:
        procedure_save(procedure=procedure)
    assert exc.value.message_dict == {
        "eform_schema": ["The e-form's field order (x-order) must be a list of field names."]
    }


def test_the_portal_form_the_review_and_the_office_follow_the_order():
    procedure = ProcedureFactory()
    procedure.eform_schema = _schema(WRITTEN)
    procedure_save(procedure=procedure)
    schema = Procedure.objects.get(pk=procedure.pk).eform_schema
    data = {name: f"value of {name}" for name in WRITTEN}

    assert list(EFormForm(schema=schema).fields) == WRITTEN
    assert list(eform_initial(schema=schema, saved=data, applicant=None)) == WRITTEN
    with translation.override("vi"):
        assert eform_display(schema=schema, data=data) == [
            ("ZETA_LONG_NAME", "value of zeta_long_name"),
            ("ALPHA", "value of alpha"),
            ("MID", "value of mid"),
            ("B", "value of b"),
        ]
