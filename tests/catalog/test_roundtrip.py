"""Export then import gives the same catalog, in JSON and in CSV."""

import csv
import io
import json

import pytest

from chinhquyen.catalog.models import Field, Procedure
from chinhquyen.catalog.services import catalog_export, catalog_import, procedure_assign_agencies, procedure_save
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

NATIONAL_KEYS = {
    "code", "name", "field", "level", "level_text", "agency", "implementing_agencies", "competent_authority",
    "issuing_ministry", "decision_no", "procedure_type", "applicants", "reception_address", "time_limit_text",
    "time_limit_days", "time_limit_unit", "fees_text", "fee_amounts", "submission_channels", "documents", "result",
    "result_codes", "legal_basis", "related_procedures", "online_level", "source_url",
}  # fmt: skip
DETAILS_KEYS = {"documents_detail", "steps_text", "conditions"}


@pytest.fixture
def enriched(national, national_details):
    """The sample, plus what only the platform knows: online level, e-form, registries, agencies."""
    catalog_import(data=national, details=national_details)
    p = Procedure.objects.get(code="1.001193")
    p.online_level = "full"
    p.name_en = "Birth registration"
    p.is_inter_agency = True
    p.eform_schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {"ho_ten_tre": {"type": "string", "title": "Họ, chữ đệm và tên"}},
        "required": ["ho_ten_tre"],
    }
    procedure_save(procedure=p)
    p.documents.filter(position=5).update(registry="population", mandatory=False)
    procedure_assign_agencies(procedure=p, agencies=[AgencyFactory(code="000.00.01.H37"), AgencyFactory()])
    Procedure.objects.filter(code="1.009067").update(is_active=False)
    return p


def _wipe() -> None:
    Procedure.objects.all().delete()
    Field.objects.all().delete()


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_then_import_gives_the_same_catalog(enriched, fmt):
    first = catalog_export(format=fmt)
    _wipe()

    report = catalog_import(data=first, format=fmt)

    assert report.errors == []
    assert report.created == 10
    assert catalog_export(format=fmt) == first
    again = catalog_import(data=first, format=fmt)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10)


def test_csv_import_gives_the_same_json_as_the_original(enriched):
    original = catalog_export(format="json")
    csv_text = catalog_export(format="csv")
    _wipe()
    catalog_import(data=csv_text, format="csv")
    assert catalog_export(format="json") == original


def test_platform_values_survive_the_round_trip(enriched):
    data = catalog_export(format="csv")
    _wipe()
    catalog_import(data=data, format="csv")

    p = Procedure.objects.get(code="1.001193")
    assert (p.online_level, p.name_en, p.is_inter_agency) == ("full", "Birth registration", True)
    assert p.eform_schema["required"] == ["ho_ten_tre"]
    assert p.documents.get(position=5).registry == "population"
    assert p.documents.get(position=5).mandatory is False
    assert sorted(p.agencies.values_list("code", flat=True))[0] == "000.00.01.H37"
    assert p.agencies.count() == 2
    assert Procedure.objects.get(code="1.009067").is_active is False


def test_json_export_has_the_national_keys_one_record_per_line(enriched):
    text = catalog_export(format="json")
    lines = text.splitlines()

    assert (lines[0], lines[-1], len(lines)) == ("[", "]", 12)
    record = json.loads(lines[1].rstrip(","))
    assert NATIONAL_KEYS | DETAILS_KEYS <= set(record)
    assert record["code"] == "1.001193"
    assert record["level"] == ["xã"]
    assert record["level_text"] == "Cấp xã"
    assert record["online_level"] == "full"
    assert record["agency_codes"][0] == "000.00.01.H37"


def test_export_numbers_follow_the_national_format(enriched):
    record = next(r for r in json.loads(catalog_export(format="json")) if r["code"] == "1.013097")
    assert (record["time_limit_days"], record["time_limit_unit"], record["time_limit_value"]) == (
        1.5,
        "working_days",
        "1.5",
    )
    assert record["time_limit_hours"] == "12"
    assert record["fee_amounts"] == [{"amount": 40000, "currency": "VND"}]
    assert record["fees"] == [
        {"name": None, "description": "- Xe ô tô trên 10 chỗ", "amount": "40000", "currency": "VND"}
    ]


def test_export_of_a_filtered_set(enriched):
    text = catalog_export(format="json", procedures=Procedure.objects.filter(level_ministry=True))
    assert [r["code"] for r in json.loads(text)] == ["1.005134", "1.007840", "5.003802"]


def test_csv_has_one_row_per_procedure_with_lists_joined(enriched):
    text = catalog_export(format="csv", procedures=Procedure.objects.filter(code__in=["2.000815", "1.013097"]))
    header, *rows = csv.reader(io.StringIO(text.removeprefix("\ufeff")))

    assert header[:3] == ["code", "name", "name_en"]
    assert len(rows) == 2
    row = dict(zip(header, rows[1], strict=True))
    assert row["code"] == "2.000815"
    assert row["level"] == "xã | khác"
    assert row["fee_amounts"] == "2000 | 10"
    assert row["fee_currencies"] == "VND | USD"
    assert row["channels"] == "in_person | in_person"
