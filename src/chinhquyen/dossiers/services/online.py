"""Online applications (nộp hồ sơ trực tuyến): the applicant's draft, filled in and submitted on the portal.

A draft is a dossier in status 0 with the online channel; no official sees it until it is submitted
(status 1, Mới đăng ký), when it joins the receiving agency's front-desk queue. The draft is kept in
the database, so it can be resumed from any device.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.catalog.models import Procedure
from chinhquyen.core.errors import InvalidInput
from chinhquyen.directory.models import Agency, Applicant, User

from ..errors import TransitionRefused
from ..models import Channel, Dossier, DossierDocument, DossierStatus, ReturnMethod, Substatus
from ..selectors import mandatory_documents_missing, result_awaits_hand_over
from .base import dossier_lock, transition_apply, version_check
from .drafts import client_key_clean, draft_delete, draft_open_once
from .form_data import form_complete_check, form_data_check
from .offer import agency_handles_check, procedure_online_check, procedure_open_check
from .processing import dossier_return
from .reception import _create, applicant_snapshot


def _own_applicant(by: User) -> Applicant:
    applicant = Applicant.objects.filter(user_id=by.pk).first() if by.is_authenticated else None
    if applicant is None:
        raise TransitionRefused(_("Sign in as a citizen or organisation to apply online."), code="not_applicant")
    return applicant


def online_draft_start(
    *, by: User, procedure: Procedure, receiving_agency: Agency, client_key: str, handled: bool | None = None
) -> Dossier:
    """Open the applicant's draft for ``procedure`` at ``receiving_agency``.

    ``client_key`` comes from the start form: sending it twice (a double click, a retry) returns the
    draft the first request opened instead of a second one. ``handled``, whether the agency handles the
    procedure when the caller read it with them (the API), spares that query.
    """
    applicant = _own_applicant(by)
    key = client_key_clean(client_key)
    procedure_open_check(procedure)
    procedure_online_check(procedure)
    agency_handles_check(procedure, receiving_agency, handled=handled)
    return draft_open_once(
        same_key=Dossier.objects.filter(applicant=applicant, client_key=key),
        create=lambda: _create(
            by=by,
            procedure=procedure,
            applicant=applicant,
            agency=receiving_agency,
            channel=Channel.ONLINE,
            status=DossierStatus.DRAFT,
            form_data={},
            at=None,
            client_key=key,
        ),
    )


def online_draft_save(
    *, by: User, dossier: Dossier, form_data: dict[str, Any], expected_version: int | None = None
) -> Dossier:
    """Save what the applicant has filled in so far (checked in full only on submission)."""
    form_data_check(form_data)
    with transition_apply(by=by, dossier=dossier, action="draft_save", expected_version=expected_version) as c:
        c.set(form_data=form_data)
        c.data = {"fields": sorted(form_data)}
    return c.dossier


def online_draft_agency_set(
    *, by: User, dossier: Dossier, receiving_agency: Agency, expected_version: int | None = None
) -> Dossier:
    """Send the draft to another agency handling its procedure; what was filled in and attached stays."""
    if dossier.receiving_agency_id == receiving_agency.pk:
        return dossier
    # Changing the draft as a save does: the transition table has no row of its own for this.
    with transition_apply(
        by=by, dossier=dossier, action="draft_save", expected_version=expected_version, related=("procedure",)
    ) as c:
        # A draft moved to another agency is checked as a new one would be: its procedure may have gone meanwhile.
        procedure_open_check(c.dossier.procedure)
        procedure_online_check(c.dossier.procedure)
        agency_handles_check(c.dossier.procedure, receiving_agency)
        c.data = {"receiving_agency": {"from": c.dossier.receiving_agency_id, "to": receiving_agency.pk}}
        c.set(receiving_agency=receiving_agency)
    return c.dossier


def online_draft_discard(*, by: User, dossier: Dossier, expected_version: int | None = None) -> None:
    """Delete the applicant's online draft, its documents and their stored files.

    A draft has no code and no official has seen it, so nothing outside the dossier refers to it: the row
    goes with its timeline (the events cascade), and the audit log, whose entries name the dossier by id,
    keeps the record of its creation, its saves and this discard. No transition row covers it, since no
    dossier is left to be in a state; the rule is the one of changing a draft (``_online_draft``).
    """
    with transaction.atomic():
        locked = dossier_lock(dossier=dossier)
        if not by.is_authenticated or locked.applicant_user_id != by.pk:  # type: ignore[attr-defined]
            raise TransitionRefused(_("Only the applicant can discard their own application."), code="not_owner")
        if not locked.is_online_draft:
            raise TransitionRefused(
                _("This application has been submitted already: it can no longer be discarded."),
                code="not_online_draft",
            )
        version_check(locked, expected_version)
        draft_delete(by=by, locked=locked)


def online_document_remove(
    *, by: User, dossier: Dossier, document_id: int, expected_version: int | None = None
) -> Dossier:
    """Take a file off the draft (uploaded by mistake); the stored file is deleted too."""
    with transition_apply(by=by, dossier=dossier, action="document_remove", expected_version=expected_version) as c:
        document = DossierDocument.objects.filter(dossier=c.dossier, pk=document_id).first()
        if document is None:
            raise InvalidInput(_("This file is not part of the application."), code="document_not_found")
        c.data = {"document": document.pk, "name": document.name, "sha256": document.sha256}
        stored = document.file.name
        document.delete()
        if stored:
            storage = document.file.storage
            transaction.on_commit(lambda: storage.delete(stored))
    return c.dossier


def online_draft_submit(
    *, by: User, dossier: Dossier, client_key: str = "", expected_version: int | None = None
) -> Dossier:
    """Submit the draft (status 1): the form must be complete and every mandatory document attached.

    Submitting again with the draft's own key (a double click, a retried request) returns the dossier
    as it is instead of an error, so the applicant sees the confirmation once and only one dossier exists.
    That is judged once the submission is refused, under the lock the first one held: a second click sent
    while the first was still being saved finds the dossier submitted then.
    """
    try:
        return _submit(by=by, dossier=dossier, expected_version=expected_version)
    except TransitionRefused:
        submitted = _submitted_with_key(by=by, pk=dossier.pk, client_key=client_key)
        if submitted is None:
            raise
        return submitted


def _submitted_with_key(*, by: User, pk: int, client_key: str) -> Dossier | None:
    """The dossier ``pk`` if ``by`` submitted it online with ``client_key``; else None."""
    if not client_key or not by.is_authenticated:
        return None
    return (
        Dossier.objects.exclude(status=DossierStatus.DRAFT)
        .filter(pk=pk, applicant__user_id=by.pk, client_key=client_key, channel=Channel.ONLINE)
        .first()
    )


def _submit(*, by: User, dossier: Dossier, expected_version: int | None) -> Dossier:
    with transition_apply(
        by=by,
        dossier=dossier,
        action="submit",
        expected_version=expected_version,
        related=("procedure", "receiving_agency"),
    ) as c:
        d = c.dossier
        procedure_open_check(d.procedure)
        procedure_online_check(d.procedure)
        # The agency may have closed, or stopped handling the procedure, since the draft was started.
        agency_handles_check(d.procedure, d.receiving_agency)
        form_complete_check(d.procedure.eform_schema, d.form_data)
        missing = mandatory_documents_missing(dossier=d)
        if missing:
            raise InvalidInput(
                _("Attach the required documents: %(names)s.") % {"names": "; ".join(missing)},
                code="documents_missing",
                field="documents",
            )
        c.set(submitted_at=c.at, applicant_snapshot=applicant_snapshot(d.applicant))
        c.data = {"channel": Channel.ONLINE}
    return c.dossier


def online_result_downloaded(*, by: User, dossier: Dossier) -> Dossier:
    """The applicant downloaded the result of an online dossier: that is the hand-over (status 10).

    So is a download of a result the post office brought back (status 10, ``result_ready``): it is handed
    over anew, online. A result already handed over, or not issued yet, is left as it is; so is one the
    applicant's other click (or tab) handed over online a moment ago, found once the lock is had.
    """
    if not result_awaits_hand_over(dossier):
        return dossier
    try:
        return dossier_return(by=by, dossier=dossier, method="online", at=timezone.now())
    except TransitionRefused:
        handed_over = _handed_over_online(by=by, pk=dossier.pk)
        if handed_over is None:
            raise
        return handed_over


def _handed_over_online(*, by: User, pk: int) -> Dossier | None:
    """The dossier ``pk`` of ``by`` if its result has been handed over online (downloaded); else None."""
    if not by.is_authenticated:
        return None
    return Dossier.objects.filter(
        pk=pk,
        applicant__user_id=by.pk,
        status=DossierStatus.RETURNED,
        substatus=Substatus.RESULT_HANDED_OVER,
        return_method=ReturnMethod.ONLINE,
    ).first()
