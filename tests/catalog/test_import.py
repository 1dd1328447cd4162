"""Importing the national format: ten real records, refusals of whole files, the report of empty values."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chinhquyen.catalog.models import Field, Procedure, RequiredDocument
from chinhquyen.catalog.services import catalog_import, procedure_save

from .factories import ProcedureFactory

pytestmark = pytest.mark.django_db

MIEN_PHI_WITH_AMOUNT = (
    "Miễn phí(hàng hóa gửi kho ngoại quan thu lệ phí làm thủ tục hải quan một lần khi làm thủ tục nhập kho, "
    "khi xuất kho không thu; mức thu là 20.000 VNĐ/tờ khai)"
)
TWO_RESULTS_ONE_CODE = (
    "Văn bản chấp thuận kế hoạch nhu cầu và dự kiến kinh phí bảo trì công trình đường thủy nội địa; "
    "Văn bản chấp thuận.Mã: 000.00.00.G04-KQ0608"
)
NO_UNIT = "a number without a unit"
NOT_A_FEE = "neither an amount with a currency nor “Miễn phí”"


def test_sample_imports_every_record(national, national_details):
    report = catalog_import(data=national, details=national_details)

    assert report.errors == []
    assert (report.records, report.created, report.updated, report.unchanged) == (10, 10, 0, 0)
    assert Procedure.objects.count() == 10
    assert sorted(Field.objects.values_list("code", flat=True)) == [
        "chung-thuc",
        "dang-kiem",
        "dia-chat-va-khoang-san",
        "duong-sat",
        "hai-quan",
        "hang-hai-va-duong-thuy-noi-dia",
        "ho-tich",
    ]


def test_birth_registration_is_read_exactly(national, national_details):
    catalog_import(data=national, details=national_details)

    p = Procedure.objects.get(code="1.001193")
    assert p.name == "Thủ tục đăng ký khai sinh"
    assert (p.field.code, p.field.name) == ("ho-tich", "Hộ tịch")
    assert (p.level_ministry, p.level_province, p.level_commune, p.level_other) == (False, False, True, False)
    # The bare "1" is kept as published but not read as a limit.
    assert (p.time_limit_text, p.time_limit_value, p.time_limit_unit, p.time_limit_hours) == ("1", None, "", None)
    assert p.search_text == "thu tuc dang ky khai sinh 1.001193 ho tich"
    assert p.decision_no == "163/QĐ-BTP"
    assert p.online_level == ""
    assert list(p.fees.values_list("amount", "currency", "description")) == [(Decimal("0.00"), "VND", "")]
    assert list(p.results.values_list("name", "code")) == [("Giấy khai sinh", "KQ.G15.000031")]
    assert list(p.channels.values_list("channel", "time_limit_value", "time_limit_unit")) == [
        ("online", None, ""),
        ("postal", None, ""),
        ("in_person", None, ""),
    ]
    assert p.legal_bases.count() == 15
    assert p.legal_bases.order_by("position").first().number == "85/2019/TT-BTC"
    documents = list(p.documents.order_by("position"))
    assert len(documents) == 8
    assert (documents[0].group, documents[0].originals, documents[0].copies) == ("Giấy tờ phải nộp", 1, None)
    assert documents[4].group == "Giấy tờ phải xuất trình"
    assert documents[3].name.startswith("Giấy chứng sinh; trường hợp không có Giấy chứng sinh")
    assert p.document_notes.startswith("Trường hợp người yêu cầu đã nộp bản điện tử Giấy chứng sinh")
    assert p.steps_text.startswith("- Nếu lựa chọn hình thức nộp hồ sơ trực tiếp")


@pytest.mark.parametrize(
    ("code", "value", "unit", "hours"),
    [
        pytest.param("1.005134", Decimal(8), "working_days", Decimal(64), id="working-days"),
        pytest.param("1.013097", Decimal("1.5"), "working_days", Decimal(12), id="decimal-working-days"),
        pytest.param("1.009067", Decimal(1), "hours", Decimal(1), id="hours-are-working-hours"),
        pytest.param("5.003802", Decimal(15), "days", None, id="calendar-days"),
        pytest.param("1.007644", None, "", None, id="bare-number"),
        pytest.param("2.000815", None, "", None, id="none-published"),
    ],
)
def test_time_limits(national, code, value, unit, hours):
    catalog_import(data=national)
    p = Procedure.objects.get(code=code)
    assert (p.time_limit_value, p.time_limit_unit, p.time_limit_hours) == (value, unit, hours)


@pytest.mark.parametrize(
    ("code", "fees"),
    [
        pytest.param("1.013097", [(Decimal(40000), "VND", "- Xe ô tô trên 10 chỗ")], id="amount-with-note"),
        pytest.param("2.000815", [(Decimal(2000), "VND", "/trang"), (Decimal(10), "USD", "/bản")], id="vnd-and-usd"),
        pytest.param("1.007644", [(None, "VND", "")], id="currency-without-amount"),
        pytest.param("1.014264", [(None, "", "1"), (None, "", "2")], id="numbers-without-currency"),
        pytest.param("2.001204", [(None, "", MIEN_PHI_WITH_AMOUNT)], id="free-but-note-names-amount"),
    ],
)
def test_fees(national, code, fees):
    catalog_import(data=national)
    assert list(Procedure.objects.get(code=code).fees.values_list("amount", "currency", "description")) == fees


def test_result_names_are_not_paired_with_fewer_codes(national):
    catalog_import(data=national)
    p = Procedure.objects.get(code="5.003802")
    assert p.result_text == TWO_RESULTS_ONE_CODE
    assert list(p.results.values_list("name", "code")) == [("", "KQ.G04.000472")]


def test_report_lists_every_value_left_empty(national, national_details):
    report = catalog_import(data=national, details=national_details)

    assert [(i.code, i.field, i.raw, i.reason) for i in report.issues] == [
        ("1.001193", "time_limit", "1", NO_UNIT),
        ("1.001193", "submission_channels[0].time_limit", "1", NO_UNIT),
        ("1.001193", "submission_channels[1].time_limit", "1", NO_UNIT),
        ("1.001193", "submission_channels[2].time_limit", "1", NO_UNIT),
        ("1.007644", "time_limit", "120", NO_UNIT),
        ("1.007644", "submission_channels[0].time_limit", "120", NO_UNIT),
        ("1.007644", "submission_channels[1].time_limit", "120", NO_UNIT),
        ("1.007644", "fees", "VNĐ", "a currency without an amount"),
        ("1.007840", "time_limit", "1", NO_UNIT),
        ("1.007840", "submission_channels[0].time_limit", "1", NO_UNIT),
        ("1.014264", "fees", "1", NOT_A_FEE),
        ("1.014264", "fees", "2", NOT_A_FEE),
        ("2.001204", "time_limit", "1", NO_UNIT),
        ("2.001204", "submission_channels[0].time_limit", "1", NO_UNIT),
        ("2.001204", "fees", MIEN_PHI_WITH_AMOUNT, "marked free (Miễn phí) but its note names an amount"),
        (
            "5.003802",
            "result",
            TWO_RESULTS_ONE_CODE,
            "more or fewer names (split on “; ”) than result codes: names left empty",
        ),
    ]


def test_details_file_is_optional(national):
    report = catalog_import(data=national)

    assert report.errors == []
    p = Procedure.objects.get(code="1.001193")
    assert p.documents.count() == 8
    assert set(p.documents.values_list("group", "originals")) == {("", None)}
    assert (p.steps_text, p.document_notes) == ("", "")


def test_levels_keep_only_province_and_commune(national):
    report = catalog_import(data=national, levels=["tỉnh", "xã"])

    assert (report.records, report.skipped) == (8, 2)
    assert sorted(Procedure.objects.values_list("code", flat=True)) == [
        "1.001193",
        "1.005134",
        "1.007644",
        "1.007840",
        "1.009067",
        "1.014264",
        "2.000815",
        "2.001204",
    ]


def test_unknown_level_name_is_refused():
    with pytest.raises(ValueError, match="Unknown level"):
        catalog_import(data="[]", levels=["huyện"])


def test_reimport_is_idempotent_and_updates_by_code(national, national_details):
    catalog_import(data=national, details=national_details)
    first_ids = dict(Procedure.objects.values_list("code", "pk"))
    document_ids = set(RequiredDocument.objects.values_list("pk", flat=True))

    again = catalog_import(data=national, details=national_details)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10)

    changed = national.replace('"name":"Thủ tục đăng ký khai sinh"', '"name":"Thủ tục đăng ký khai sinh (sửa)"')
    report = catalog_import(data=changed, details=national_details)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 9)
    assert dict(Procedure.objects.values_list("code", "pk")) == first_ids
    assert set(RequiredDocument.objects.values_list("pk", flat=True)) == document_ids
    assert Procedure.objects.get(code="1.001193").search_text == "thu tuc dang ky khai sinh sua 1.001193 ho tich"


def test_national_reimport_keeps_the_platforms_own_values(national, national_details):
    catalog_import(data=national, details=national_details)
    p = Procedure.objects.get(code="1.001193")
    p.online_level = "full"
    p.eform_schema = {"type": "object", "properties": {"ho_ten": {"type": "string"}}}
    procedure_save(procedure=p)
    p.documents.filter(position=5).update(registry="population")

    catalog_import(data=national, details=national_details)

    p.refresh_from_db()
    assert p.online_level == "full"
    assert p.eform_schema["properties"] == {"ho_ten": {"type": "string"}}
    assert p.documents.get(position=5).registry == "population"


def test_import_writes_in_bulk(national, national_details):
    """Two hundred records with their documents take a few dozen queries, not several per record."""
    records = [json.loads(line.rstrip(",")) for line in national.splitlines() if line.startswith("{")]
    details = [json.loads(line.rstrip(",")) for line in national_details.splitlines() if line.startswith("{")]
    many = [{**r, "code": f"{r['code']}.{n}"} for n in range(20) for r in records]
    many_details = [{**d, "code": f"{d['code']}.{n}"} for n in range(20) for d in details]

    with CaptureQueriesContext(connection) as queries:
        report = catalog_import(data=json.dumps(many), details=json.dumps(many_details))

    assert report.created == 200
    assert RequiredDocument.objects.count() == 20 * 31
    assert len(queries.captured_queries) < 40


def test_existing_procedure_made_by_hand_is_updated_in_place(national):
    ProcedureFactory(code="1.001193", name="Bản nháp")
    report = catalog_import(data=national)
    assert (report.created, report.updated) == (9, 1)
    assert Procedure.objects.get(code="1.001193").name == "Thủ tục đăng ký khai sinh"


def test_our_keys_that_cannot_be_read_are_left_empty_and_reported():
    record = {
        "code": "9.000001",
        "name": "Thủ tục thử",
        "level": ["tỉnh", "huyện"],
        "online_level": "cấp độ 4",
        "is_active": "maybe",
        "submission_channels": [{"channel": "fax", "time_limit_text": "5 Ngày làm việc"}],
        "fees": [{"amount": "abc", "currency": "EUR", "description": "Lệ phí"}],
        "documents": ["Tờ khai"],
        "documents_detail": [{"doc_index": 0, "quantity": {"original": "two"}, "registry": "health"}],
        "agency_codes": ["000.99.99.H37"],
    }

    report = catalog_import(data=json.dumps([record]), format="json")

    assert [(i.field, i.raw, i.reason) for i in report.issues] == [
        ("level", "huyện", "unknown level"),
        ("submission_channels[0].channel", "fax", "unknown channel"),
        ("fees[0].amount", "abc", "not an amount"),
        ("fees[0].currency", "EUR", "unknown currency"),
        ("documents[0].original", "two", "not a whole number"),
        ("documents[0].registry", "health", "unknown registry"),
        ("online_level", "cấp độ 4", "unknown online level"),
        ("is_active", "maybe", "neither true nor false"),
        ("agency_codes", "000.99.99.H37", "no agency has this code"),
    ]
    p = Procedure.objects.get(code="9.000001")
    assert (p.level_province, p.online_level, p.is_active) == (True, "", True)
    assert list(p.channels.values_list("channel", "time_limit_value")) == [("", Decimal(5))]
    assert list(p.fees.values_list("amount", "currency", "description")) == [(None, "", "Lệ phí")]
    assert list(p.documents.values_list("name", "originals", "registry")) == [("Tờ khai", None, "")]


def test_online_level_accepts_the_vietnamese_words():
    record = {"code": "9.000002", "name": "Thủ tục thử", "online_level": "Toàn trình"}
    catalog_import(data=json.dumps([record]), format="json")
    assert Procedure.objects.get().online_level == "full"
