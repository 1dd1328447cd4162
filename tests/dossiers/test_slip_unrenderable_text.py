"""Text the slips' fonts cannot show: a placeholder is printed, control characters go, the slip is still made."""

import io
import unicodedata

import pytest
from pypdf import PdfReader

from chinhquyen.dossiers.documents import render_slip, slip_pdf_for_applicant
from chinhquyen.dossiers.documents.slips import placeholder, printable
from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db


def lines_of(pdf: bytes) -> list[str]:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return [unicodedata.normalize("NFC", line.rstrip()) for line in text.splitlines()]


def test_the_placeholder_is_a_white_square():
    assert placeholder() == "\u25a1"


@pytest.mark.parametrize(
    ("given", "printed"),
    [
        pytest.param("Số 5 上海市 Road", "Số 5 □□□ Road", id="cjk"),
        pytest.param("Thôn Đông 🏡, xã Gia Viễn", "Thôn Đông □, xã Gia Viễn", id="emoji"),
        pytest.param("ភូមិ A", "□□□□ A", id="khmer"),
        pytest.param("A\x00B\x07C\x1bD\uffffE", "ABCDE", id="control-and-noncharacter"),
        pytest.param("Nguy\ud800ễn", "Nguyễn", id="lone-surrogate"),
        pytest.param("abc\u202edef", "abcdef", id="bidi-override"),
        pytest.param("Nguyễn Văn Ắ – 1.250.000 €", "Nguyễn Văn Ắ – 1.250.000 €", id="shown-as-is"),
    ],
)
def test_printable_replaces_what_the_fonts_cannot_show_and_drops_control_characters(given, printed):
    assert printable({"applicant": {"name": given}, "items": [given]}) == {
        "applicant": {"name": printed},
        "items": [printed],
    }


def test_printable_keeps_the_line_break_of_a_date_cell():
    assert printable({"at": {"cell": "08 giờ 00 phút\nngày 02/03/2026"}}) == {
        "at": {"cell": "08 giờ 00 phút\nngày 02/03/2026"}
    }


def test_a_supplement_request_with_foreign_script_and_control_characters_is_rendered():
    pdf = render_slip(
        kind="02",
        data={
            "code": "X-1",
            "applicant": {"name": "Trần 王 Bình\x07"},
            "items": ["Bản sao 🏡 CCCD"],
            "reason": "Thiếu\x00 giấy ក",
        },
    )

    lines = lines_of(pdf)
    assert ["Hồ sơ của: Trần □ Bình", "1. Bản sao □ CCCD", "Lý do: Thiếu giấy □"] == [
        line for line in lines if line.startswith(("Hồ sơ của:", "1. ", "Lý do:"))
    ]


@pytest.mark.parametrize("address", ["Số 5 上海市 Road, Shanghai", "Thôn Đông 🏡, xã Gia Viễn", "Ấp\x07 3\x1b"])
def test_the_receipt_of_an_applicant_with_an_address_the_fonts_cannot_show_is_signed_and_prints_it(address, caplog):
    world = World(days=5)
    world.applicant.address = address
    world.applicant.save()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    pdf = slip_pdf_for_applicant(dossier=dossier, kind="01")

    shown = printable({"a": address})["a"]
    assert any(line.endswith(f"Địa chỉ: {shown}") for line in lines_of(pdf))
    assert "could not be" not in caplog.text
