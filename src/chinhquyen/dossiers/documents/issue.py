"""One call for the pages: build, render and sign a dossier's slip."""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..errors import SigningUnavailable
from .data import result_data_for, slip_data_for
from .signing import pdf_sign
from .slips import render_result, render_slip

if TYPE_CHECKING:
    from chinhquyen.directory.models import User

    from ..models import Dossier

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Issuer:
    code: str
    name: str


def slip_pdf_for(*, dossier: "Dossier | None", kind: str, sign: bool = True, **extra: Any) -> bytes:
    """Return form ``kind`` of ``dossier`` as a PDF, signed by the agency in its header.

    The issuing agency is the receiving agency, or for form 04 the agency at fault and for form 05 the
    agency that stopped the dossier (see ``data.slip_data_for``); ``extra`` is passed on to it. Raise
    SigningUnavailable when that agency cannot sign.
    """
    data = slip_data_for(dossier=dossier, kind=kind, **extra)
    pdf = render_slip(kind=kind, data=data)
    if not sign:
        return pdf
    return pdf_sign(pdf=pdf, agency=_Issuer(code=data["agency"]["code"], name=data["agency"]["name"]))


def slip_pdf_for_applicant(*, dossier: "Dossier", kind: str) -> bytes:
    """Form ``kind`` as the applicant receives it electronically (e-mail, portal): signed by the issuing agency,
    as electronic slips must be (spec §3); unsigned, and logged, when it cannot be signed now, rather than
    not at all (an agency without a usable certificate included: the applicant still gets the slip, and the
    operators the logged error). A slip that cannot be rendered is logged as such, and the error raised."""
    try:
        data = slip_data_for(dossier=dossier, kind=kind)
        pdf = render_slip(kind=kind, data=data)
    except Exception:
        logger.exception("Slip %s of dossier %s could not be rendered.", kind, dossier.pk)
        raise
    try:
        return pdf_sign(pdf=pdf, agency=_Issuer(code=data["agency"]["code"], name=data["agency"]["name"]))
    except SigningUnavailable:  # its cause is logged already, with the file to fix
        logger.warning("Slip %s of dossier %s could not be signed; given unsigned.", kind, dossier.pk)
        return pdf
    except Exception:  # pyhanko and the key store raise their own errors; an unsigned slip still informs
        logger.warning("Slip %s of dossier %s could not be signed; given unsigned.", kind, dossier.pk, exc_info=True)
        return pdf


def result_pdf_for(
    *, dossier: "Dossier", title: str, text: str, signer: "User | None", at: "datetime | None" = None
) -> bytes:
    """Return the result written at issue (dated ``at``) as a PDF, signed by the agency it comes from.

    Raise SigningUnavailable when that agency cannot sign: an official result is never given unsigned.
    """
    data = result_data_for(dossier=dossier, title=title, text=text, signer=signer, at=at)
    pdf = render_result(data=data)
    return pdf_sign(pdf=pdf, agency=_Issuer(code=data["agency"]["code"], name=data["agency"]["name"]))
