"""Shared by the dossier routers: finding the caller's dossier and turning it into the response."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from chinhquyen.dossiers import selectors
from chinhquyen.dossiers.models import Dossier, DossierDocument, DossierStatus

from ..auth import Caller
from ..errors import ApiError

Roles = frozenset[tuple[int, str]]  # the caller's (agency id, role) pairs


def dossier_for(caller: Caller, dossier_id: int) -> Dossier:
    """The dossier if the caller may see it: an applicant's own, or one of the account's agencies.

    Anything else is DossierNotFound (404), so a caller never learns that a dossier exists.
    """
    assert caller.user is not None  # noqa: S101 - only authenticated callers reach dossiers
    if caller.as_applicant:
        return selectors.dossier_get_for_applicant(user=caller.user, pk=dossier_id)
    return selectors.dossier_get_for_officer(officer=caller.user, code_or_pk=dossier_id)


def dossier_read_for(caller: Caller, dossier_id: int) -> tuple[Dossier, Roles | None]:
    """``dossier_for`` for the read: an officer's or system's dossier with only the columns the response
    shows, and the caller's roles (loaded once, for visibility and then the actions); None for applicants."""
    assert caller.user is not None  # noqa: S101 - only authenticated callers reach dossiers
    if caller.as_applicant:
        return selectors.dossier_get_for_applicant(user=caller.user, pk=dossier_id), None
    roles = selectors.officer_roles(officer=caller.user)
    return selectors.dossier_get_summary_for_officer(officer=caller.user, pk=dossier_id, roles=roles), roles


def expected_version(request: HttpRequest, from_body: int | None) -> int | None:
    """``expected_version`` from the body, else from ``If-Match: "<version>"``."""
    if from_body is not None:
        return from_body
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    value = header.removeprefix("W/").strip('"')
    if not value.isdigit():
        raise ApiError(
            400, "invalid_if_match", _('If-Match must be the dossier\'s version, e.g. "3".'), field="If-Match"
        )
    return int(value)


def summary_out(d: Dossier) -> dict[str, Any]:
    status = DossierStatus(d.status)
    return {
        "id": d.pk,
        "code": d.code,
        "status": d.status,
        "status_name": status.name.lower(),
        "status_label": str(status.label),
        "procedure": {"code": d.procedure.code, "name": d.procedure.name},
        "receiving_agency": {"code": d.receiving_agency.code, "name": d.receiving_agency.name},
        "channel": d.channel,
        "received_at": d.received_at,
        "due_at": d.due_at,
        "returned_at": d.returned_at,
        "outcome": d.outcome,
        "version": d.version,
        "created_at": d.created_at,
        "updated_at": d.updated_at,
    }


def document_out(doc: DossierDocument) -> dict[str, Any]:
    return {
        "id": doc.pk,
        "kind": doc.kind,
        "name": doc.name,
        "required_document": doc.required_document_id,
        "content_type": doc.content_type,
        "size": doc.size,
        "sha256": doc.sha256,
        "signed": doc.signed,
        "uploaded_at": doc.uploaded_at,
    }


def documents_for(caller: Caller, d: Dossier) -> list[DossierDocument]:
    """Applicants see their own uploads and the results; officers every document."""
    if caller.as_applicant:
        return selectors.dossier_documents_for_applicant(dossier=d)
    return list(d.documents.order_by("pk"))


def dossier_out(
    caller: Caller, d: Dossier, documents: list[DossierDocument] | None = None, roles: Roles | None = None
) -> dict[str, Any]:
    """The response for ``d``; ``documents`` and the caller's ``roles`` when at hand (each spares a query)."""
    assert caller.user is not None  # noqa: S101 - only authenticated callers reach dossiers
    # Steps are built at reception: a dossier not yet received has none to read.
    steps = []
    if not caller.as_applicant and d.received_at is not None:
        steps = selectors.dossier_steps(dossier=d, with_assignee=False)
    if documents is None:
        documents = documents_for(caller, d)
    return {
        **summary_out(d),
        "substatus": d.substatus,
        "applicant_name": d.applicant.name,
        "form_data": d.form_data if isinstance(d.form_data, dict) else {},
        "paused": d.paused_at is not None,
        "documents": [document_out(doc) for doc in documents],
        "steps": [
            {
                "order": s.order,
                "name": s.name,
                "agency": {"code": s.agency.code, "name": s.agency.name},
                "role": s.role,
                "state": s.state,
                "started_at": s.started_at,
                "due_at": s.due_at,
                "finished_at": s.finished_at,
                "outcome": s.outcome,
            }
            for s in steps
        ],
        "actions": selectors.dossier_actions_for(dossier=d, user=caller.user, roles=roles),
    }
