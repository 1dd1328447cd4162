"""The officers' actions on a dossier, one operation each, from one table.

Each row maps a typed body onto one service of ``chinhquyen.dossiers.services``; whether the caller
may act, and what changes, is decided there (the state machine). A stale ``expected_version`` (or
``If-Match``) gets 409 ``stale_version``; a refused transition 409, a missing role 403.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from chinhquyen.core.text import code_plausible
from chinhquyen.directory.models import Agency, User
from chinhquyen.directory.selectors import agency_by_code_any_state, user_by_username
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import ApologyLetter, Dossier
from chinhquyen.dossiers.selectors import apology_letter_of, apology_letter_send_by
from chinhquyen.integrations.models import Scope

from ..auth import caller_of, declare
from ..errors import WRITE_ERRORS, ApiError, field_renamed
from ..idempotency import idempotent
from ..schemas.common import Id
from ..schemas.dossiers import (
    ActionIn,
    AuthorisedPersonIn,
    ConsultIn,
    DocumentsReceivedIn,
    DossierOut,
    ForwardIn,
    IssueResultIn,
    LetterDraftIn,
    LetterOut,
    NoteIn,
    PaymentIn,
    ReasonIn,
    ReassignIn,
    RefuseIn,
    ReturnIn,
    SupplementRejectIn,
    SupplementRequestIn,
)
from .dossier_output import dossier_for, dossier_out, expected_version

router = Router(tags=["dossier actions"])

# by, dossier, body, expected version -> the service's result
Perform = Callable[[User, Dossier, Any, int | None], Any]


def _user(username: str | None, field: str) -> User | None:
    if not username:
        return None
    user = user_by_username(username=username)
    if user is None:
        raise ApiError(422, "user_not_found", _("No active account has this username."), field=field)
    return user


def _required_user(username: str, field: str) -> User:
    user = _user(username, field)
    if user is None:
        raise ApiError(422, "user_not_found", _("No active account has this username."), field=field)
    return user


def _agency(code: str) -> Agency:
    # Inactive agencies too: the service refuses them with agency_inactive, as the office does.
    agency = agency_by_code_any_state(code=code) if code_plausible(code) else None  # a NUL byte is no code
    if agency is None:
        raise ApiError(422, "agency_not_found", _("No active agency has this code."), field="agency")
    return agency


def _documents_mark_received(by: User, dossier: Dossier, body: DocumentsReceivedIn, version: int | None) -> Any:
    with field_renamed(None, "required_documents", code="required_document"):
        return services.dossier_documents_mark_received(
            by=by, dossier=dossier, required_document_ids=body.required_documents, expected_version=version
        )


@dataclass(frozen=True)
class ActionSpec:
    name: str  # the state machine's action
    path: str
    body: type[ActionIn]
    perform: Perform
    summary: str
    applicant: bool = False  # the dossier's applicant may take it too


S = services
ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "receive",
        "receive",
        ActionIn,
        lambda by, d, b, v: S.dossier_receive(by=by, dossier=d, expected_version=v),
        "Receive (tiếp nhận): code, due date, steps",
    ),
    ActionSpec(
        "refuse",
        "refuse",
        RefuseIn,
        lambda by, d, b, v: S.dossier_refuse(by=by, dossier=d, reasons=b.reasons, expected_version=v),
        "Refuse at reception, with the reasons",
    ),
    ActionSpec(
        "documents_mark_received",
        "documents-received",
        DocumentsReceivedIn,
        _documents_mark_received,
        "Record the required documents handed in at the counter (the others are unticked)",
    ),
    ActionSpec(
        "authorised_person_set",
        "authorised-person",
        AuthorisedPersonIn,
        lambda by, d, b, v: S.dossier_authorised_person_set(
            by=by, dossier=d, details=b.model_dump(include=set(S.AUTHORISED_FIELDS)), expected_version=v
        ),
        "Record who lodges the dossier under a power of attorney (before reception; printed on the receipt)",
    ),
    ActionSpec(
        "request_supplement",
        "request-supplement",
        SupplementRequestIn,
        lambda by, d, b, v: S.dossier_request_supplement(
            by=by, dossier=d, items=b.items, reason=b.reason, expected_version=v
        ),
        "Ask the applicant for documents (the clock pauses)",
    ),
    ActionSpec(
        "supplement_provided",
        "supplement-provided",
        NoteIn,
        lambda by, d, b, v: S.dossier_supplement_provided(by=by, dossier=d, note=b.note, expected_version=v),
        "Answer a supplement request (the clock resumes)",
        applicant=True,
    ),
    ActionSpec(
        "supplement_accept",
        "supplement-accept",
        NoteIn,
        lambda by, d, b, v: S.dossier_supplement_accept(by=by, dossier=d, note=b.note, expected_version=v),
        "Accept the documents supplied (who asked for them)",
    ),
    ActionSpec(
        "supplement_reject",
        "supplement-reject",
        SupplementRejectIn,
        lambda by, d, b, v: S.dossier_supplement_reject(
            by=by, dossier=d, items=b.items, reason=b.reason, expected_version=v
        ),
        "The documents supplied are not enough: ask again for what is missing (the clock pauses again)",
    ),
    ActionSpec(
        "claim",
        "claim",
        ActionIn,
        lambda by, d, b, v: S.dossier_claim(by=by, dossier=d, expected_version=v),
        "Take the active step",
    ),
    ActionSpec(
        "forward",
        "forward",
        ForwardIn,
        lambda by, d, b, v: S.dossier_forward(
            by=by, dossier=d, note=b.note, to_user=_user(b.to_user, "to_user"), expected_version=v
        ),
        "Finish the step and hand over to the next",
    ),
    ActionSpec(
        "send_back",
        "send-back",
        ReasonIn,
        lambda by, d, b, v: S.dossier_send_back(by=by, dossier=d, reason=b.reason, expected_version=v),
        "Send back to the previous step",
    ),
    ActionSpec(
        "reassign",
        "reassign",
        ReassignIn,
        lambda by, d, b, v: S.dossier_reassign(
            by=by, dossier=d, to_user=_required_user(b.to_user, "to_user"), expected_version=v
        ),
        "Give the active step to another officer (leader)",
    ),
    ActionSpec(
        "consult_agency",
        "consult",
        ConsultIn,
        lambda by, d, b, v: S.dossier_consult_agency(
            by=by,
            dossier=d,
            agency=_agency(b.agency),
            question=b.question,
            answer_days=b.answer_days,
            expected_version=v,
        ),
        "Ask another agency's opinion (liên thông)",
    ),
    ActionSpec(
        "consult_recall",
        "consult-recall",
        ReasonIn,
        lambda by, d, b, v: S.dossier_consult_recall(by=by, dossier=d, reason=b.reason, expected_version=v),
        "Take back a consultation not answered (the agency that asked)",
    ),
    ActionSpec(
        "request_payment",
        "request-payment",
        PaymentIn,
        lambda by, d, b, v: S.dossier_request_payment(
            by=by, dossier=d, amount=b.amount, note=b.note, expected_version=v
        ),
        "Ask the applicant to pay fees",
    ),
    ActionSpec(
        "payment_confirmed",
        "confirm-payment",
        ActionIn,
        lambda by, d, b, v: S.dossier_payment_confirmed(by=by, dossier=d, expected_version=v),
        "Confirm the payment",
    ),
    ActionSpec(
        "approve",
        "approve",
        NoteIn,
        lambda by, d, b, v: S.dossier_approve(by=by, dossier=d, note=b.note, expected_version=v),
        "Approve (leader)",
    ),
    ActionSpec(
        "return",
        "return",
        ReturnIn,
        lambda by, d, b, v: S.dossier_return(by=by, dossier=d, method=b.method, expected_version=v),
        "Hand the result over (status 10): counter, or online (the applicant's download, the only method an "
        "applicant may give: else 422 online_only); postal is 422 postal_order_required (sent through a postal order)",
        applicant=True,
    ),
    ActionSpec(
        "withdraw",
        "withdraw",
        ReasonIn,
        lambda by, d, b, v: S.dossier_withdraw(by=by, dossier=d, reason=b.reason, expected_version=v),
        "Withdraw at the applicant's request",
        applicant=True,
    ),
    ActionSpec(
        "stop",
        "stop",
        ReasonIn,
        lambda by, d, b, v: S.dossier_stop(by=by, dossier=d, reason=b.reason, expected_version=v),
        "Stop processing (leader)",
    ),
)


def _register(spec: ActionSpec) -> None:
    body_type = spec.body

    def view(request: HttpRequest, dossier_id: Id, payload: body_type) -> Any:  # type: ignore[valid-type]
        caller = caller_of(request)
        assert caller.user is not None  # noqa: S101 - declared callers are authenticated
        dossier = dossier_for(caller, dossier_id)
        body = cast(ActionIn, payload)
        spec.perform(caller.user, dossier, body, expected_version(request, body.expected_version))
        return Status(200, dossier_out(caller, dossier))

    view.__name__ = f"dossier_{spec.name}"
    view.__doc__ = f"{spec.summary}. Allowed only when `actions` of the dossier lists `{spec.name}`."
    router.post(
        f"/{{dossier_id}}/{spec.path}",
        response={200: DossierOut, **WRITE_ERRORS},
        operation_id=f"dossier_{spec.name}",
        summary=spec.summary,
        **declare(system=Scope.DOSSIERS_ACT, officer=True, applicant=spec.applicant),
    )(idempotent(view))


for _spec in ACTIONS:
    _register(_spec)


ACTORS = declare(system=Scope.DOSSIERS_ACT, officer=True)


@router.post(
    "/{dossier_id}/issue-result",
    response={200: DossierOut, **WRITE_ERRORS},
    operation_id="dossier_issue_result",
    summary="Issue the result (status 9)",
    **ACTORS,
)
@idempotent
def dossier_issue_result(
    request: HttpRequest,
    dossier_id: Id,
    form: Form[IssueResultIn],
    file: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Any:
    """Issue the result (multipart/form-data), with its document as a file (a PDF is signed by the agency) or
    written in ``text`` (rendered from the dossier and signed by the agency), or with neither."""
    caller = caller_of(request)
    assert caller.user is not None  # noqa: S101 - declared callers are authenticated
    dossier = dossier_for(caller, dossier_id)
    with field_renamed("upload", "file"):
        services.dossier_issue_result(
            by=caller.user,
            dossier=dossier,
            upload=file,
            title=form.title,
            text=form.text,
            expected_version=expected_version(request, form.expected_version),
        )
    return Status(200, dossier_out(caller, dossier))


def _letter_out(letter: ApologyLetter, dossier: Dossier) -> dict[str, Any]:
    return {
        "id": letter.pk,
        "agency": letter.agency.code,
        "state": letter.state,
        "reason": letter.reason,
        "old_due_at": letter.old_due_at,
        "new_due_at": letter.new_due_at,
        "send_by": apology_letter_send_by(letter=letter, dossier=dossier),
        "dossier_version": dossier.version,
    }


@router.post(
    "/{dossier_id}/apology-letters",
    response={201: LetterOut, **WRITE_ERRORS},
    operation_id="dossier_letter_draft",
    summary="Draft an apology and extension letter (form 04)",
    **ACTORS,
)
@idempotent
def dossier_letter_draft(request: HttpRequest, dossier_id: Id, payload: LetterDraftIn) -> Any:
    """Draft the letter of an agency at fault with the new due date; its leader approves, then sends it."""
    caller = caller_of(request)
    assert caller.user is not None  # noqa: S101 - declared callers are authenticated
    dossier = dossier_for(caller, dossier_id)
    letter = services.apology_letter_draft(
        by=caller.user,
        dossier=dossier,
        reason=payload.reason,
        new_due_at=payload.new_due_at,
        agency=_agency(payload.agency) if payload.agency is not None else None,
        expected_version=expected_version(request, payload.expected_version),
    )
    return Status(201, _letter_out(letter, dossier))


def _letter_step(name: str, perform: Callable[..., ApologyLetter], summary: str) -> None:
    def view(request: HttpRequest, dossier_id: Id, letter_id: Id, payload: ActionIn) -> Any:
        caller = caller_of(request)
        assert caller.user is not None  # noqa: S101 - declared callers are authenticated
        dossier = dossier_for(caller, dossier_id)
        letter = apology_letter_of(dossier=dossier, pk=letter_id)
        if letter is None:
            raise ApiError(404, "letter_not_found", _("This dossier has no such letter."))
        perform(by=caller.user, letter=letter, expected_version=expected_version(request, payload.expected_version))
        dossier.refresh_from_db(fields=["version", "due_at"])
        return Status(200, _letter_out(letter, dossier))

    view.__name__ = f"dossier_letter_{name}"
    view.__doc__ = summary
    router.post(
        f"/{{dossier_id}}/apology-letters/{{letter_id}}/{name}",
        response={200: LetterOut, **WRITE_ERRORS},
        operation_id=f"dossier_letter_{name}",
        summary=summary,
        **ACTORS,
    )(idempotent(view))


_letter_step("approve", services.apology_letter_approve, "Approve the apology letter (leader of the agency at fault)")
_letter_step("send", services.apology_letter_send, "Send the apology letter: the due date moves, once")


@router.post(
    "/{dossier_id}/apology-letters/{letter_id}/withdraw",
    response={200: LetterOut, **WRITE_ERRORS},
    operation_id="dossier_letter_withdraw",
    summary="Withdraw an unsent apology letter (leader of the agency at fault): never sent, the due date stays",
    **ACTORS,
)
@idempotent
def dossier_letter_withdraw(request: HttpRequest, dossier_id: Id, letter_id: Id, payload: ReasonIn) -> Any:
    """A draft or approved letter too late to send, or not to be sent, stays on record as withdrawn."""
    caller = caller_of(request)
    assert caller.user is not None  # noqa: S101 - declared callers are authenticated
    dossier = dossier_for(caller, dossier_id)
    letter = apology_letter_of(dossier=dossier, pk=letter_id)
    if letter is None:
        raise ApiError(404, "letter_not_found", _("This dossier has no such letter."))
    services.apology_letter_withdraw(
        by=caller.user,
        letter=letter,
        reason=payload.reason,
        expected_version=expected_version(request, payload.expected_version),
    )
    dossier.refresh_from_db(fields=["version", "due_at"])
    return Status(200, _letter_out(letter, dossier))
