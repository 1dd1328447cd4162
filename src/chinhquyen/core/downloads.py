"""Stored files served for download: named with the extension of their checked type, and never sniffed."""

import re
from typing import IO

from django.core.files import File
from django.http import FileResponse

# The extension a served file gets for its type, then other spellings of it that a name may keep.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
}
# A file of any other type is served as bytes to save, whatever its name says.
OTHER_TYPE = "application/octet-stream"
OTHER_EXTENSION = ".bin"
# What reads as an extension at the end of a name: a dot and 1 to 5 ASCII letters or digits, one a letter at
# least (so "Quyết định số 1.2" keeps its ".2").
_EXTENSION = re.compile(r"\.(?=[0-9]*[A-Za-z])[A-Za-z0-9]{1,5}$")
# Control characters and path separators, which have no place in a file's name.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]+")


def download_name(name: str, *, content_type: str, default: str = "file") -> str:
    """``name`` ending with the extension of ``content_type``: a wrong extension is replaced, a missing one added.

    The stem is kept, Vietnamese letters and all; ``default`` stands for an empty one.
    """
    extensions = EXTENSIONS.get(content_type, (OTHER_EXTENSION,))
    stem = _UNSAFE.sub("-", name).strip().strip(".").strip()
    if stem.lower().endswith(extensions):
        return stem
    stem = _EXTENSION.sub("", stem).rstrip(". ")
    if stem.lower().endswith(extensions):  # "giay-to.pdf.html"
        return stem
    return f"{stem or default}{extensions[0]}"


def file_download(file: "File[bytes] | IO[bytes]", *, name: str, content_type: str) -> FileResponse:
    """``file`` as an attachment of ``content_type`` named by ``download_name`` (a name not ASCII is sent as
    RFC 6266's ``filename*``), which the browser must not reinterpret as another type."""
    known = content_type in EXTENSIONS
    response = FileResponse(
        file,
        as_attachment=True,
        filename=download_name(name, content_type=content_type),
        content_type=content_type if known else OTHER_TYPE,
    )
    # SecurityMiddleware adds it too (SECURE_CONTENT_TYPE_NOSNIFF); a download must not depend on a setting.
    response["X-Content-Type-Options"] = "nosniff"
    return response
