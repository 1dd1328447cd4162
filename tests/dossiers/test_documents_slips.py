"""Forms 01-07 rendered by typst from plain data, read back with pypdf (no database)."""

import io
import re
import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from chinhquyen.dossiers.documents import SLIP_KINDS, render_slip
from chinhquyen.dossiers.documents.slips import format_date, format_datetime

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = "000.00.01.H37-261120-0001"
URL = f"https://dichvucong.thanhhoa.gov.vn/tra-cuu-ho-so/?ma={CODE}"
A5 = (419.53, 595.28)
A4 = (595.28, 841.89)


def nfd(value: str) -> str:
    return unicodedata.normalize("NFD", value)


def sample(**overrides) -> dict:
    """Data as ``slip_data_for`` gives it; names arrive decomposed (NFD) to prove normalisation."""
    data = {
        "agency": {"name": nfd("Ủy ban nhân dân xã Đông Sơn"), "parent_name": "Ủy ban nhân dân tỉnh Thanh Hóa"},
        "number": "15/GTN",
        "place": "Đông Sơn",
        "issued_at": datetime(2026, 11, 20, 14, 30, tzinfo=TZ),
        "code": CODE,
        "lookup_url": URL,
        "lookup_secret": "K7PQ2M",
        "applicant": {
            "name": nfd("Trần Thị Bình"),
            "id_number": "037190000001",
            "address": "Thôn 3, xã Đông Sơn",
            "phone": "0912345678",
            "email": "binh@example.vn",
        },
        "procedure": {"code": "1.001193", "name": "Đăng ký khai sinh"},
        "received_at": datetime(2026, 11, 20, 14, 30, tzinfo=TZ),
        "due_at": datetime(2026, 11, 23, 8, 5, tzinfo=TZ),
    }
    data.update(overrides)
    return data


def text_of(pdf: bytes) -> str:
    """All pages' text, NFC, with runs of white space folded (line breaks depend on the layout)."""
    raw = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", raw))


def page_size(pdf: bytes) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return (round(float(box.width), 2), round(float(box.height), 2))


def figure_alts(pdf: bytes) -> list[str]:
    """Alt texts of the tagged figures (the QR code is the only image on a slip)."""
    found: list[str] = []

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not hasattr(node, "get"):
            return
        if node.get("/S") == "/Figure" and "/Alt" in node:
            found.append(str(node["/Alt"]))
        if "/K" in node:
            walk(node["/K"])

    walk(PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"])
    return found


COMMON = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "ỦY BAN NHÂN DÂN TỈNH THANH HÓA",
    "ỦY BAN NHÂN DÂN XÃ ĐÔNG SƠN",
    "Đông Sơn, ngày 20 tháng 11 năm 2026",
]


def test_receipt_01_lists_applicant_documents_and_times():
    data = sample(
        documents=[
            {"name": "Tờ khai đăng ký khai sinh", "originals": 1, "copies": 0},
            {"name": "Giấy chứng sinh", "originals": 1, "copies": 2},
        ],
        time_limit="01 ngày làm việc",
        return_place="Bộ phận Một cửa xã Đông Sơn",
        register={"book": "03", "line": "127"},
        officer={"name": "Lê Văn Cường"},
    )

    pdf = render_slip(kind="01", data=data)

    text = text_of(pdf)
    for expected in [
        *COMMON,
        "Số: 15/GTN",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {CODE}",
        "Ông/Bà/Tổ chức: Trần Thị Bình",
        "Số định danh cá nhân/Mã số thuế: 037190000001",
        "Địa chỉ: Thôn 3, xã Đông Sơn",
        "Số điện thoại: 0912345678 E-mail: binh@example.vn",
        "Nội dung yêu cầu giải quyết: Đăng ký khai sinh",
        "STT Tên giấy tờ Bản chính Bản sao",
        "1 Tờ khai đăng ký khai sinh 1 0",
        "2 Giấy chứng sinh 1 2",
        "3. Thời gian giải quyết hồ sơ theo quy định là: 01 ngày làm việc",
        "4. Thời gian nhận hồ sơ: 14 giờ 30 phút, ngày 20/11/2026",
        "5. Thời gian trả kết quả giải quyết hồ sơ: 08 giờ 05 phút, ngày 23/11/2026",
        "6. Đăng ký nhận kết quả tại: Bộ phận Một cửa xã Đông Sơn",
        "Vào Sổ theo dõi hồ sơ, Quyển số: 03, Số thứ tự: 127",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Lê Văn Cường",
        "Mã tra cứu: K7PQ2M",
    ]:
        assert expected in text, expected
    assert nfd("Trần") not in text  # NFD input came out composed
    assert page_size(pdf) == A5


@pytest.mark.parametrize(
    ("representative", "expected"),
    [
        (
            {"kind": "authorised", "name": "Lê Văn Tâm", "id_number": "037080000009", "authorisation": "Số 12/UQ"},
            [
                "Người được ủy quyền: Lê Văn Tâm",
                "Số định danh cá nhân/Mã số thuế: 037080000009",
                "Giấy ủy quyền: Số 12/UQ",
            ],
        ),
        ({"kind": "legal", "name": "Phạm Thị Hà"}, ["Người đại diện theo pháp luật: Phạm Thị Hà"]),
    ],
    ids=["authorised-person", "legal-representative"],
)
def test_receipt_01_names_the_representative(representative, expected):
    text = text_of(render_slip(kind="01", data=sample(representative=representative)))

    for line in expected:
        assert line in text, line


def test_supplement_request_02_numbers_items_and_names_the_contact():
    data = sample(
        items=["Bản sao Giấy chứng nhận kết hôn của cha mẹ", "Chữ ký của người đi khai sinh trên tờ khai"],
        reason="Hồ sơ chưa đủ thành phần theo quy định",
        contact={"name": "Lê Văn Cường", "phone": "02373123456"},
        officer={"name": "Lê Văn Cường"},
    )

    text = text_of(render_slip(kind="02", data=data))

    for expected in [
        *COMMON,
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        f"Mã hồ sơ: {CODE}",
        "Hồ sơ của: Trần Thị Bình",
        "Nội dung yêu cầu giải quyết: Đăng ký khai sinh",
        "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:",
        "1. Bản sao Giấy chứng nhận kết hôn của cha mẹ",
        "2. Chữ ký của người đi khai sinh trên tờ khai",
        "Lý do: Hồ sơ chưa đủ thành phần theo quy định",
        "liên hệ với Lê Văn Cường (số điện thoại 02373123456) để được hướng dẫn.",
        "NGƯỜI HƯỚNG DẪN",
    ]:
        assert expected in text, expected


def test_refusal_03_gives_each_reason():
    data = sample(
        reasons=["Thủ tục không thuộc thẩm quyền giải quyết của xã", "Người nộp không có giấy ủy quyền"],
        officer={"name": "Lê Văn Cường"},
    )

    text = text_of(render_slip(kind="03", data=data))

    for expected in [
        *COMMON,
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        f"Mã hồ sơ: {CODE}",
        "Ông/Bà/Tổ chức: Trần Thị Bình",
        "Số định danh cá nhân/Mã số thuế: 037190000001",
        "từ chối tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
        "1. Thủ tục không thuộc thẩm quyền giải quyết của xã",
        "2. Người nộp không có giấy ủy quyền",
        "Xin thông báo để ông/bà được biết và thực hiện./.",
    ]:
        assert expected in text, expected


def test_refusal_03_without_a_code_leaves_no_code_line():
    text = text_of(render_slip(kind="03", data=sample(code="", reasons=["Hồ sơ giả mạo"])))

    assert "Mã hồ sơ: " + CODE not in text
    assert "1. Hồ sơ giả mạo" in text


def test_apology_04_gives_the_reason_and_the_new_due_date():
    data = sample(
        agency={"name": "Phòng Kinh tế", "parent_name": "Ủy ban nhân dân xã Đông Sơn"},
        receiving_agency="Bộ phận Một cửa xã Đông Sơn",
        original_due_at=datetime(2026, 11, 23, 8, 5, tzinfo=TZ),
        new_due_at=datetime(2027, 1, 5, 16, 0, tzinfo=TZ),
        reason="Cần xác minh thông tin với cơ quan khác",
        signer={"name": "Phạm Văn Dũng", "title": "Trưởng phòng"},
    )

    text = text_of(render_slip(kind="04", data=data))

    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "PHÒNG KINH TẾ",
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        "Kính gửi: Trần Thị Bình",
        "Ngày 20 tháng 11 năm 2026, Bộ phận Một cửa xã Đông Sơn tiếp nhận giải quyết hồ sơ đề nghị Đăng ký khai sinh",
        "Số định danh cá nhân/Mã số thuế: 037190000001",
        f"Mã hồ sơ: {CODE}",
        "Thời hạn trả kết quả giải quyết hồ sơ: 08 giờ 05 phút, ngày 23/11/2026",
        "Lý do: Cần xác minh thông tin với cơ quan khác",
        "Phòng Kinh tế xin lỗi ông/bà/tổ chức và hẹn lại thời gian trả kết quả giải quyết hồ sơ vào: "
        "16 giờ 00 phút, ngày 05/01/2027",
        "TRƯỞNG PHÒNG",
        "Phạm Văn Dũng",
    ]:
        assert expected in text, expected


def test_stop_notice_05_gives_the_date_and_the_reason():
    data = sample(stopped_at=date(2026, 12, 1), reason="Người nộp hồ sơ đề nghị dừng", signer={"name": "Phạm Văn Dũng"})

    text = text_of(render_slip(kind="05", data=data))

    for expected in [
        *COMMON,
        "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        f"Mã hồ sơ: {CODE}",
        "Kính gửi: Trần Thị Bình",
        "Thời gian nhận hồ sơ: 14 giờ 30 phút, ngày 20/11/2026",
        "thông báo dừng giải quyết hồ sơ nêu trên kể từ ngày 01 tháng 12 năm 2026.",
        "Lý do: Người nộp hồ sơ đề nghị dừng",
        "THỦ TRƯỞNG CƠ QUAN",
    ]:
        assert expected in text, expected


def test_control_slip_06_has_one_row_per_handoff_on_a4():
    data = sample(
        lead_agency="Ủy ban nhân dân xã Đông Sơn",
        coordinating_agencies=["Công an xã Đông Sơn", "Sở Tư pháp"],
        handoffs=[
            {
                "from_unit": "Bộ phận Một cửa",
                "from_person": "Lê Văn Cường",
                "to_unit": "Tư pháp - Hộ tịch",
                "to_person": "Ngô Thị Hoa",
                "at": datetime(2026, 11, 20, 15, 0, tzinfo=TZ),
                "outcome": "early",
            },
            {
                "from_unit": "Tư pháp - Hộ tịch",
                "to_unit": "Chủ tịch",
                "at": datetime(2026, 11, 23, 9, 15, tzinfo=TZ),
                "outcome": "late",
                "note": "Chờ xác minh",
            },
        ],
    )

    pdf = render_slip(kind="06", data=data)

    text = text_of(pdf)
    for expected in [
        *COMMON,
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        "Cơ quan chủ trì giải quyết: Ủy ban nhân dân xã Đông Sơn",
        "Cơ quan phối hợp giải quyết: Công an xã Đông Sơn; Sở Tư pháp",
        "Thời gian trả kết quả giải quyết hồ sơ: 08 giờ 05 phút, ngày 23/11/2026",
        "1 Bộ phận Một cửa Lê Văn Cường Tư pháp - Hộ tịch Ngô Thị Hoa 15 giờ 00 phút ngày 20/11/2026 Trước hạn",
        "2 Tư pháp - Hộ tịch Chủ tịch 09 giờ 15 phút ngày 23/11/2026 Quá hạn Chờ xác minh",
    ]:
        assert expected in text, expected
    assert page_size(pdf) == A4


def test_register_07_lists_dossiers_over_the_period_landscape():
    row = {
        "code": CODE,
        "procedure": "Đăng ký khai sinh",
        "applicant": "Trần Thị Bình",
        "address": "Thôn 3",
        "phone": "0912345678",
        "lead_agency": "UBND xã",
        "received_at": datetime(2026, 11, 20, 14, 30, tzinfo=TZ),
        "due_at": datetime(2026, 11, 23, 8, 5, tzinfo=TZ),
        "returned_at": datetime(2026, 11, 23, 7, 50, tzinfo=TZ),
        "return_method": "Trực tiếp",
    }
    data = sample(
        period={"from": date(2026, 11, 1), "to": date(2026, 11, 30)},
        book="03",
        rows=[row, {**row, "code": "000.00.01.H37-261121-0002", "applicant": "Lê Thị Ánh", "returned_at": None}],
    )

    pdf = render_slip(kind="07", data=data)

    text = text_of(pdf)
    for expected in [
        *COMMON,
        "SỔ THEO DÕI HỒ SƠ",
        "Từ ngày 01/11/2026 đến ngày 30/11/2026 · Quyển số: 03",
        f"1 {CODE} Đăng ký khai sinh Trần Thị Bình Thôn 3 ĐT: 0912345678 UBND xã "
        "14 giờ 30 phút ngày 20/11/2026 08 giờ 05 phút ngày 23/11/2026 07 giờ 50 phút ngày 23/11/2026 Trực tiếp",
        "2 000.00.01.H37-261121-0002 Đăng ký khai sinh Lê Thị Ánh Thôn 3 ĐT: 0912345678 UBND xã "
        "14 giờ 30 phút ngày 20/11/2026 08 giờ 05 phút ngày 23/11/2026 Trực tiếp",
    ]:
        assert expected in text, expected
    assert page_size(pdf) == (A4[1], A4[0])
    assert figure_alts(pdf) == []  # one register, many dossiers: no QR code


@pytest.mark.parametrize("kind", ["01", "02", "03", "04", "05", "06"])
def test_each_slip_carries_a_qr_code_with_alt_text(kind):
    pdf = render_slip(kind=kind, data=sample(new_due_at=datetime(2027, 1, 5, 16, 0, tzinfo=TZ)))

    assert figure_alts(pdf) == [f"Mã QR tra cứu hồ sơ {CODE}"]
    # The URL wraps wherever the line ends: compare without white space.
    assert f"Tracứutìnhtrạnghồsơ:{URL}" in text_of(pdf).replace(" ", "")
    # segno's SVG becomes one stroked path of module runs: hundreds of moves, where text and table need a few.
    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data()
    assert content.count(b" m ") > 200


@pytest.mark.parametrize("kind", sorted(SLIP_KINDS))
def test_empty_data_still_renders_a_form_to_fill_by_hand(kind):
    text = text_of(render_slip(kind=kind, data={"issued_at": date(2026, 2, 3)}))

    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "ngày 03 tháng 02 năm 2026" in text


def test_applicant_text_is_printed_literally_not_run_as_typst():
    data = sample(applicant={"name": '*x* #panic("boom") $x$ ] ) "'})

    text = text_of(render_slip(kind="01", data=data))

    assert 'Ông/Bà/Tổ chức: *x* #panic("boom") $x$ ] ) "' in text


def test_only_fonts_embedded_in_typst_are_used():
    # ignore_system_fonts: the same PDF on every server, whatever fonts the machine has.
    page = PdfReader(io.BytesIO(render_slip(kind="01", data=sample()))).pages[0]

    fonts = {str(f.get_object()["/BaseFont"]).split("+")[-1] for f in page["/Resources"]["/Font"].values()}
    assert fonts == {
        "LibertinusSerif-Regular-Identity-H",
        "LibertinusSerif-Bold-Identity-H",
        "LibertinusSerif-Italic-Identity-H",
        "LibertinusSerif-BoldItalic-Identity-H",
    }


def test_documents_given_by_name_alone_are_listed():
    text = text_of(render_slip(kind="01", data=sample(documents=["Đơn đề nghị"])))

    assert "1 Đơn đề nghị" in text


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="Unknown slip kind '08'"):
        render_slip(kind="08", data={})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2026, 11, 20, 7, 30, tzinfo=ZoneInfo("UTC")), "14 giờ 30 phút, ngày 20/11/2026"),
        (datetime(2026, 1, 5, 8, 5), "08 giờ 05 phút, ngày 05/01/2026"),
    ],
    ids=["utc-to-vietnam", "naive-is-local"],
)
def test_datetimes_are_written_in_vietnamese_style_in_local_time(value, expected):
    assert format_datetime(value)["text"] == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
        (date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
        (date(2026, 12, 24), "ngày 24 tháng 12 năm 2026"),
    ],
)
def test_long_dates_pad_days_below_10_and_months_1_and_2(value, expected):
    # Decree 30/2020, appendix I: the rule for the "…, ngày … tháng … năm …" line.
    assert format_date(value)["long"] == expected


def lines_of(pdf: bytes) -> list[str]:
    return [line for page in PdfReader(io.BytesIO(pdf)).pages for line in page.extract_text().splitlines()]


def test_a_long_name_without_spaces_wraps_inside_its_cell():
    name = "Giay_xac_nhan_tinh_trang_hon_nhan_ban_scan_20261120.pdf"
    pdf = render_slip(kind="01", data=sample(documents=[{"name": name, "originals": 0, "copies": 1}]))

    lines = lines_of(pdf)
    row = next(n for n, line in enumerate(lines) if line.startswith("1 Giay_"))
    # Broken over two lines of its cell, not run over the next columns; read back whole, without extra characters.
    assert name not in lines[row]
    assert (lines[row] + lines[row + 1]).startswith(f"1 {name}")
    assert "\u200b" not in "".join(lines)


def test_a_dossier_code_is_never_cut_inside_its_parts():
    pdf = render_slip(kind="01", data=sample())

    assert f"Mã hồ sơ: {CODE}" in lines_of(pdf)  # the title's line, whole


def test_a_slip_longer_than_a_page_names_the_dossier_and_numbers_every_page():
    items = [f"Giấy tờ thứ {n}: bản sao có chứng thực, còn thời hạn sử dụng" for n in range(1, 61)]
    pdf = render_slip(kind="02", data=sample(items=items, reason="Thiếu giấy tờ"))

    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) == 3
    for number, text in enumerate(pages, start=1):
        assert text.rstrip().endswith(f"Mã hồ sơ: {CODE} · Trang {number} / 3")


def test_a_one_page_slip_has_no_page_number():
    assert "Trang" not in text_of(render_slip(kind="02", data=sample(items=["Bản sao sổ hộ khẩu"])))


def test_the_lookup_address_beside_the_qr_code_wraps_in_its_column():
    url = f"{URL}&k=201A82F6"
    pdf = render_slip(kind="06", data=sample(lookup_url=url))

    lines = lines_of(pdf)
    # The query has no break opportunity of its own: unwrapped, it ran past the page's right margin.
    assert [line for line in lines if f"ma={CODE}&k=201A82F6" in line] == []
    start = next(n for n, line in enumerate(lines) if "https://" in line)
    assert url in "".join(lines[start : start + 4])
