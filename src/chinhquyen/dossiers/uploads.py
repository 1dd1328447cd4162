"""Checks on uploaded files: the type by content (never by name or browser claim) and the size."""

import hashlib
import math
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils import formats
from django.utils.html import avoid_wrapping
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image
from pypdf import PasswordType, PdfReader

from chinhquyen.core.errors import InvalidInput

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Magic numbers of the accepted types, with the extension stored files get. A file that starts with one must
# then parse as that type (``_content_check``).
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
# Pillow's names of the image formats each type may be read as (a camera's MPO is a JPEG with more pictures).
IMAGE_FORMATS = {"image/jpeg": ("JPEG", "MPO"), "image/png": ("PNG",)}
# Readers find the end of a PDF within its last 1024 bytes; looking only there also keeps pypdf from scanning
# a 10 MB file line by line for it.
PDF_TAIL_BYTES = 1024
# Images larger than this are refused before their pixels are read (below Pillow's own decompression-bomb
# limit): an A3 page scanned at 600 dpi has 70 million pixels.
MAX_IMAGE_PIXELS = 80_000_000


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    size: int
    sha256: str


def upload_check(upload: UploadedFile) -> CheckedUpload:
    """Return the type, size and digest of ``upload``, or raise InvalidInput with a clear message."""
    size = upload.size or 0
    if size > MAX_UPLOAD_BYTES:
        raise InvalidInput(
            _("The file is %(size)s; files of at most %(limit)s are accepted.")
            % {"size": size_text(size, up=True), "limit": size_text(MAX_UPLOAD_BYTES, up=False)},
            code="file_too_large",
            field="upload",
        )
    if size == 0:
        raise InvalidInput(_("The file is empty."), code="file_empty", field="upload")
    upload.seek(0)
    head = upload.read(16)
    match = next((sig for sig in SIGNATURES if head.startswith(sig[0])), None)
    if match is None:
        raise _not_accepted()
    _magic, content_type, extension = match
    upload.seek(0)
    try:
        _content_check(upload, content_type=content_type, size=size)
    finally:
        upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(content_type=content_type, extension=extension, size=size, sha256=digest.hexdigest())


def size_text(size: int, *, up: bool) -> str:
    """``size`` in KB, MB or GB to a tenth (no decimal when whole), rounded up or down, on one line.

    A file's size is rounded up and the limit down, so that a file over the limit never reads as its equal
    ("10,1 MB", not "10,0 MB", for a file 9 bytes over 10 MB).
    """
    for unit, template in ((1024**3, _("%s GB")), (1024**2, _("%s MB")), (1024, _("%s KB"))):
        if size >= unit:
            tenths = math.ceil(size * 10 / unit) if up else size * 10 // unit
            return avoid_wrapping(template % formats.number_format(tenths / 10, 0 if tenths % 10 == 0 else 1))
    return avoid_wrapping(ngettext("%(size)d byte", "%(size)d bytes", size) % {"size": size})


def _not_accepted() -> InvalidInput:
    return InvalidInput(
        _("Only PDF, JPEG and PNG files are accepted; this file is none of them."), code="file_type", field="upload"
    )


def _content_check(upload: UploadedFile, *, content_type: str, size: int) -> None:
    """Raise InvalidInput(file_type) unless ``upload`` reads as a whole file of ``content_type``."""
    if content_type == "application/pdf":
        upload.seek(max(size - PDF_TAIL_BYTES, 0))
        if b"%%EOF" not in upload.read(PDF_TAIL_BYTES):
            raise _not_accepted()
        upload.seek(0)
        _pdf_check(upload)
    else:
        _image_check(upload, names=IMAGE_FORMATS[content_type])


def _pdf_check(upload: UploadedFile) -> None:
    """A PDF must open (pypdf, lenient as readers are) without a password and have at least one page."""
    try:
        reader = PdfReader(upload, strict=False)
        locked = reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED
        pages = 0 if locked else len(reader.pages)
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds of error on a malformed file
        raise _not_accepted() from exc
    if locked:
        raise InvalidInput(
            _("This PDF is protected by a password; upload a copy that opens without one."),
            code="file_type",
            field="upload",
        )
    if pages == 0:
        raise InvalidInput(_("This PDF has no pages."), code="file_type", field="upload")


def _image_check(upload: UploadedFile, *, names: tuple[str, ...]) -> None:
    """An image must be read by Pillow as one of the formats ``names``, have at most ``MAX_IMAGE_PIXELS``, and be
    whole: a PNG is checked chunk by chunk (every checksum, up to its end) without inflating its pixels; a JPEG's
    compressed data is all decoded, at an eighth of the image's size to keep the cost in memory small.
    """
    try:
        with Image.open(upload, formats=names) as image:
            width, height = image.size
            if width * height <= MAX_IMAGE_PIXELS:
                if image.format == "PNG":
                    image.verify()
                else:
                    image.draft(None, (1, 1))
                    image.load()
    except Image.DecompressionBombError:
        width, height = MAX_IMAGE_PIXELS + 1, 1  # Pillow refuses over twice its own limit, before the size is known
    except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds of error on a malformed file
        raise _not_accepted() from exc
    if width * height > MAX_IMAGE_PIXELS:
        raise InvalidInput(
            _("The image has too many pixels; images of at most %(limit)d megapixels are accepted.")
            % {"limit": MAX_IMAGE_PIXELS // 1_000_000},
            code="file_type",
            field="upload",
        )
