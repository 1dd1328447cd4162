"""Slips, letters and registers of the one-stop desk (forms 01-07) and their digital signatures.

- ``render_slip(*, kind, data, isolated=False) -> bytes``: a PDF from plain data (no database access); ``isolated``
  typesets it in a short-lived child process (a year's register: the worker does not keep typst's memory);
- ``slip_data_for(*, dossier, kind, **extra) -> dict``: that data, built from a dossier;
- ``pdf_sign(*, pdf, agency) -> bytes`` and ``pdf_verify(*, pdf) -> SignatureCheck``: PAdES B-T (B-B without a TSA);
- ``slip_pdf_for(*, dossier, kind, sign=True, **extra) -> bytes``: the three together;
  ``slip_pdf_for_applicant(*, dossier, kind)`` signs it, or gives it unsigned when signing fails;
- ``result_pdf_for(*, dossier, title, text, signer, at=None) -> bytes``: the result an officer writes at issue,
  signed; ``result_title_for(dossier)`` is its default title.
"""

from .data import register_data_for, result_title_for, slip_data_for
from .issue import result_pdf_for, slip_pdf_for, slip_pdf_for_applicant
from .signing import SignatureCheck, pdf_sign, pdf_verify
from .slips import SLIP_KINDS, render_result, render_slip

__all__ = [
    "SLIP_KINDS",
    "SignatureCheck",
    "pdf_sign",
    "pdf_verify",
    "register_data_for",
    "render_result",
    "render_slip",
    "result_pdf_for",
    "result_title_for",
    "slip_data_for",
    "slip_pdf_for",
    "slip_pdf_for_applicant",
]
