"""Shared by the dossier routers: finding the caller's dossier and turning it into the response."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from chinhquyen.core.text import whole_number
from chinhquyen.directory.selectors import Roles
from chinhquyen.dossiers import selectors
from chinhquyen.dossiers.models import Dossier, DossierDocument, DossierStatus

from ..auth import Caller
from ..errors import ApiError


def dossier_for(caller: Caller, dossier_id: int) -> Dossier:
    """The dossier if the caller may see it: an applicant's own, or one of the account's agencies.

    Anything else is DossierNotFound (404), so a caller never learns that a dossier exists.
    """
    assert caller.user is not None  # noqa: S101 - only authenticated callers reach dossiers
    if caller.as_applicant:
        return selectors.dossier_get_for_applicant(user=caller.user, pk=dossier_id)
    return selectors.dossier_get_for_officer(officer=caller.user, code_or_pk=dossier_id)


def dossier_read_for(caller: Caller, dossier_id: int) -> tuple[Dossier, Roles | None, selectors.DossierRead | None]:
    """``dossier_for`` for the read: an officer's or system's dossier with only the columns the response
    shows, its steps and documents read with it, and the caller's roles (for visibility, then the actions).
    For applicants: their dossier, no roles, nothing read ahead."""
    assert caller.user is not None  # noqa: S101 - only authenticated callers reach dossiers
    if caller.as_applicant:
        return selectors.dossier_get_for_applicant(user=caller.user, pk=dossier_id), None, None
    roles = caller.roles if caller.roles is not None else selectors.officer_roles(officer=caller.user)
    read = selectors.dossier_read_for_officer(officer=caller.user, pk=dossier_id, roles=roles)
    return read.dossier, roles, read


def expected_version(request: HttpRequest, from_body: int | None) -> int | None:
    """``expected_version`` from the body, else from ``If-Match: "<version>"`` (a dossier's or a petition's)."""
    if from_body is not None:
        return from_body
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    version = whole_number(header.removeprefix("W/").strip('"'))
    if version is None:
        raise ApiError(400, "invalid_if_match", _('If-Match must be the version you read, e.g. "3".'), field="If-Match")
    return version


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
    return document_values_out({name: getattr(doc, name) for name in selectors.DOCUMENT_VALUES})


def document_values_out(values: dict[str, Any]) -> dict[str, Any]:
    """A document's response from its :data:`~chinhquyen.dossiers.selectors.DOCUMENT_VALUES`."""
    out = {name: values[name] for name in ("kind", "name", "content_type", "size", "sha256", "signed", "uploaded_at")}
    return {"id": values["pk"], **out, "required_document": values["required_document_id"]}


def step_values_out(values: dict[str, Any]) -> dict[str, Any]:
    """A step's response from its :data:`~chinhquyen.dossiers.selectors.STEP_VALUES`."""
    out = {name: values[name] for name in ("order", "name", "role", "state", "started_at", "due_at", "finished_at")}
    agency = {"code": values["agency__code"], "name": values["agency__name"]}
    return {**out, "agency": agency, "outcome": values["outcome"]}


def documents_for(caller: Caller, d: Dossier) -> list[DossierDocument]:
    """Applicants see their own uploads and the results; officers every document."""
    if caller.as_applicant:
        return selectors.dossier_documents_for_applicant(dossier=d)
    return selectors.dossier_documents(dossier=d)


def dossier_out(
    caller: Caller,
    d: Dossier,
    documents: list[DossierDocument] | None = None,
    roles: Roles | None = None,
    read: selectors.DossierRead | None = None,
) -> dict[str, Any]:
    """The response for ``d``; ``documents``, the caller's ``roles`` and the steps and documents ``read``
    with the dossier when at hand (each spares a query)."""
    assert caller.user is not None  # noqa: S101 - only authenticated callers reach dossiers
    # Steps are built at reception: a dossier not yet received has none to read. Officers' reads take
    # the values only, without model instances.
    steps = []
    if read is not None:
        steps = [step_values_out(values) for values in read.steps]
    elif not caller.as_applicant and d.received_at is not None:
        steps = [step_values_out(values) for values in selectors.dossier_step_values(dossier=d)]
    if read is not None:
        documents_out = [document_values_out(values) for values in read.documents]
    elif documents is not None:
        documents_out = [document_out(doc) for doc in documents]
    elif caller.as_applicant:
        documents_out = [document_out(doc) for doc in documents_for(caller, d)]
    else:
        documents_out = [document_values_out(values) for values in selectors.dossier_document_values(dossier=d)]
    return {
        **summary_out(d),
        "substatus": d.substatus,
        "applicant_name": d.applicant.name,
        "form_data": d.form_data if isinstance(d.form_data, dict) else {},
        "paused": d.paused_at is not None,
        "time_limit": d.time_limit_text,
        "documents": documents_out,
        "steps": steps,
        "actions": selectors.dossier_actions_for(
            dossier=d, user=caller.user, roles=roles if roles is not None else caller.roles
        ),
    }
