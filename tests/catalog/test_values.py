"""The value parsers read what they can and give a reason for the rest; they never guess."""

from decimal import Decimal

import pytest

from chinhquyen.catalog.services.formats import FileRefused, join_list, read_json_records, split_list
from chinhquyen.catalog.services.values import decimal_text, fee_cells, text, time_limit


@pytest.mark.parametrize(
    ("raw_text", "value", "unit", "expected"),
    [
        pytest.param("5 Ngày làm việc", 5, "working_days", (Decimal(5), "working_days", None), id="national-days"),
        pytest.param("1.5 Ngày làm việc", 1.5, "working_days", (Decimal("1.5"), "working_days", None), id="decimal"),
        pytest.param("8 Giờ", None, "hours", (Decimal(8), "hours", None), id="unit-only-number-in-text"),
        pytest.param("30 Ngày", None, None, (Decimal(30), "days", None), id="text-only"),
        pytest.param("4 Tháng", None, None, (Decimal(4), "months", None), id="months"),
        pytest.param("2 giờ làm việc", None, None, (Decimal(2), "working_hours", None), id="working-hours-lowercase"),
        pytest.param("1", 1, None, (None, "", "a number without a unit"), id="bare-number"),
        pytest.param("120,000", 120, None, (None, "", "a number without a unit"), id="thousands"),
        pytest.param("", 3, None, (None, "", "a number without a unit"), id="value-without-text"),
        pytest.param("Ngay trong ngày", None, None, (None, "", "not a time limit the platform can read"), id="words"),
        pytest.param("1,5 Ngày", None, None, (None, "", "not a time limit the platform can read"), id="decimal-comma"),
        pytest.param("5 tuần", None, None, (None, "", "not a time limit the platform can read"), id="unknown-word"),
        pytest.param("5 Ngày", 5, "fortnights", (None, "", "unknown time unit fortnights"), id="unknown-unit"),
        pytest.param("", None, "days", (None, "", "a unit without a readable number"), id="unit-without-number"),
        pytest.param("", None, None, (None, "", None), id="nothing"),
    ],
)
def test_time_limit(raw_text, value, unit, expected):
    limit = time_limit(raw_text, value, unit)
    assert (limit.value, limit.unit, limit.problem) == expected


@pytest.mark.parametrize(
    ("fees_text", "expected"),
    [
        pytest.param("Miễn phí", [("", Decimal(0), "VND", None)], id="free"),
        pytest.param("Miễn phí(Không quy định)", [("Không quy định", Decimal(0), "VND", None)], id="free-with-note"),
        pytest.param(
            "10,000 Việt Nam Đồng(10.000 đồng/khẩu-chiếc.)",
            [("10.000 đồng/khẩu-chiếc.", Decimal(10000), "VND", None)],
            id="vnd",
        ),
        pytest.param("25 USD(Cấp thị thực)", [("Cấp thị thực", Decimal(25), "USD", None)], id="usd"),
        pytest.param("1,200,000 VNĐ", [("", Decimal(1200000), "VND", None)], id="millions"),
        pytest.param(
            "VNĐ(theo Thông tư)", [("theo Thông tư", None, "VND", "a currency without an amount")], id="no-amount"
        ),
        pytest.param(
            "Miễn phí(5.000.000đồng/lần cấp.)",
            [("Miễn phí(5.000.000đồng/lần cấp.)", None, "", "marked free (Miễn phí) but its note names an amount")],
            id="free-but-amount",
        ),
        pytest.param(
            "1\n2",
            [
                ("1", None, "", "neither an amount with a currency nor “Miễn phí”"),
                ("2", None, "", "neither an amount with a currency nor “Miễn phí”"),
            ],
            id="bare-numbers",
        ),
        pytest.param(
            "50,000 VNĐ(Lệ phí (bản giấy)\n- nộp trực tiếp)\nMiễn phí",
            [("Lệ phí (bản giấy)\n- nộp trực tiếp", Decimal(50000), "VND", None), ("", Decimal(0), "VND", None)],
            id="note-over-two-lines",
        ),
        pytest.param("12,34 VNĐ", [("12,34 VNĐ", None, "", "an amount that cannot be read")], id="odd-grouping"),
    ],
)
def test_fee_cells(fees_text, expected):
    assert [(c.description, c.amount, c.currency, c.problem) for c in fee_cells(fees_text)] == expected


@pytest.mark.parametrize(
    "items",
    [
        pytest.param([], id="empty"),
        pytest.param(["a"], id="one"),
        pytest.param(["a", "", "c"], id="empty-middle"),
        pytest.param(["a", ""], id="empty-last"),
        pytest.param(["x | y", "back\\slash", "|"], id="escaped"),
    ],
)
def test_list_cells_round_trip(items):
    assert split_list(join_list(items)) == items


def test_list_cell_format():
    assert join_list(["Giấy tờ A", "B | C"]) == "Giấy tờ A | B \\| C"


def test_json_records_carry_their_line():
    data = '\ufeff[\n{"code":"1"},\n\n{"code":"2",\n"name":"x"},\n  {"code":"3"}\n]\n'
    assert read_json_records(data) == [
        (2, {"code": "1"}),
        (4, {"code": "2", "name": "x"}),
        (6, {"code": "3"}),
    ]


def test_json_error_reports_line_and_column():
    with pytest.raises(FileRefused) as exc:
        read_json_records('[\n{"code":"1"},\n{"code": tru}\n]')
    assert [str(e) for e in exc.value.errors] == ["Line 3: invalid JSON: Expecting value (column 10)"]


def test_text_is_nfc_and_single_spaced():
    decomposed = "Đăng ky\u0301  khai\u00a0sinh\u200b "
    assert text(decomposed) == "Đăng ký khai sinh"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("8.00"), "8"), (Decimal("1.50"), "1.5"), (Decimal("0.25"), "0.25"), (None, None)],
)
def test_decimal_text(value, shown):
    assert decimal_text(value) == shown
