"""A malformed file, or any record without a code or a name or with a repeated code, refuses the whole file."""

import pytest

from chinhquyen.catalog.models import Field, Procedure
from chinhquyen.catalog.services import catalog_import

from .factories import ProcedureFactory

pytestmark = pytest.mark.django_db


def _errors(report) -> list[str]:
    return [str(error) for error in report.errors]


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        pytest.param(
            '[\n{"code":"1","name":"A"},\n{"code":"2" "name":"B"}\n]',
            ["Line 3: invalid JSON: Expecting ',' delimiter (column 13)"],
            id="missing-comma-inside-a-record",
        ),
        pytest.param(
            '[\n{"code":"1","name":"A"}\n{"code":"2","name":"B"}\n]',
            ["Line 3: expected “,” or “]” after a record (column 1)"],
            id="missing-comma-between-records",
        ),
        pytest.param(
            '{"code":"1","name":"A"}',
            ["Line 1: the file is not a JSON array (it must start with “[”) (column 1)"],
            id="an-object",
        ),
        pytest.param("", ["Line 1: the file is not a JSON array (it must start with “[”) (column 1)"], id="empty"),
        pytest.param(
            '[\n{"code":"1","name":"A"}\n]\n]',
            ["Line 4: unexpected text after the end of the array (column 1)"],
            id="trailing",
        ),
        pytest.param(
            '[\n{"code":"1","name":"A"},\n"1.000005",\n[]\n]',
            ["Line 3: the record is not a JSON object", "Line 4: the record is not a JSON object"],
            id="not-objects",
        ),
        pytest.param(
            '[\n{"code":"1","name":"A"},\n{"code":"2","name":"B",\n "field":"Hộ tịch"},\n{"code":"3"}\n]',
            ["Line 5: a record without a name"],
            id="line-of-a-record-spanning-lines",
        ),
        pytest.param('[{"code":1.001193,"name":"A"}]', ["Line 1: a record without a code"], id="code-is-a-number"),
    ],
)
def test_malformed_files_are_refused_with_their_line(data, errors):
    report = catalog_import(data=data)
    assert _errors(report) == errors
    assert report.refused
    assert Procedure.objects.count() == 0


def test_bad_records_in_the_real_sample_refuse_the_whole_file(national):
    lines = national.splitlines()
    lines[3] = lines[3].replace('"code":"1.007644",', "")  # line 4
    lines[5] = lines[5].replace('"name":"Thủ tục đối với hàng hóa', '"name":"","x":"')  # line 6
    lines[8] = lines[8].replace('"code":"2.000815"', '"code":"1.001193"')  # line 9
    lines[10] = lines[10].replace('"name":"', '"title":"')  # line 11
    bad = "\n".join(lines)

    report = catalog_import(data=bad)

    assert _errors(report) == [
        "Line 4: a record without a code",
        "Line 6: a record without a name",
        "Line 9: code 1.001193 appears twice (first on line 2)",
        "Line 11: a record without a name",
    ]
    assert [(e.line, e.code) for e in report.errors] == [(4, ""), (6, "1.009067"), (9, "1.001193"), (11, "5.003802")]
    assert (report.created, report.updated) == (0, 0)
    assert Procedure.objects.count() == 0
    assert Field.objects.count() == 0


def test_a_refused_file_leaves_the_existing_catalog_untouched(national):
    ProcedureFactory(code="1.001193", name="Bản cũ")
    bad = national.replace('"code":"2.000815"', '"code":"1.001193"')

    report = catalog_import(data=bad)

    assert report.refused
    assert list(Procedure.objects.values_list("code", "name")) == [("1.001193", "Bản cũ")]


def test_details_file_errors_refuse_the_import(national):
    details = '[\n{"code":"1.001193","steps_text":"a"},\n{"steps_text":"b"},\n{"code":"1.001193"}\n]'
    report = catalog_import(data=national, details=details)
    assert _errors(report) == [
        "Line 3: details file: a record without a code",
        "Line 4: details file: code 1.001193 appears twice",
    ]
    assert Procedure.objects.count() == 0


def test_malformed_details_file_names_the_details_file(national):
    report = catalog_import(data=national, details="[\n{]")
    assert _errors(report) == [
        "Line 2: details file: invalid JSON: Expecting property name enclosed in double quotes (column 2)"
    ]


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        pytest.param(
            "code;name\n1;A\n",
            [
                "Line 1: the header lacks the column(s): code, name",
                "Line 1: the header has unknown column(s): code;name",
            ],
            id="semicolons",
        ),
        pytest.param(
            "code,name,colour\n1,A,red\n", ["Line 1: the header has unknown column(s): colour"], id="unknown-column"
        ),
        pytest.param(
            "code,name,code\n1,A,1\n", ["Line 1: the header repeats the column(s): code"], id="repeated-column"
        ),
        pytest.param("", ["the file is empty"], id="empty"),
        pytest.param("code,name\n1,A\n2,B,extra\n", ["Line 3: 3 cells where the header has 2"], id="extra-cell"),
        pytest.param(
            'code,name\n1,"A\nB"\n,C\n3,\n1,D\n',
            [
                "Line 4: a record without a code",
                "Line 5: a record without a name",
                "Line 6: code 1 appears twice (first on line 2)",
            ],
            id="bad-records-after-a-multiline-cell",
        ),
    ],
)
def test_csv_refusals(data, errors):
    report = catalog_import(data=data, format="csv")
    assert _errors(report) == errors
    assert Procedure.objects.count() == 0
