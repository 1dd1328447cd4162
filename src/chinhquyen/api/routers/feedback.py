"""Ratings of returned dossiers and petitions: calls into ``chinhquyen.feedback``'s services."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from chinhquyen.catalog.models import Procedure
from chinhquyen.catalog.selectors import procedure_by_code
from chinhquyen.core.clients import client_of_address
from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.text import code_plausible
from chinhquyen.directory.models import Agency
from chinhquyen.directory.selectors import agency_by_code
from chinhquyen.feedback.criteria import CRITERIA_KEYS
from chinhquyen.feedback.errors import PetitionNotFound
from chinhquyen.feedback.limits import petition_quota_use, petition_quota_wait
from chinhquyen.feedback.models import Petition
from chinhquyen.feedback.selectors import (
    petition_get_for_officer,
    petition_published_get,
    petitions_published_matching,
)
from chinhquyen.feedback.services import petition_answer, petition_file, rating_submit
from chinhquyen.integrations.models import Scope

from ..auth import CallerKind, caller_of, declare
from ..errors import PUBLIC_ERRORS, WRITE_ERRORS, ApiError
from ..idempotency import idempotent
from ..limits import client_address
from ..pagination import MAX_LIMIT, paginate
from ..schemas.common import PRINTABLE, Id
from ..schemas.feedback import (
    AnswerIn,
    PetitionFiled,
    PetitionIn,
    PetitionPage,
    PetitionState,
    PublishedPetition,
    RatingIn,
    RatingOut,
)
from .dossier_output import dossier_for, expected_version

ratings = Router(tags=["ratings"])
petitions = Router(tags=["petitions"])


@ratings.post(
    "/{dossier_id}/rating",
    response={201: RatingOut, **WRITE_ERRORS},
    operation_id="dossier_rate",
    summary="Rate a returned dossier",
    **declare(applicant=True),
)
@idempotent
def dossier_rate(request: HttpRequest, dossier_id: Id, payload: RatingIn) -> Any:
    """The applicant's rating of the handling of their dossier, once its result was handed over; once only."""
    caller = caller_of(request)
    assert caller.user is not None  # noqa: S101 - declared callers are authenticated
    dossier = dossier_for(caller, dossier_id)
    rating = rating_submit(
        dossier=dossier, by=caller.user, scores=payload.scores, overall=payload.overall, comment=payload.comment
    )
    scores = {key: getattr(rating, key) for key in CRITERIA_KEYS}
    return Status(
        201,
        {
            "id": rating.pk,
            "total": rating.total,
            "scores": scores,
            "overall": rating.overall,
            "created_at": rating.created_at,
        },
    )


class PetitionQuery(Schema):
    q: str = Field(
        default="", max_length=200, pattern=PRINTABLE, description="Words of the published texts; accents are optional."
    )
    cursor: str = Field(default="", max_length=200, pattern=PRINTABLE)
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)


def _published(p: Petition) -> dict[str, Any]:
    return {
        "code": p.code,
        "filed_at": p.filed_at,
        "answered_at": p.answered_at,
        "published_at": p.published_at,
        "subject": p.published_subject,
        "content": p.published_content,
        "answer": p.published_answer,
        "procedure": {"code": p.procedure.code, "name": p.procedure.name} if p.procedure is not None else None,
        "agency": p.agency.name if p.agency is not None else "",
    }


@petitions.get(
    "",
    response={200: PetitionPage, **PUBLIC_ERRORS},
    operation_id="petitions_published",
    summary="List published petitions",
    **declare(public=True),
)
def petitions_list(request: HttpRequest, params: Query[PetitionQuery]) -> Any:
    """Answered petitions the agencies published, newest first (the senders' personal data masked).

    Keep `q` when following `next_cursor`; a petition published or withdrawn meanwhile neither comes twice
    nor hides another."""
    found = petitions_published_matching(query=params.q)
    page = paginate(found, sort="-published_at", cursor=params.cursor or None, limit=params.limit)
    return {"items": [_published(p) for p in page.items], "next_cursor": page.next_cursor}


@petitions.get(
    "/{code}",
    response={200: PublishedPetition, **PUBLIC_ERRORS},
    operation_id="petition_published_get",
    summary="Read a published petition",
    **declare(public=True),
)
def petition_read(request: HttpRequest, code: str) -> Any:
    if not code_plausible(code):  # a NUL byte, say, is no code: not looked up
        raise PetitionNotFound(_("No published petition has this code."), code="petition_not_found")
    return _published(petition_published_get(code=code))


def _petition_about(payload: PetitionIn) -> tuple[Procedure | None, Agency | None]:
    """The procedure and the agency the petition names; a code given and not found is refused, as on the portal."""
    procedure = agency = None
    if code := payload.procedure.strip():
        procedure = procedure_by_code(code=code) if code_plausible(code) else None  # a NUL byte, say, is no code
        if procedure is None:
            raise InvalidInput(
                _("No published procedure has this code."), code="procedure_not_found", field="procedure"
            )
    if code := payload.about_agency.strip():
        agency = agency_by_code(code=code) if code_plausible(code) else None
        if agency is None:
            raise InvalidInput(_("No active agency has this code."), code="agency_not_found", field="about_agency")
    return procedure, agency


@petitions.post(
    "",
    response={201: PetitionFiled, **WRITE_ERRORS},
    operation_id="petition_file",
    summary="File a petition",
    **declare(public=True),
)
@idempotent
def petition_create(request: HttpRequest, payload: PetitionIn) -> Any:
    """File a report or proposal (phản ánh, kiến nghị): anyone may, with a name and a way to be reached.

    A signed-in applicant's petition is linked to their account. Callers without a key or an officer's token
    file at most five petitions an hour from one address, as on the portal (429 with Retry-After).
    A `procedure` or `about_agency` code that names no published procedure or active agency is refused
    (422 `procedure_not_found`, `agency_not_found`)."""
    caller = caller_of(request)
    public = caller.kind in (CallerKind.ANONYMOUS, CallerKind.APPLICANT)
    client = client_of_address(client_address(request))
    wait = petition_quota_wait(client=client) if public else 0
    if wait:
        raise ApiError(
            429,
            "petitions_rate_limited",
            _("Too many petitions from this address; wait before filing another."),
            headers={"Retry-After": str(wait)},
        )
    procedure, about_agency = _petition_about(payload)
    petition = petition_file(
        subject=payload.subject,
        content=payload.content,
        sender_name=payload.sender_name,
        sender_address=payload.sender_address,
        sender_phone=payload.sender_phone,
        sender_email=payload.sender_email,
        procedure=procedure,
        about_agency=about_agency,
        sender_user=caller.user if caller.as_applicant else None,
    )
    if public:
        petition_quota_use(client=client)
    return Status(
        201,
        {"code": petition.code, "status": petition.status, "filed_at": petition.filed_at, "due_at": petition.due_at},
    )


@petitions.post(
    "/{petition_id}/answer",
    response={200: PetitionState, **WRITE_ERRORS},
    operation_id="petition_answer",
    summary="Answer a petition",
    **declare(system=Scope.PETITIONS_ANSWER, officer=True),
)
@idempotent
def petition_reply(request: HttpRequest, petition_id: Id, payload: AnswerIn) -> Any:
    """The responsible agency's answer; a petition another agency handles is 404."""
    caller = caller_of(request)
    assert caller.user is not None  # noqa: S101 - declared callers are authenticated
    petition = petition_get_for_officer(officer=caller.user, pk=petition_id)
    petition_answer(
        petition=petition,
        by=caller.user,
        answer=payload.answer,
        note=payload.note,
        expected_version=expected_version(request, payload.expected_version),
    )
    return Status(
        200,
        {
            "code": petition.code,
            "status": petition.status,
            "version": petition.version,
            "answered_at": petition.answered_at,
        },
    )
