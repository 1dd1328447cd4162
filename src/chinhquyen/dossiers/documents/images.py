"""A result uploaded as an image (a scan or a photo of the signed paper) made into a PDF the agency can sign."""

import io

from PIL import Image, ImageOps

# Scanners' usual resolution, for an image that records none (a phone photo, a PNG saved without it).
DEFAULT_DPI = 200
# A resolution outside this range is a wrong record (1 dpi, 72,000 dpi): the page would be metres or millimetres.
_DPI_RANGE = (50, 1200)


def image_pdf(content: bytes) -> bytes:
    """``content`` (JPEG or PNG, already checked by ``uploads.upload_check``) as a one-page PDF.

    The page has the image's own size at its recorded resolution (``DEFAULT_DPI`` when none or an absurd one), so
    an A4 scan is an A4 page; a photo is turned upright as the camera recorded (EXIF orientation), and
    transparency is laid on white paper.
    """
    with Image.open(io.BytesIO(content)) as opened:
        dpi = _dpi(opened.info.get("dpi"))
        image = ImageOps.exif_transpose(opened)
        image = _on_paper(image)
        out = io.BytesIO()
        # Pillow embeds a colour image as JPEG: a high quality keeps the text of a scan sharp.
        image.save(out, "PDF", resolution=dpi, quality=95)
    return out.getvalue()


def _dpi(recorded: object) -> float:
    try:
        value = float(recorded[0])  # type: ignore[index]
    except (TypeError, ValueError, IndexError):
        return DEFAULT_DPI
    low, high = _DPI_RANGE
    return value if low <= value <= high else DEFAULT_DPI


def _on_paper(image: Image.Image) -> Image.Image:
    """The image in a mode a PDF holds (RGB, grey or black and white), transparent parts white."""
    if image.mode in ("RGB", "L", "1"):
        return image
    if image.mode == "P" or "A" in image.getbands() or image.mode == "LA":
        rgba = image.convert("RGBA")
        paper = Image.new("RGB", rgba.size, "white")
        paper.paste(rgba, mask=rgba.getchannel("A"))
        return paper
    return image.convert("RGB")
