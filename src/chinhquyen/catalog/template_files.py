"""Blank form templates (mẫu đơn, tờ khai) a province publishes for a required document.

Checked by content, like every upload: PDF, Word (.docx, .doc) or OpenDocument text, at most 5 MB.
"""

from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
# The magic number each accepted extension must start with: PDF; ZIP (.docx, .odt); OLE (the old .doc).
TEMPLATE_SIGNATURES = {
    ".pdf": b"%PDF-",
    ".docx": b"PK\x03\x04",
    ".odt": b"PK\x03\x04",
    ".doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
}


def validate_template_file(value: File) -> None:
    """Refuse a template that is too big, or whose content or name is not a document format."""
    size = value.size or 0
    if size > MAX_TEMPLATE_BYTES:
        raise ValidationError(
            _("The template is %(size)s; at most %(limit)s is accepted."),
            code="template_too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(MAX_TEMPLATE_BYTES)},
        )
    extension = PurePosixPath((value.name or "").lower()).suffix
    value.seek(0)
    head = value.read(8)
    value.seek(0)
    if extension not in TEMPLATE_SIGNATURES or not head.startswith(TEMPLATE_SIGNATURES[extension]):
        raise ValidationError(_("A template must be a PDF, Word or OpenDocument file."), code="template_type")
