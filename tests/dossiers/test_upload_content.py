"""An upload is accepted by what it is: a PDF must parse, a JPEG or PNG must be a whole image; sizes read right."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from chinhquyen.core.errors import InvalidInput
from chinhquyen.dossiers.uploads import MAX_UPLOAD_BYTES, SIGNATURES, size_text, upload_check
from tests.dossiers.factories import jpeg_bytes, pdf_bytes, png_bytes

NOT_ACCEPTED = "Only PDF, JPEG and PNG files are accepted; this file is none of them."
TOO_MANY_PIXELS = "The image has too many pixels; images of at most 80 megapixels are accepted."
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _refusal(content: bytes) -> tuple[str, str]:
    with translation.override("en"), pytest.raises(InvalidInput) as info:
        upload_check(SimpleUploadedFile("x.pdf", content))
    return info.value.code, info.value.message


def _pdf(*, pages: int = 1, user_password: str | None = None, owner_password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if user_password is not None:
        writer.encrypt(user_password, owner_password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header says ``width`` × ``height`` one-bit pixels, with almost no data behind it."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return PNG_MAGIC + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"")) + _chunk(b"IEND", b"")


def _png_with_a_bad_checksum() -> bytes:
    png = bytearray(png_bytes())
    png[png.index(b"IDAT") + 4] ^= 0xFF  # the first byte of the compressed pixels
    return bytes(png)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(pdf_bytes(), ("application/pdf", ".pdf"), id="pdf"),
        pytest.param(_pdf(pages=3), ("application/pdf", ".pdf"), id="pdf-3-pages"),
        pytest.param(_pdf(user_password="", owner_password="owner"), ("application/pdf", ".pdf"), id="pdf-owner-lock"),
        pytest.param(jpeg_bytes(), ("image/jpeg", ".jpg"), id="jpeg"),
        pytest.param(png_bytes(), ("image/png", ".png"), id="png"),
    ],
)
def test_a_whole_file_of_an_accepted_type_is_accepted(content, expected):
    checked = upload_check(SimpleUploadedFile("whatever.bin", content))

    assert (checked.content_type, checked.extension, checked.size) == (*expected, len(content))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"%PDF-<html><script>alert(1)</script>", NOT_ACCEPTED, id="pdf-magic-then-html"),
        pytest.param(b"%PDF-<html><script>alert(1)</script></html>\n%%EOF\n", NOT_ACCEPTED, id="html-ending-like-pdf"),
        pytest.param(b"%PDF-1.4\n%%EOF\n", NOT_ACCEPTED, id="pdf-without-body"),
        pytest.param(pdf_bytes()[:200], NOT_ACCEPTED, id="pdf-cut-short"),
        pytest.param(pdf_bytes() + b"\0" * 2000, NOT_ACCEPTED, id="pdf-end-not-in-last-kb"),
        pytest.param(_pdf(pages=0), "This PDF has no pages.", id="pdf-without-pages"),
        pytest.param(
            _pdf(user_password="secret"),
            "This PDF is protected by a password; upload a copy that opens without one.",
            id="pdf-password",
        ),
        pytest.param(b"\xff\xd8\xff" + b"not really a jpeg", NOT_ACCEPTED, id="jpeg-magic-then-text"),
        pytest.param(jpeg_bytes()[: len(jpeg_bytes()) // 2], NOT_ACCEPTED, id="jpeg-cut-short"),
        pytest.param(PNG_MAGIC + b"<html></html>", NOT_ACCEPTED, id="png-magic-then-html"),
        pytest.param(png_bytes()[:40], NOT_ACCEPTED, id="png-cut-short"),
        pytest.param(_png_with_a_bad_checksum(), NOT_ACCEPTED, id="png-bad-checksum"),
        pytest.param(_png_claiming(9_000, 9_000), TOO_MANY_PIXELS, id="png-81-megapixels"),
        pytest.param(_png_claiming(20_000, 20_000), TOO_MANY_PIXELS, id="png-decompression-bomb"),
    ],
)
def test_a_file_that_only_starts_like_an_accepted_type_is_refused(content, message):
    assert _refusal(content) == ("file_type", message)


@pytest.mark.parametrize(("magic", "_type", "_extension"), SIGNATURES, ids=["pdf", "jpeg", "png"])
@settings(max_examples=40, deadline=None)
@given(tail=st.binary(max_size=600), ending=st.sampled_from([b"", b"\n%%EOF\n", b"\xff\xd9", _chunk(b"IEND", b"")]))
def test_any_bytes_behind_a_magic_number_are_accepted_or_refused_never_a_crash(magic, _type, _extension, tail, ending):
    code = "accepted"
    try:
        upload_check(SimpleUploadedFile("x", magic + tail + ending))
    except InvalidInput as refused:
        code = refused.code

    assert code in {"accepted", "file_type"}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        pytest.param("en", "The file is 10.1\xa0MB; files of at most 10\xa0MB are accepted.", id="en"),
        pytest.param("vi", "Tệp có dung lượng 10,1\xa0MB; chỉ chấp nhận tệp có dung lượng tối đa 10\xa0MB.", id="vi"),
    ],
)
def test_a_file_9_bytes_over_the_limit_does_not_read_as_the_limit(language, message):
    content = pdf_bytes() + b"\0" * (MAX_UPLOAD_BYTES + 9 - len(pdf_bytes()))

    with translation.override(language), pytest.raises(InvalidInput) as info:
        upload_check(SimpleUploadedFile("big.pdf", content))

    assert (info.value.code, info.value.message) == ("file_too_large", message)


@pytest.mark.parametrize(
    ("size", "up", "text"),
    [
        pytest.param(0, True, "0\xa0bytes", id="nothing"),
        pytest.param(1023, True, "1023\xa0bytes", id="bytes"),
        pytest.param(1536, False, "1.5\xa0KB", id="kb-exact"),
        pytest.param(10 * 1024 * 1024, True, "10\xa0MB", id="limit-up"),
        pytest.param(10 * 1024 * 1024, False, "10\xa0MB", id="limit-down"),
        pytest.param(10 * 1024 * 1024 + 1, True, "10.1\xa0MB", id="one-byte-over-up"),
        pytest.param(10 * 1024 * 1024 + 1, False, "10\xa0MB", id="one-byte-over-down"),
        pytest.param(11 * 1024 * 1024 - 1, True, "11\xa0MB", id="just-under-11-up"),
        pytest.param(11 * 1024 * 1024 - 1, False, "10.9\xa0MB", id="just-under-11-down"),
        pytest.param(3 * 1024**3, True, "3\xa0GB", id="gb"),
    ],
)
def test_size_text_rounds_the_way_it_is_asked(size, up, text):
    with translation.override("en"):
        assert size_text(size, up=up) == text


def test_the_check_leaves_the_file_at_its_start():
    upload = SimpleUploadedFile("a.png", png_bytes())

    upload_check(upload)

    assert upload.read() == png_bytes()
