"""Issuing the result (trả kết quả giải quyết, status 9): an uploaded document, or one the officer writes.

An uploaded PDF (or image, made a PDF page) is signed by the agency that decided the dossier (the lead agency,
else the receiving one), even when the front desk of another agency issues it; a written result is rendered from
the dossier (``documents.result_pdf_for``: the lead agency's header, the applicant, the request, the officer's text, the
approving leader as signer, the lookup QR code) and signed by that agency. Either way it is stored as the
dossier's result document, which the applicant downloads. An agency that cannot sign (no usable key and
certificate) refuses the result with ``signing_unavailable``, and nothing is stored.
"""

import hashlib
import io
from datetime import datetime

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from pypdf import PdfReader

from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.text import clean
from chinhquyen.directory.models import Role, User

from ..errors import SigningUnavailable
from ..models import DocumentKind, Dossier, DossierDocument, Substatus
from ..uploads import upload_check
from .base import Change, transition_apply
from .digitisation import digitisation_on_result
from .steps import step_advance

RESULT_TITLE_MAX = 255
RESULT_TEXT_MAX = 20_000


def dossier_issue_result(
    *,
    by: User,
    dossier: Dossier,
    upload: UploadedFile | None = None,
    title: str = "",
    text: str = "",
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Issue the result (status 9, ``resolved_at``): store the uploaded document signed by the agency (an image,
    JPEG or PNG, made a one-page PDF first), or the result written in ``text`` (one paragraph per line). Either is
    titled ``title``; left empty, an uploaded document keeps its file's name (".pdf" for an image) and a written
    result takes the procedure's result."""
    checked = upload_check(upload) if upload is not None else None
    _title_check(title)
    written = _written_check(upload=upload, text=text)
    with transition_apply(by=by, dossier=dossier, action="issue_result", expected_version=expected_version, at=at) as c:
        d = c.dossier
        step = d.active_step
        signer = None
        c.data = {}
        if step is not None and step.role == Role.LEADER:
            # The leader issuing from the leader's step approves at the same time, and hands the file on
            # to the step returning the result as an approval would (a row of form 06).
            c.set(approved_at=c.at)
            # Only the front desk's step is left (the guard refuses while other steps remain after this one).
            step_advance(d, at=c.at, ensure_return=True, change=c)
            c.set(active_step=d.active_step)
            c.data = {"step": step.pk, "outcome": step.outcome}
            signer = by
        # Processing is over: the outcome is judged by this instant, not by when the result is collected.
        c.set(substatus=Substatus.RESULT_READY, resolved_at=c.at)
        if upload is not None and checked is not None:
            upload.seek(0)
            content = upload.read()
            original = clean(upload.name or "")
            if checked.content_type != "application/pdf":
                # A scan or photo of the paper result: made a PDF page so that the agency signs it as any result.
                from chinhquyen.dossiers.documents.images import image_pdf

                content = image_pdf(content)
                original = f"{original.rsplit('.', 1)[0]}.pdf" if original else ""
            # Titled as typed, as a written result is: the dossier's documents and the applicant show that name.
            typed = clean(title)
            _store(c, content=_sign(content, d), name=_file_name(typed) if typed else original or _("Result"))
        elif written:
            from chinhquyen.dossiers.documents import result_pdf_for, result_title_for

            title = clean(title) or result_title_for(d)
            pdf = result_pdf_for(dossier=d, title=title, text=text, signer=signer or _approver(d) or by, at=c.at)
            _store(c, content=pdf, name=_file_name(title))
            c.data["written"] = True
    return c.dossier


def _title_check(title: str) -> None:
    """InvalidInput for too long a title (of a file uploaded as of a written result)."""
    if len(clean(title)) > RESULT_TITLE_MAX:
        raise InvalidInput(
            _("The title is too long: at most %(n)d characters.") % {"n": RESULT_TITLE_MAX},
            code="title_too_long",
            field="title",
        )


def _file_name(title: str) -> str:
    """The result document's name: its title, with ".pdf" kept within the name's length."""
    return f"{title[: RESULT_TITLE_MAX - len('.pdf')]}.pdf"


def _written_check(*, upload: UploadedFile | None, text: str) -> bool:
    """Whether a result is written; InvalidInput for both a file and a text, or for too long a text."""
    if not clean(text):
        return False
    if upload is not None:
        raise InvalidInput(_("Attach the result or write it, not both."), code="result_source", field="text")
    if len(text) > RESULT_TEXT_MAX:
        raise InvalidInput(
            _("The result is too long: at most %(n)d characters.") % {"n": RESULT_TEXT_MAX},
            code="text_too_long",
            field="text",
        )
    return True


def _approver(dossier: Dossier) -> User | None:
    """The leader who approved the dossier: the signer of a result written after the approval."""
    event = dossier.events.filter(action="approve").select_related("actor").order_by("-at", "-pk").first()
    return event.actor if event is not None else None


def _store(c: Change, *, content: bytes, name: str) -> None:
    """Store the signed PDF ``content`` as the dossier's result document, named ``name``."""
    document = DossierDocument(
        dossier=c.dossier,
        kind=DocumentKind.RESULT,
        name=name[:255],
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        received=True,
        signed=True,
        uploaded_by=c.by,
    )
    document.file.save("result.pdf", ContentFile(content), save=False)
    document.save()
    c.data.update({"document": document.pk, "signed": True})
    digitisation_on_result(c)


def _sign(data: bytes, dossier: Dossier) -> bytes:
    """Sign an uploaded result as a written one is signed: by the agency that decided the dossier."""
    from chinhquyen.dossiers.documents import pdf_sign
    from chinhquyen.dossiers.documents.data import result_agency_for

    try:
        return pdf_sign(pdf=data, agency=result_agency_for(dossier))
    except SigningUnavailable:
        raise  # the agency's certificate is at fault, not the file
    except Exception as exc:  # pyhanko raises its own errors for a PDF it cannot read or sign
        if _encrypted(data):
            # It opens without a password, but a permissions password forbids adding to it: exporting it again
            # from the same tool would protect it again.
            raise InvalidInput(
                _(
                    "This PDF is protected against changes, so the agency's signature cannot be added to it: "
                    "upload a copy without protection."
                ),
                code="pdf_protected",
                field="upload",
            ) from exc
        raise InvalidInput(
            _("The result PDF could not be read to be signed; export it again and upload it."),
            code="pdf_unreadable",
            field="upload",
        ) from exc


def _encrypted(data: bytes) -> bool:
    """Whether ``data`` is an encrypted PDF (upload_check let in only those that open without a password)."""
    try:
        return bool(PdfReader(io.BytesIO(data), strict=False).is_encrypted)
    except Exception:  # noqa: BLE001 - a file pypdf cannot read either is simply not known to be encrypted
        return False
