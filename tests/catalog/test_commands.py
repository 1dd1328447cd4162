"""Management commands, the demo fixture they build, and catalog_load_demo."""

import json
import lzma
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chinhquyen.catalog.models import Field, Procedure, RequiredDocument
from chinhquyen.catalog.services import FIXTURE_PATH, catalog_import, catalog_load_demo

from .conftest import DATA

pytestmark = pytest.mark.django_db
MAIN, DETAILS = DATA / "national_sample.json", DATA / "national_sample_details.json"


def test_catalog_import_command(tmp_path, capsys):
    report = tmp_path / "report.md"
    call_command("catalog_import", str(MAIN), details=str(DETAILS), levels="tỉnh,xã", report=str(report))

    out = capsys.readouterr().out
    assert "8 procedures read (2 skipped by level): 8 created, 0 updated, 0 unchanged; 15 values left empty." in out
    text = report.read_text(encoding="utf-8")
    assert "| 1.007644 | fees | VNĐ | a currency without an amount |" in text
    assert Procedure.objects.count() == 8


def test_catalog_import_command_refuses_a_bad_file(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('[\n{"code":"1","name":"A"},\n{"name":"B"}\n]', encoding="utf-8")
    with pytest.raises(CommandError, match=r"refused, nothing saved \(1 error\(s\)\)"):
        call_command("catalog_import", str(bad))
    assert "Line 3: a record without a code" in capsys.readouterr().err
    assert Procedure.objects.count() == 0


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_catalog_export_command_writes_what_import_reads(tmp_path, fmt):
    catalog_import(data=MAIN.read_text(encoding="utf-8"), details=DETAILS.read_text(encoding="utf-8"))
    out = tmp_path / f"catalog.{fmt}"
    call_command("catalog_export", str(out), format=fmt, codes="1.001193,2.000815")
    Procedure.objects.all().delete()

    call_command("catalog_import", str(out), format=fmt)

    assert sorted(Procedure.objects.values_list("code", flat=True)) == ["1.001193", "2.000815"]
    assert RequiredDocument.objects.filter(procedure__code="1.001193").exclude(group="").count() == 6


@pytest.fixture
def source(tmp_path) -> Path:
    folder = tmp_path / "shared"
    folder.mkdir()
    shutil.copy(MAIN, folder / "tthc_procedures.json")
    shutil.copy(DETAILS, folder / "tthc_procedures_details.json")
    return folder


@pytest.fixture
def built(tmp_path, source):
    fixture, report = tmp_path / "demo.json.xz", tmp_path / "report.md"
    call_command("catalog_build_fixture", source=str(source), output=str(fixture), report=str(report))
    return fixture, report


def test_build_fixture_writes_the_catalog_tables_and_leaves_the_database_empty(built):
    fixture, report = built

    assert Procedure.objects.count() == 0
    with lzma.open(fixture, "rt", encoding="utf-8") as stream:
        objects = json.load(stream)
    models = {o["model"] for o in objects}
    assert models == {
        "catalog.field",
        "catalog.procedure",
        "catalog.procedurechannel",
        "catalog.fee",
        "catalog.requireddocument",
        "catalog.procedureresult",
        "catalog.legalbasis",
    }
    assert sum(o["model"] == "catalog.procedure" for o in objects) == 8
    assert "agencies" not in next(o for o in objects if o["model"] == "catalog.procedure")["fields"]
    text = report.read_text(encoding="utf-8")
    assert "keeping the levels tỉnh, xã" in text
    assert "| time_limit | a number without a unit | 4 |" in text


def test_load_demo_fills_an_empty_catalog_once(built):
    fixture, _report = built
    Field.objects.create(code="ho-tich", name="Hộ tịch")

    assert catalog_load_demo(path=fixture) == 8
    assert catalog_load_demo(path=fixture) == 0

    assert Procedure.objects.count() == 8
    assert Field.objects.filter(code="ho-tich").count() == 1
    birth = Procedure.objects.get(code="1.001193")
    assert (birth.field.code, birth.documents.count(), birth.search_text) == (
        "ho-tich",
        8,
        "thu tuc dang ky khai sinh 1.001193 ho tich",
    )
    assert Procedure.objects.create(code="9.9", name="Mới").pk > max(Procedure.objects.values_list("pk", flat=True)[:8])


def test_loaddata_reads_the_fixture_natively(built):
    fixture, _report = built
    call_command("loaddata", str(fixture), verbosity=0)
    assert Procedure.objects.count() == 8


def test_the_shipped_fixture_holds_the_province_and_commune_catalog():
    assert FIXTURE_PATH.stat().st_size < 3_000_000
    with lzma.open(FIXTURE_PATH, "rt", encoding="utf-8") as stream:
        objects = json.load(stream)
    procedures = [o["fields"] for o in objects if o["model"] == "catalog.procedure"]
    assert len(procedures) == 1586
    assert all(p["level_province"] or p["level_commune"] for p in procedures)
    assert {o["model"].split(".")[0] for o in objects} == {"catalog"}


def test_build_fixture_refuses_a_catalog_that_is_not_empty(tmp_path, source):
    catalog_import(data=MAIN.read_text(encoding="utf-8"))
    with pytest.raises(CommandError, match="The catalog of this database is not empty"):
        call_command("catalog_build_fixture", source=str(source), output=str(tmp_path / "x.json.xz"))
    assert not (tmp_path / "x.json.xz").exists()


def test_the_shipped_fixture_loads_into_the_current_models():
    assert catalog_load_demo() == 1586
    birth = Procedure.objects.get(code="1.001193")
    assert (birth.field.name, birth.documents.count()) == ("Hộ tịch", 8)
    # 906 in working days and 49 in hours ("3 Giờ"), computed on load whatever the fixture holds.
    assert Procedure.objects.filter(time_limit_hours__isnull=False).count() == 955
