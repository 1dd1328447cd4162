"""Dossiers: list, submit with documents, read, timeline, add and download documents.

Applicants see and submit their own dossiers (online, as on the portal); officers and systems see
their agencies' dossiers and open counter dossiers for an applicant. The officers' actions are in
``dossier_actions``.
"""

import json
from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import Field, ValidationInfo, field_validator

from chinhquyen.catalog.models import Procedure, RequiredDocument
from chinhquyen.catalog.selectors import required_documents_of
from chinhquyen.core.downloads import file_download
from chinhquyen.core.errors import InvalidInput
from chinhquyen.directory.models import Agency, Applicant
from chinhquyen.dossiers import selectors, services
from chinhquyen.dossiers.models import DossierStatus
from chinhquyen.integrations.models import Scope
from chinhquyen.integrations.selectors import dossiers_for_caller

from ..auth import Caller, caller_of, declare
from ..errors import READ_ERRORS, WRITE_ERRORS, ApiError, field_renamed
from ..idempotency import claim_token, idempotent
from ..pagination import MAX_LIMIT, SORTS, paginate
from ..schemas.common import PRINTABLE, CalendarDay, CalendarInstant, Id
from ..schemas.dossiers import DocumentForm, DocumentOut, DossierOut, DossierPage, SubmitForm, Timeline
from .dossier_output import (
    document_out,
    documents_for,
    dossier_for,
    dossier_out,
    dossier_read_for,
    expected_version,
    summary_out,
)

router = Router(tags=["dossiers"])

# The canonical status codes (0 draft … 10 returned): a number beyond them is a mistake, not an empty list.
StatusCode = Annotated[int, Field(ge=min(DossierStatus.values), le=max(DossierStatus.values))]

# Levels of objects and lists in form_data: far more than any e-form nests (fields, a table's rows).
FORM_DATA_DEPTH = 32

READERS = declare(system=Scope.DOSSIERS_READ, officer=True, applicant=True)
SUBMITTERS = declare(system=Scope.DOSSIERS_SUBMIT, officer=True, applicant=True)


class DossierQuery(Schema):
    status: list[StatusCode] = Field(default_factory=list, description="Status codes to keep (repeat the parameter).")
    agency: str = Field(default="", max_length=20, pattern=PRINTABLE, description="Receiving agency's code.")
    procedure: str = Field(default="", max_length=40, pattern=PRINTABLE, description="Procedure's code.")
    received_from: CalendarDay | None = Field(
        default=None, description="Received on or after this day (Vietnam time), in the years 1976-2100."
    )
    received_to: CalendarDay | None = Field(
        default=None, description="Received on or before this day (Vietnam time), in the years 1976-2100."
    )
    updated_since: CalendarInstant | None = Field(
        default=None, description="Changed at or after this instant, in the years 1976-2100."
    )
    sort: str = Field(default="-created_at", pattern="^-?(due_at|created_at|updated_at)$")
    cursor: str = Field(default="", max_length=200)
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)

    @field_validator("received_to")
    @classmethod
    def _not_before_received_from(cls, value: date | None, info: ValidationInfo) -> date | None:
        # A reversed range would list nothing: refused, as the office's search form does (400 invalid_request).
        received_from = info.data.get("received_from")
        if value is not None and received_from is not None and value < received_from:
            raise ValueError("received_to is before received_from")
        return value


@router.get(
    "",
    response={200: DossierPage, **READ_ERRORS},
    operation_id="dossiers_list",
    summary="List dossiers",
    **READERS,
)
def dossiers_list(request: HttpRequest, params: Query[DossierQuery]) -> Any:
    """The caller's dossiers (an applicant's own; an officer's or system's agencies'), a page at a time.

    Sort by `due_at` (soonest first, undated last), `created_at` or `updated_at`; a leading `-` reverses.
    Keep the filters and sort when following `next_cursor`.
    """
    caller = caller_of(request)
    assert caller.user is not None  # noqa: S101 - declared callers are authenticated
    assert params.sort in SORTS  # noqa: S101 - the pattern allows only these
    dossiers = dossiers_for_caller(
        user=caller.user,
        as_applicant=caller.as_applicant,
        statuses=params.status,
        agency_code=params.agency,
        procedure_code=params.procedure,
        received_from=params.received_from,
        received_to=params.received_to,
        updated_since=params.updated_since,
    )
    page = paginate(dossiers, sort=params.sort, cursor=params.cursor or None, limit=params.limit)
    return {"items": [summary_out(d) for d in page.items], "next_cursor": page.next_cursor}


def _too_deep(data: Any) -> bool:
    """Whether ``data`` nests objects and lists beyond FORM_DATA_DEPTH (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > FORM_DATA_DEPTH:
                return True
            stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
    return False


def _form_data_refused(message: str) -> ApiError:
    return ApiError(400, "invalid_request", message, field="form_data")


def _form_data(text: str) -> dict[str, Any]:
    # A JSON document nested about a thousand deep exhausts the parser's recursion (RecursionError, not
    # ValueError); one within that limit would still exhaust the recursive checks and encoders after it.
    too_deep = _("form_data may nest objects and lists at most %(depth)d levels deep.")
    try:
        data = json.loads(text or "{}")
    except RecursionError:
        raise _form_data_refused(too_deep % {"depth": FORM_DATA_DEPTH}) from None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise _form_data_refused(_("form_data must be a JSON object."))
    if _too_deep(data):
        raise _form_data_refused(too_deep % {"depth": FORM_DATA_DEPTH})
    return data


def _lookups(form: SubmitForm, caller: Caller) -> tuple[Procedure, Agency, Applicant | None, bool]:
    # An applicant submits in their own name: no applicant to look up.
    found = selectors.counter_parties(
        procedure_code=form.procedure, agency_code=form.agency, applicant="" if caller.as_applicant else form.applicant
    )
    if found.procedure is None:
        raise InvalidInput(_("No published procedure has this code."), code="procedure_not_found", field="procedure")
    if found.agency is None:
        raise InvalidInput(_("No active agency has this code."), code="agency_not_found", field="agency")
    return found.procedure, found.agency, found.applicant, found.handled


def _required(procedure: Procedure, ids: list[int], files: list[UploadedFile]) -> list[RequiredDocument | None]:
    if len(ids) > len(files):
        raise InvalidInput(
            _("There are more required documents than files."), code="required_document", field="required_documents"
        )
    found = required_documents_of(procedure_id=procedure.pk, ids=[i for i in ids if i])
    if any(i and i not in found for i in ids):
        raise InvalidInput(
            _("That document is not required by this procedure."), code="required_document", field="required_documents"
        )
    return [found.get(i) if i else None for i in ids] + [None] * (len(files) - len(ids))


def _submit_online(
    request: HttpRequest,
    caller: Caller,
    procedure: Procedure,
    agency: Agency,
    data: dict[str, Any],
    uploads: list[services.Upload],
    handled: bool,
) -> Any:
    """The portal's online application: a draft, its data and documents, then the submission with every check."""
    by = caller.user
    assert by is not None  # noqa: S101 - declared callers are authenticated
    draft = services.online_draft_start(
        by=by, procedure=procedure, receiving_agency=agency, client_key=claim_token(request), handled=handled
    )
    dossier = services.online_draft_save(by=by, dossier=draft, form_data=data)
    for upload in uploads:
        services.dossier_document_add(
            by=by,
            dossier=dossier,
            upload=upload.file,
            name=upload.name,
            required_document=upload.required_document,
        )
    dossier = services.online_draft_submit(by=by, dossier=dossier)
    # Read again as the applicant sees it (the online services return the locked instance).
    return Status(201, dossier_out(caller, dossier_for(caller, dossier.pk)))


@router.post(
    "",
    response={201: DossierOut, **WRITE_ERRORS},
    operation_id="dossier_submit",
    summary="Submit a dossier with its documents",
    **SUBMITTERS,
)
@idempotent
def dossier_submit(
    request: HttpRequest,
    form: Form[SubmitForm],
    documents: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    """Submit a dossier (multipart/form-data) with its documents (PDF, JPEG or PNG, 10 MB each).

    An applicant's dossier is submitted online (status 1) after the same checks as on the portal: a
    procedure offered online, the e-form data and every mandatory document. An officer's or system's
    opens a counter dossier (status 0) for the applicant named by `applicant`, to be received with
    `POST /dossiers/{id}/receive`.
    Send an `Idempotency-Key`: a retry then returns the first response instead of a second dossier.
    """
    caller = caller_of(request)
    assert caller.user is not None  # noqa: S101 - declared callers are authenticated
    files = documents or []
    procedure, agency, applicant, handled = _lookups(form, caller)
    required = _required(procedure, form.required_documents, files)
    data = _form_data(form.form_data)
    kind = services.handed_in_kind(by_applicant=caller.as_applicant)
    uploads = [
        services.Upload(upload, upload.name or "", required_document, kind)
        for upload, required_document in zip(files, required, strict=True)
    ]
    if caller.as_applicant:
        with field_renamed("upload", "documents"):
            return _submit_online(request, caller, procedure, agency, data, uploads, handled)
    if applicant is None:
        raise InvalidInput(
            _("No applicant has this personal identification number or tax code."),
            code="applicant_not_found",
            field="applicant",
        )
    with field_renamed("upload", "documents"):
        dossier, added = services.dossier_create_with_documents(
            by=caller.user,
            procedure=procedure,
            applicant=applicant,
            uploads=uploads,
            form_data=data,
            receiving_agency=agency,
            roles=caller.roles,
            handled=handled,
        )
    # The counter dossier is in hand with its procedure, agency and applicant: no need to read it again
    # while the transaction (and the audit chain's lock) is held.
    return Status(201, dossier_out(caller, dossier, added))


@router.get(
    "/{dossier_id}",
    response={200: DossierOut, **READ_ERRORS},
    operation_id="dossier_get",
    summary="Read a dossier",
    **READERS,
)
def dossier_read(request: HttpRequest, dossier_id: Id, response: HttpResponse) -> Any:
    """A dossier the caller may see (else 404), with its documents, steps and the actions open to the caller.

    The `ETag` header is the version, to send back as `If-Match` with an action.
    """
    caller = caller_of(request)
    dossier, roles, read = dossier_read_for(caller, dossier_id)
    response["ETag"] = f'"{dossier.version}"'
    return dossier_out(caller, dossier, roles=roles, read=read)


@router.get(
    "/{dossier_id}/timeline",
    response={200: Timeline, **READ_ERRORS},
    operation_id="dossier_timeline",
    summary="Read a dossier's timeline",
    **READERS,
)
def dossier_timeline(request: HttpRequest, dossier_id: Id) -> Any:
    """Every event of the dossier in order; applicants do not see internal events nor who acted."""
    caller = caller_of(request)
    dossier = dossier_for(caller, dossier_id)
    events = selectors.dossier_timeline(dossier=dossier, for_applicant=caller.as_applicant)
    return {
        "items": [
            {
                "id": e.pk,
                "at": e.at,
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "reason": e.reason,
                "data": e.data if isinstance(e.data, dict) else {},
                "actor": "" if caller.as_applicant or e.actor is None else e.actor.get_full_name() or e.actor.username,
            }
            for e in events
        ]
    }


@router.post(
    "/{dossier_id}/documents",
    response={201: DocumentOut, **WRITE_ERRORS},
    operation_id="dossier_document_add",
    summary="Add a document",
    **SUBMITTERS,
)
@idempotent
def dossier_document_add(
    request: HttpRequest, dossier_id: Id, form: Form[DocumentForm], file: File[UploadedFile]
) -> Any:
    """Attach a file (PDF, JPEG or PNG, 10 MB at most): the applicant's only while a supplement the agency
    asked for is awaited (else 409 `no_supplement_requested`), the front desk's while it is in progress.

    An applicant's file is a dossier component (`kind` "component"); an officer's or system's is a scan of
    papers handed in (`kind` "scan"), as at the office's reception, and makes the dossier digitised."""
    caller = caller_of(request)
    assert caller.user is not None  # noqa: S101 - declared callers are authenticated
    dossier = dossier_for(caller, dossier_id)
    with field_renamed("required_documents", "required_document"):
        required = _required(dossier.procedure, [form.required_document or 0], [file])[0]
    with field_renamed("upload", "file"):
        document = services.dossier_document_add(
            by=caller.user,
            dossier=dossier,
            upload=file,
            name=form.name or file.name or "",
            kind=services.handed_in_kind(by_applicant=caller.as_applicant),
            required_document=required,
            expected_version=expected_version(request, form.expected_version),
        )
    return Status(201, document_out(document))


@router.get(
    "/{dossier_id}/documents/{document_id}/content",
    response={200: None, **READ_ERRORS},
    operation_id="dossier_document_content",
    summary="Download a document",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        },
        **READERS["openapi_extra"],
    },
    auth=READERS["auth"],
)
def dossier_document_content(request: HttpRequest, dossier_id: Id, document_id: Id) -> Any:
    """The stored file of a document the caller may see (the result, once issued, is signed by the agency).

    An applicant gets the result once it is handed over (status 10), as on the portal: online by `return`.
    """
    caller = caller_of(request)
    dossier = dossier_for(caller, dossier_id)
    document = next((d for d in documents_for(caller, dossier) if d.pk == document_id and d.file), None)
    if document is None or (
        caller.as_applicant and not selectors.document_open_to_applicant(dossier=dossier, document=document)
    ):
        raise ApiError(404, "document_not_found", _("This dossier has no such document."))
    return file_download(document.file.open("rb"), name=document.name, content_type=document.content_type)
