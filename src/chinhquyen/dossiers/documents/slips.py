"""Render the one-stop slips, letters and registers (forms 01-07) to PDF with typst.

``render_slip`` takes plain data (dicts, lists, strings, numbers, dates): it never touches the
database, so it can be tested and reused (previews, batch printing) without models.
``data.slip_data_for`` builds that data from a dossier.

Keys read by the templates (all optional; an empty field prints as a blank to fill in by hand):

- every kind: ``agency`` {name, parent_name, code}, ``number`` (số phiếu), ``place`` and
  ``issued_at`` (the "…, ngày … tháng … năm …" line; ``issued_at`` defaults to now), ``code``,
  ``lookup_url`` (the QR code's target), ``lookup_secret``, ``applicant`` and ``representative``
  {name, id_number, address, phone, email; representative also kind ("legal" or "authorised") and
  authorisation}, ``procedure``
  {code, name}, ``request`` (defaults to the procedure's name), ``officer`` / ``signer`` {name, title};
- "01": ``documents`` [{name, originals, copies}], ``sets``, ``time_limit``, ``received_at``,
  ``due_at``, ``return_place``, ``register`` {book, line};
- "02": ``items`` [str], ``reason``, ``contact`` {name, phone};
- "03": ``reasons`` [str];
- "04": ``receiving_agency`` (str), ``received_at``, ``original_due_at``, ``reason``, ``new_due_at``
  (``agency`` is the agency at fault, whose head signs);
- "05": ``received_at``, ``due_at``, ``stopped_at``, ``reason``;
- "06": ``lead_agency``, ``coordinating_agencies`` [str], ``received_at``, ``due_at``,
  ``handoffs`` [{from_unit, from_person, to_unit, to_person, at, outcome (early/on_time/late), note}];
- "07": ``period`` {from, to}, ``book``, ``rows`` [{line, code, procedure, applicant, address, phone,
  lead_agency, received_at, due_at, returned_at, return_method}];
- the result written at issue (``render_result``, not a form of the circular): ``title``, ``paragraphs``
  [str], ``received_at``, ``signer`` (``agency`` is the agency that decided).
"""

import functools
import io
import json
import threading
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import segno
import typst
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.text import clean

from .isolated import compile_in_child

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class SlipKind:
    code: str
    label: Promise
    lists: tuple[str, ...]  # keys that templates iterate over: always present, [] when missing
    qr: bool = True


SLIP_KINDS: dict[str, SlipKind] = {
    k.code: k
    for k in (
        SlipKind("01", _("Receipt and appointment slip"), ("documents",)),
        SlipKind("02", _("Supplement request"), ("items",)),
        SlipKind("03", _("Refusal slip"), ("reasons",)),
        SlipKind("04", _("Apology and extension letter"), ()),
        SlipKind("05", _("Notice of stopping the dossier"), ()),
        SlipKind("06", _("Process-control slip"), ("handoffs", "coordinating_agencies")),
        # The register covers many dossiers: one QR code would point nowhere useful.
        SlipKind("07", _("Tracking register"), ("rows",), qr=False),
    )
}


# The result an officer writes when issuing (not a form of the circular, so not listed with the slips).
RESULT_KIND = SlipKind("result", _("Result"), ("paragraphs",))


def render_slip(*, kind: str, data: dict[str, Any], isolated: bool = False) -> bytes:
    """Render form ``kind`` ("01".."07") filled with ``data`` and return the PDF bytes.

    ``isolated``: typeset in a short-lived child process (``isolated.compile_in_child``), so that typst's memory
    (2 GB for a year's register) goes with it; the data is still prepared here. About 0.1 s more: a process
    started, the fonts loaded anew.
    """
    spec = SLIP_KINDS.get(kind)
    if spec is None:
        raise ValueError(f"Unknown slip kind {kind!r}; expected one of {sorted(SLIP_KINDS)}.")
    return _render(spec, f"slip-{kind}.typ", data, isolated=isolated)


def render_result(*, data: dict[str, Any]) -> bytes:
    """Render the result written at issue (``result.typ``) and return the PDF bytes."""
    return _render(RESULT_KIND, "result.typ", data)


# PDF/A-2b for archiving; PDF/UA-1 so screen readers get a tagged document (it also forces alt text).
PDF_STANDARDS: list["typst.PDFStandard"] = ["a-2b", "ua-1"]


def _render(spec: SlipKind, template: str, data: dict[str, Any], *, isolated: bool = False) -> bytes:
    prepared = prepare_data(data)
    prepared.setdefault("issued_at", prepare_data({"t": timezone.now()})["t"])
    prepared = printable(prepared)
    for key in spec.lists:
        if not isinstance(prepared.get(key), list):
            prepared[key] = []
    # A document may be given by its name alone.
    prepared["documents"] = [d if isinstance(d, dict) else {"name": d} for d in prepared.get("documents") or []]
    inputs = {"data": json.dumps(prepared, ensure_ascii=False)}
    url = prepared.get("lookup_url")
    if spec.qr and isinstance(url, str) and url:
        inputs["qr_svg"] = qr_svg(url)
    if isolated:
        return compile_in_child(
            template=TEMPLATE_DIR / template, root=TEMPLATE_DIR, inputs=inputs, pdf_standards=PDF_STANDARDS
        )
    compiler, lock = _compiler(template)
    # A typst Compiler is not re-entrant: one render at a time per template.
    with lock:
        pdf = compiler.compile(sys_inputs=inputs, pdf_standards=PDF_STANDARDS)
    if not isinstance(pdf, bytes):  # only PNG/SVG output comes as a list of pages
        raise TypeError(f"typst returned {type(pdf).__name__} for a PDF")
    return pdf


@functools.lru_cache(maxsize=1024)
def qr_svg(url: str) -> str:
    """Return the QR code of ``url`` as SVG (vector, so it prints sharp at any size)."""
    # Cached: choosing the best mask takes most of a render (~5 ms), and a dossier's slips share one URL.
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", border=2, xmldecl=False)
    return buf.getvalue().decode()


_compilers: dict[str, tuple[typst.Compiler, threading.Lock]] = {}
_compilers_lock = threading.Lock()


def _compiler(template: str) -> tuple[typst.Compiler, threading.Lock]:
    # Building a Compiler loads the fonts (about 4x the cost of a render): build one per template, once.
    with _compilers_lock:
        if template not in _compilers:
            compiler = typst.Compiler(
                str(TEMPLATE_DIR / template),
                root=str(TEMPLATE_DIR),
                # Only the fonts embedded in typst (Libertinus Serif covers Vietnamese): the same PDF on every machine.
                ignore_system_fonts=True,
            )
            _compilers[template] = (compiler, threading.Lock())
        return _compilers[template]


# What a slip prints for a character its fonts cannot show (the slips embed only typst's own fonts, and a
# PDF/A file may not hold a character without its glyph): a white square, or "?" should the fonts lack it.
PLACEHOLDERS = ("\u25a1", "?")
# Never printed: control and format characters (bidirectional overrides could disguise the text of an
# official paper), lone surrogates (not text at all) and the noncharacters (U+FFFE, U+FFFF, ...).
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
_KEPT = frozenset("\n")  # the line break of the dates' "cell" form
_shown: dict[str, bool] = {}  # character -> whether the fonts show it, learnt once per process
# The characters printed as they are: those the fonts show, and the kept ones. A set, so that a string is checked
# in one call (``issuperset``): a year's register holds some 100,000 strings.
_printed: set[str] = set(_KEPT)


def printable(value: Any) -> Any:
    """``value`` (from ``prepare_data``) with every string made printable by the slips' fonts.

    Each character the fonts cannot show becomes :func:`placeholder`; control and format characters,
    surrogates and noncharacters go. The data may have been stored before the input was checked (or come
    from another system): this is what keeps one exotic character from failing every slip of a dossier.
    """
    chars: set[str] = set()
    _collect(value, chars)
    _learn(chars | set(PLACEHOLDERS))
    return _replace(value, placeholder())


def placeholder() -> str:
    """The character printed instead of one the fonts cannot show."""
    _learn(set(PLACEHOLDERS))
    return next((p for p in PLACEHOLDERS if _shown.get(p)), PLACEHOLDERS[-1])


def _dropped(ch: str) -> bool:
    if ch in _KEPT:
        return False
    code = ord(ch)
    return unicodedata.category(ch) in _DROPPED_CATEGORIES or 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _collect(value: Any, chars: set[str]) -> None:
    if isinstance(value, str):
        if not _printed.issuperset(value):
            chars.update(ch for ch in set(value) if ch not in _shown and not _dropped(ch))
    elif isinstance(value, dict):
        for v in value.values():
            _collect(v, chars)
    elif isinstance(value, list):
        for v in value:
            _collect(v, chars)


def _replace(value: Any, instead: str) -> Any:
    if isinstance(value, str):
        if _printed.issuperset(value):
            return value
        return "".join(
            ch if ch in _KEPT or _shown.get(ch) else instead for ch in value if ch in _KEPT or not _dropped(ch)
        )
    if isinstance(value, dict):
        return {k: _replace(v, instead) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, instead) for v in value]
    return value


def _learn(chars: set[str]) -> None:
    """Find out which of ``chars`` the fonts show, asking typst (a few ms a question, each answer kept).

    Typst is asked about all the new characters at once, then, should one of them fail, about each half.
    """
    unknown = sorted(ch for ch in chars if ch not in _shown and ch not in _KEPT and not _dropped(ch))
    if not unknown:
        return
    compiler, lock = _compiler("probe.typ")
    with lock:
        _probe(compiler, [ch for ch in unknown if ch not in _shown])


def _probe(compiler: typst.Compiler, chars: list[str]) -> None:
    if not chars:
        return
    try:
        # Spaced, so that a combining mark is asked about on its own (and not with the letter before).
        compiler.compile(sys_inputs={"text": " ".join(chars)}, pdf_standards=["a-2b"])
    except typst.TypstError:
        if len(chars) == 1:
            _shown[chars[0]] = False
            return
        half = len(chars) // 2
        _probe(compiler, chars[:half])
        _probe(compiler, chars[half:])
        return
    _shown.update(dict.fromkeys(chars, True))
    _printed.update(chars)


def prepare_data(value: Any) -> Any:
    """Make ``value`` JSON-ready for the templates: NFC strings, dates in Vietnamese style."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str | Promise):
        return clean(str(value))
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, int | Decimal | float):
        return str(value)
    if isinstance(value, dict):
        return {clean(str(k)): prepare_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [prepare_data(v) for v in value]
    return clean(str(value))


def format_datetime(value: datetime) -> dict[str, str]:
    """Renderings of a moment in local time: "14 giờ 30 phút, ngày 20/11/2026" and friends."""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    time = f"{local.hour:02d} giờ {local.minute:02d} phút"
    day = format_date(local.date())
    return {
        **day,
        "text": f"{time}, ngày {day['date']}",
        "time": time,
        "cell": f"{time}\nngày {day['date']}",
    }


def format_date(value: date) -> dict[str, str]:
    """Renderings of a day: "20/11/2026" and "ngày 20 tháng 11 năm 2026"."""
    # Decree 30/2020: days below 10 and the months 1 and 2 take a leading zero in the long form.
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    long = f"ngày {value.day:02d} tháng {month} năm {value.year}"
    short = f"{value.day:02d}/{value.month:02d}/{value.year}"
    return {"text": short, "date": short, "cell": short, "long": long, "long_cap": "N" + long[1:]}
