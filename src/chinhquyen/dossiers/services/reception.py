"""Reception (tiếp nhận): creating dossiers, documents, receiving, refusing and supplements."""

from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chinhquyen.catalog.models import Procedure, RequiredDocument, TimeUnit
from chinhquyen.catalog.selectors import TimeLimit
from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.rows import row_insert, rows_insert
from chinhquyen.core.text import clean
from chinhquyen.directory.models import Agency, Applicant, Role, User

from ..codes import dossier_code_next, lookup_secret_new
from ..deadlines import (
    Due,
    StepPlan,
    dossier_due,
    dossier_time_limit,
    outcome_of,
    step_dues,
    steps_plan,
    working_seconds_between,
)
from ..errors import TransitionRefused
from ..models import (
    HANDED_IN_KINDS,
    Channel,
    DocumentKind,
    Dossier,
    DossierDocument,
    DossierStatus,
    DossierStep,
    StepState,
    Substatus,
)
from ..transitions import Roles, user_roles_load
from ..uploads import CheckedUpload, upload_check
from .base import Change, dossier_lock, event_write, transition_apply
from .clock import clock_resume
from .closing import processing_close
from .digitisation import digitisation_on_document, digitisation_on_scan_removed
from .drafts import client_key_clean, draft_open_once
from .form_data import form_complete_check, form_data_check
from .offer import agency_handles_check, procedure_online_check, procedure_open_check
from .steps import iso
from .supplement import supplement_items, supplement_pause, supplement_reason


def applicant_snapshot(applicant: Applicant) -> dict[str, Any]:
    """The applicant's details as submitted: the dossier keeps them even if the record changes later."""
    return {
        "kind": applicant.kind,
        "name": applicant.name,
        "personal_id": applicant.personal_id,
        "tax_code": applicant.tax_code,
        "birth_date": applicant.birth_date.isoformat() if applicant.birth_date else None,
        "representative": applicant.representative,
        "address": applicant.address,
        "division_code": applicant.division_code,
        "phone": applicant.phone,
        "email": applicant.email,
    }


def _front_desk_agency(*, by: User, receiving_agency: Agency | None, roles: Roles | None) -> Agency | int:
    """The counter's agency: the one named if the officer is at its front desk, else theirs (an id).

    An officer at the front desk of several agencies must name one: the dossier's code, deadlines and
    steps are the receiving agency's, so it is never guessed.
    """
    held = user_roles_load(user=by) if roles is None else roles
    agency_ids = sorted(a for a, role in held if role == Role.FRONT_DESK)
    if receiving_agency is not None and receiving_agency.pk in agency_ids:
        return receiving_agency
    if receiving_agency is None and len(agency_ids) == 1:
        return agency_ids[0]
    if receiving_agency is None and agency_ids:
        raise InvalidInput(
            _("You work at the front desk of several agencies: choose the one receiving this dossier."),
            code="agency_required",
            field="agency",
        )
    raise TransitionRefused(
        _("Only a front-desk officer of the receiving agency can create a dossier at the counter."),
        code="role_required",
    )


def _create(
    *,
    by: User,
    procedure: Procedure,
    applicant: Applicant,
    agency: Agency | int,
    channel: int,
    status: int,
    form_data: Any,
    at: datetime | None,
    client_key: str = "",
) -> Dossier:
    now = at or timezone.now()
    where: dict[str, Agency | int] = (
        {"receiving_agency_id": agency} if isinstance(agency, int) else {"receiving_agency": agency}
    )
    # No savepoint: a failed creation fails the caller's whole transaction anyway (the API's submission
    # opens the dossier inside its own), and a savepoint costs two round trips.
    with transaction.atomic(savepoint=False):
        dossier = Dossier(
            procedure=procedure,
            applicant=applicant,
            applicant_snapshot=applicant_snapshot(applicant),
            channel=channel,
            status=status,
            form_data=form_data or {},
            lookup_secret=lookup_secret_new(),
            client_key=client_key,
            submitted_at=now if status == DossierStatus.SUBMITTED else None,
            created_by=by,
            **where,
        )
        row_insert(dossier)
        event_write(dossier=dossier, by=by, action="create", at=now, from_status=None, data={"channel": channel})
    return dossier


def dossier_create_at_counter(
    *,
    by: User,
    procedure: Procedure,
    applicant: Applicant,
    form_data: dict[str, Any] | None = None,
    receiving_agency: Agency | None = None,
    at: datetime | None = None,
    roles: Roles | None = None,
    client_key: str = "",
) -> Dossier:
    """Open a draft (status 0) for a walk-in applicant at the officer's counter.

    The procedure must be in the catalog and handled by the receiving agency. ``roles``, the officer's
    (agency id, role) pairs when already read in this request, spares a query. ``client_key``, from the
    start form, opens the draft once: the form sent again (a double click) returns the draft it opened.
    """
    agency = _counter_check(by=by, procedure=procedure, receiving_agency=receiving_agency, roles=roles)
    form_data_check(form_data or {})
    if not client_key:
        return _counter_draft(
            by=by, procedure=procedure, applicant=applicant, agency=agency, form_data=form_data, at=at
        )
    key = client_key_clean(client_key)
    same_key = Dossier.objects.filter(applicant=applicant, client_key=key, channel=Channel.COUNTER, created_by=by)
    return draft_open_once(
        same_key=same_key,
        create=lambda: _counter_draft(
            by=by, procedure=procedure, applicant=applicant, agency=agency, form_data=form_data, at=at, client_key=key
        ),
    )


def _counter_check(
    *,
    by: User,
    procedure: Procedure,
    receiving_agency: Agency | None,
    roles: Roles | None,
    handled: bool | None = None,
) -> Agency | int:
    """The counter's agency, once the officer, the procedure and the agency's handling of it are checked."""
    agency = _front_desk_agency(by=by, receiving_agency=receiving_agency, roles=roles)
    procedure_open_check(procedure)
    agency_handles_check(procedure, agency, handled=handled)
    return agency


def _counter_draft(
    *,
    by: User,
    procedure: Procedure,
    applicant: Applicant,
    agency: Agency | int,
    form_data: Any,
    at: datetime | None,
    client_key: str = "",
) -> Dossier:
    return _create(
        by=by,
        procedure=procedure,
        applicant=applicant,
        agency=agency,
        channel=Channel.COUNTER,
        status=DossierStatus.DRAFT,
        form_data=form_data,
        at=at,
        client_key=client_key,
    )


def dossier_submit_online(
    *, by: User, applicant: Applicant, procedure: Procedure, receiving_agency: Agency, form_data: dict[str, Any]
) -> Dossier:
    """Submit online in one call (status 1, Mới đăng ký): the dossier waits in the front desk's queue.

    For the tests (the demo province submits through the draft, as the portal does). It checks what the
    draft's submission checks except the documents, which it cannot carry: the portal and the API go through
    the draft (``online_draft_submit``), whose submission also requires every mandatory document.
    """
    if not by.is_authenticated or applicant.user_id != by.pk:
        raise TransitionRefused(_("You can submit dossiers only in your own name."), code="not_owner")
    procedure_open_check(procedure)
    procedure_online_check(procedure)
    agency_handles_check(procedure, receiving_agency)
    form_data_check(form_data)
    form_complete_check(procedure.eform_schema, form_data)
    return _create(
        by=by,
        procedure=procedure,
        applicant=applicant,
        agency=receiving_agency,
        channel=Channel.ONLINE,
        status=DossierStatus.SUBMITTED,
        form_data=form_data,
        at=None,
    )


@dataclass(frozen=True)
class Upload:
    """A file to attach (thành phần hồ sơ): what was uploaded, its name, the required document it answers."""

    file: UploadedFile
    name: str = ""
    required_document: RequiredDocument | None = None
    kind: str = DocumentKind.COMPONENT  # see handed_in_kind


def handed_in_kind(*, by_applicant: bool) -> str:
    """The kind of a file handed in: the applicant's own is a component of the dossier; one an officer or a
    system adds is a scan of the papers handed in at the counter, which digitises the dossier."""
    return DocumentKind.COMPONENT if by_applicant else DocumentKind.SCAN


def dossier_document_add(
    *,
    by: User,
    dossier: Dossier,
    upload: UploadedFile,
    name: str,
    kind: str = DocumentKind.COMPONENT,
    required_document: RequiredDocument | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
    once: bool = False,
) -> DossierDocument:
    """Attach a file (thành phần hồ sơ, bản quét), checked by content type and size.

    The front desk attaches while the dossier is open at the agency; its applicant only to their online
    draft, or while the agency awaits a supplement (a submitted application is checked as it was sent).

    ``once``: the same content sent again by ``by`` for the same required document while attaching it is still
    the dossier's latest event (a double click, Back and send again) is the file already attached, returned as it
    is, whatever version the second sending was made at. Judged under the dossier's lock, which a second click
    sent while the first was being saved waits for.
    """
    checked = upload_check(upload)
    _required_check(dossier.procedure_id, required_document)
    with transaction.atomic() if once else nullcontext():
        if once:
            sent = _sent_already(
                dossier_lock(dossier=dossier), by=by, kind=kind, required_document=required_document, checked=checked
            )
            if sent is not None:
                return sent
        with transition_apply(
            by=by, dossier=dossier, action="document_add", expected_version=expected_version, at=at
        ) as c:
            return _document_write(c, upload, checked, name=name, kind=kind, required_document=required_document)


def _sent_already(
    locked: Dossier, *, by: User, kind: str, required_document: RequiredDocument | None, checked: CheckedUpload
) -> DossierDocument | None:
    """The file of ``locked``'s latest event if that event is ``by`` attaching this content, kind and required
    document: nothing has happened since (a file asked for anew after a request is attached, not this one)."""
    last = locked.events.order_by("-pk").values_list("action", "actor_id", "data").first()
    if last is None or by.pk is None or last[:2] != ("document_add", by.pk):
        return None
    document = DossierDocument.objects.filter(dossier=locked, pk=int((last[2] or {}).get("document") or 0)).first()
    same = (kind, required_document.pk if required_document else None, checked.sha256)
    if document is None or (document.kind, document.required_document_id, document.sha256) != same:
        return None
    return document


def dossier_create_with_documents(
    *,
    by: User,
    procedure: Procedure,
    applicant: Applicant,
    uploads: Sequence[Upload],
    form_data: dict[str, Any] | None = None,
    receiving_agency: Agency | None = None,
    roles: Roles | None = None,
    handled: bool | None = None,
) -> tuple[Dossier, list[DossierDocument]]:
    """``dossier_create_at_counter``, then ``dossier_document_add`` for each upload, in one transaction.

    ``handled``, whether the receiving agency handles the procedure when the caller read it with them,
    spares that query.

    Every check that can refuse (the counter, each file) is made before anything is written. The dossier
    is new to this transaction, so no other can see it: the documents are added without locking it again
    or a savepoint each (the API's submission).
    """
    roles = user_roles_load(user=by) if roles is None else roles
    agency = _counter_check(by=by, procedure=procedure, receiving_agency=receiving_agency, roles=roles, handled=handled)
    form_data_check(form_data or {})
    checked = [upload_check(upload.file) for upload in uploads]
    for upload in uploads:
        _required_check(procedure.pk, upload.required_document)
    with transaction.atomic(savepoint=False):
        dossier = _counter_draft(
            by=by, procedure=procedure, applicant=applicant, agency=agency, form_data=form_data, at=None
        )
        documents = []
        for upload, upload_checked in zip(uploads, checked, strict=True):
            with transition_apply(by=by, dossier=dossier, action="document_add", held=True, roles=roles) as c:
                documents.append(
                    _document_write(
                        c,
                        upload.file,
                        upload_checked,
                        name=upload.name,
                        kind=upload.kind,
                        required_document=upload.required_document,
                    )
                )
    return dossier, documents


def _required_check(procedure_id: int, required_document: RequiredDocument | None) -> None:
    if required_document is not None and required_document.procedure_id != procedure_id:
        raise InvalidInput(_("That document is not required by this procedure."), code="required_document")


def _document_write(
    c: Change,
    upload: UploadedFile,
    checked: CheckedUpload,
    *,
    name: str,
    kind: str,
    required_document: RequiredDocument | None,
) -> DossierDocument:
    """Store the file and its row; the event's data names it."""
    document = DossierDocument(
        dossier=c.dossier,
        kind=kind,
        required_document=required_document,
        name=clean(name)[:255] or clean(upload.name or "")[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        received=True,
        uploaded_by=c.by,
    )
    document.file.save(f"upload{checked.extension}", upload, save=False)
    row_insert(document)
    c.data = {"document": document.pk, "name": document.name, "kind": kind, "sha256": checked.sha256}
    # The applicant sees their own uploads, never the front desk's scans: nor, then, the row naming one.
    c.internal = kind == DocumentKind.SCAN
    digitisation_on_document(c, kind=kind)
    return document


def dossier_documents_mark_received(
    *,
    by: User,
    dossier: Dossier,
    required_document_ids: Iterable[int],
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Tick the required documents handed over at the counter; the others are unticked."""
    ids = set(required_document_ids)
    with transition_apply(
        by=by, dossier=dossier, action="documents_mark_received", expected_version=expected_version, at=at
    ) as c:
        required = {rd.pk: rd for rd in RequiredDocument.objects.filter(procedure_id=c.dossier.procedure_id)}
        unknown = ids - required.keys()
        if unknown:
            raise InvalidInput(_("Some documents are not required by this procedure."), code="required_document")
        # The tick is the required document's: every file of it (the component, its scans) follows.
        handed_in = c.dossier.documents.filter(kind__in=HANDED_IN_KINDS).exclude(required_document=None)
        handed_in.filter(required_document_id__in=ids, received=False).update(received=True)
        handed_in.exclude(required_document_id__in=ids).filter(received=True).update(received=False)
        present = set(handed_in.values_list("required_document_id", flat=True))
        DossierDocument.objects.bulk_create(
            DossierDocument(dossier=c.dossier, required_document=rd, name=rd.name[:255], received=True, uploaded_by=by)
            for pk, rd in required.items()
            if pk in ids and pk not in present
        )
        c.data = {"required_documents": sorted(ids)}
    return c.dossier


def dossier_scan_remove(
    *,
    by: User,
    dossier: Dossier,
    document_id: int,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Take a scan attached by mistake off a counter draft (``document_remove``), with its stored file.

    Before reception only: once received, the scan is part of the dossier handed in. The receipt (01) no longer
    lists it. The ticks the officer saved stay: a required document ticked in the last saved list whose only file
    this was keeps a tick of its own, as ``dossier_documents_mark_received`` makes one; the tick a scan alone
    gave (never saved) goes with it.
    """
    with transition_apply(
        by=by, dossier=dossier, action="document_remove", expected_version=expected_version, at=at
    ) as c:
        document = (
            DossierDocument.objects.filter(dossier=c.dossier, pk=document_id, kind=DocumentKind.SCAN)
            .exclude(file="")
            .select_related("required_document")
            .first()
        )
        if document is None:
            raise InvalidInput(_("This file is not a scan of this dossier."), code="document_not_found")
        rd = document.required_document
        c.data = {
            "document": document.pk,
            "name": document.name,
            "kind": document.kind,
            "sha256": document.sha256,
            "required_document": rd.pk if rd is not None else None,
        }
        stored = document.file.name
        storage = document.file.storage
        document.delete()
        if rd is not None and document.received and _tick_saved(c.dossier, rd.pk):
            others = c.dossier.documents.filter(kind__in=HANDED_IN_KINDS, required_document=rd, received=True)
            if not others.exists():
                row_insert(
                    DossierDocument(
                        dossier=c.dossier, required_document=rd, name=rd.name[:255], received=True, uploaded_by=by
                    )
                )
                c.data["tick_kept"] = True
        digitisation_on_scan_removed(c)
        transaction.on_commit(lambda: storage.delete(stored))
    return c.dossier


def _tick_saved(dossier: Dossier, required_document_id: int) -> bool:
    """Whether the officer's last saved list of documents handed in ticks this required document."""
    saved = dossier.events.filter(action="documents_mark_received").order_by("-pk").values_list("data", flat=True)
    last = saved.first()
    return isinstance(last, dict) and required_document_id in (last.get("required_documents") or [])


def _span_hours(limit: TimeLimit, due: Due) -> Decimal | None:
    """The working hours a limit gives: as stated, or for calendar days and months those between the start
    and the due date (which the steps share)."""
    if due.due_at is None:
        # No due date (no limit, or one past the working calendar's years): no span for the steps to share.
        return None
    if limit.unit not in (TimeUnit.DAYS, TimeUnit.MONTHS):
        return limit.hours
    return Decimal(working_seconds_between(due.start, due.due_at)) / 3600


def _limit_text(limit: TimeLimit) -> str:
    # A record printed on the receipt (01): in the site's language, whoever receives.
    with translation.override(settings.LANGUAGE_CODE):
        return limit.label()[:255]


def dossier_receive(
    *, by: User, dossier: Dossier, at: datetime | None = None, expected_version: int | None = None
) -> Dossier:
    """Receive (tiếp nhận): code, due date and steps; the first front-desk step is done here."""
    with transition_apply(
        by=by,
        dossier=dossier,
        action="receive",
        expected_version=expected_version,
        at=at,
        related=("procedure", "receiving_agency"),
    ) as c:
        d = c.dossier
        if d.status == DossierStatus.DRAFT:
            # A counter draft is lodged now, as an online draft is by its submission: not for a procedure withdrawn
            # since it was opened. An application submitted before the withdrawal is received.
            procedure_open_check(d.procedure)
        limit = dossier_time_limit(procedure=d.procedure, channel=d.channel, applied_online=d.submitted_at is not None)
        due = dossier_due(limit=limit, received_at=c.at)
        hours = _span_hours(limit, due)
        # The template's shares are fitted to this span, whatever limit they were drawn for.
        plan = steps_plan(procedure=d.procedure, receiving_agency=d.receiving_agency, total_hours=hours)
        _plan_agencies_check(plan)
        dues = step_dues(start=due.start, due_at=due.due_at, shares=[p.share_hours for p in plan])
        steps = [
            DossierStep(
                dossier=d,
                order=p.order,
                name=p.name,
                agency=p.agency,
                role=p.role,
                share_hours=p.share_hours,
                due_at=step_due,
            )
            for p, step_due in zip(plan, dues, strict=True)
        ]
        first_open = 0
        if steps and steps[0].role == Role.FRONT_DESK and len(steps) > 1:
            reception = steps[0]
            reception.state, reception.started_at, reception.finished_at = StepState.DONE, c.at, c.at
            reception.assignee = by
            reception.outcome = outcome_of(finished_at=c.at, due_at=reception.due_at)
            first_open = 1
        if first_open < len(steps):
            steps[first_open].state, steps[first_open].started_at = StepState.ACTIVE, c.at
        rows_insert(steps)
        c.set(
            code=dossier_code_next(agency=d.receiving_agency, at=c.at),
            received_at=c.at,
            time_limit_text=_limit_text(limit),
            due_at=due.due_at,
            original_due_at=due.due_at,
            active_step=steps[first_open] if first_open < len(steps) else None,
            substatus=Substatus.NONE,
        )
        c.data = {
            "code": d.code,
            "due_at": iso(due.due_at),
            "counting_from": iso(due.start),
            "time_limit": d.time_limit_text,
            # The procedure as received: the slips and the register printed later give it after the catalog
            # renames or renumbers it.
            "procedure": {"code": d.procedure.code, "name": d.procedure.name},
        }
        if due.note:
            c.data["note"] = due.note
    return c.dossier


def _plan_agencies_check(plan: Sequence[StepPlan]) -> None:
    """Refuse a plan with a step at an inactive agency: nobody could act on it (the agencies come with the plan)."""
    for step in plan:
        if not step.agency.is_active:
            raise InvalidInput(
                _(
                    "The procedure's process names an agency that is no longer active: %(agency)s; the catalog "
                    "administrator must update it."
                )
                % {"agency": step.agency.name},
                code="agency_inactive",
            )


def dossier_refuse(
    *,
    by: User,
    dossier: Dossier,
    reasons: list[str] | str,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Refuse at reception (không tiếp nhận) with the specific reasons (form 03)."""
    items = [clean(r) for r in ([reasons] if isinstance(reasons, str) else reasons) if clean(r)]
    if not items:
        raise InvalidInput(_("Give the reasons for the refusal."), code="reason_required", field="reasons")
    with transition_apply(by=by, dossier=dossier, action="refuse", expected_version=expected_version, at=at) as c:
        c.reason = "; ".join(items)
        c.data = {"reasons": items}
        processing_close(c)  # refused while a supplement asked for before reception was awaited
    return c.dossier


def dossier_request_supplement(
    *,
    by: User,
    dossier: Dossier,
    items: list[str],
    reason: str,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Ask the applicant for documents (form 02), saying why; after reception the clock pauses until they arrive."""
    items = supplement_items(items)
    supplement_reason(reason)
    with transition_apply(
        by=by, dossier=dossier, action="request_supplement", expected_version=expected_version, at=at
    ) as c:
        supplement_pause(c, items=items, reason=reason)
    return c.dossier


def dossier_supplement_provided(
    *, by: User, dossier: Dossier, note: str = "", at: datetime | None = None, expected_version: int | None = None
) -> Dossier:
    """The applicant has supplied: back to the status before; due dates move by the working time paused.

    The applicant answers online with what they attached since the request, so an answer with nothing
    attached is refused. The front desk may record a supply without a file: papers handed in at the counter.
    """
    with transition_apply(
        by=by, dossier=dossier, action="supplement_provided", expected_version=expected_version, at=at
    ) as c:
        d = c.dossier
        c.target = d.paused_status if d.paused_status is not None else DossierStatus.PROCESSING
        c.data = {}
        clock_resume(c)
        c.set(paused_status=None, substatus=Substatus.SUPPLEMENT_SUPPLIED)
        c.reason = clean(note)
    return c.dossier


def dossier_withdraw(
    *, by: User, dossier: Dossier, reason: str, at: datetime | None = None, expected_version: int | None = None
) -> Dossier:
    """Withdraw at the applicant's request (rút hồ sơ), with the reason given."""
    if not clean(reason):
        raise InvalidInput(_("Give the reason for the withdrawal."), code="reason_required", field="reason")
    with transition_apply(by=by, dossier=dossier, action="withdraw", expected_version=expected_version, at=at) as c:
        c.reason = clean(reason)
        processing_close(c)
    return c.dossier
