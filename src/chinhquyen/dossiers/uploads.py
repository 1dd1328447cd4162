"""Checks on uploaded files: the type by content (never by name or browser claim) and the size."""

import hashlib
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from chinhquyen.core.errors import InvalidInput

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Magic numbers of the accepted types, with the extension stored files get.
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


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
            % {"size": filesizeformat(size), "limit": filesizeformat(MAX_UPLOAD_BYTES)},
            code="file_too_large",
            field="upload",
        )
    if size == 0:
        raise InvalidInput(_("The file is empty."), code="file_empty", field="upload")
    upload.seek(0)
    head = upload.read(16)
    match = next((sig for sig in SIGNATURES if head.startswith(sig[0])), None)
    if match is None:
        raise InvalidInput(
            _("Only PDF, JPEG and PNG files are accepted; this file is none of them."),
            code="file_type",
            field="upload",
        )
    _magic, content_type, extension = match
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(content_type=content_type, extension=extension, size=size, sha256=digest.hexdigest())
