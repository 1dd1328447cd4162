"""Online applications (nộp hồ sơ trực tuyến): the applicant's draft, filled in and submitted on the portal.

A draft is a dossier in status 0 with the online channel; no official sees it until it is submitted
(status 1, Mới đăng ký), when it joins the receiving agency's front-desk queue. The draft is kept in
the database, so it can be resumed from any device.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.catalog.eform import eform_errors
from chinhquyen.catalog.models import Procedure
from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.text import clean
from chinhquyen.directory.models import Agency, Applicant, User

from ..errors import TransitionRefused
from ..models import Channel, Dossier, DossierDocument, DossierStatus
from ..selectors import mandatory_documents_missing
from .base import transition_apply
from .processing import dossier_return
from .reception import _create, applicant_snapshot

MAX_KEY_LENGTH = 64


def _own_applicant(by: User) -> Applicant:
    applicant = Applicant.objects.filter(user_id=by.pk).first() if by.is_authenticated else None
    if applicant is None:
        raise TransitionRefused(_("Sign in as a citizen or organisation to apply online."), code="not_applicant")
    return applicant


def online_draft_start(*, by: User, procedure: Procedure, receiving_agency: Agency, client_key: str) -> Dossier:
    """Open the applicant's draft for ``procedure`` at ``receiving_agency``.

    ``client_key`` comes from the start form: sending it twice (a double click, a retry) returns the
    draft the first request opened instead of a second one.
    """
    applicant = _own_applicant(by)
    key = clean(client_key)[:MAX_KEY_LENGTH]
    if not key:
        raise InvalidInput(_("The form has expired; open it again."), code="client_key_required")
    if not procedure.agencies.filter(pk=receiving_agency.pk).exists():
        raise InvalidInput(
            _("This agency does not handle this procedure; choose one of those listed."),
            code="agency_not_implementing",
            field="agency",
        )
    existing = Dossier.objects.filter(applicant=applicant, client_key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            dossier = _create(
                by=by,
                procedure=procedure,
                applicant=applicant,
                agency=receiving_agency,
                channel=Channel.ONLINE,
                status=DossierStatus.DRAFT,
                form_data={},
                at=None,
                client_key=key,
            )
    except IntegrityError:
        # The same key arrived twice at once: the other request's draft won.
        return Dossier.objects.get(applicant=applicant, client_key=key)
    return dossier


def online_draft_save(
    *, by: User, dossier: Dossier, form_data: dict[str, Any], expected_version: int | None = None
) -> Dossier:
    """Save what the applicant has filled in so far (checked in full only on submission)."""
    if not isinstance(form_data, dict):
        raise InvalidInput(_("The form data must be a set of named fields."), code="form_data_invalid")
    with transition_apply(by=by, dossier=dossier, action="draft_save", expected_version=expected_version) as c:
        c.set(form_data=form_data)
        c.data = {"fields": sorted(form_data)}
    return c.dossier


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


def online_draft_submit(*, by: User, dossier: Dossier, client_key: str = "") -> Dossier:
    """Submit the draft (status 1): the form must be complete and every mandatory document attached.

    Submitting again with the draft's own key (a double click, a retried request) returns the dossier
    as it is instead of an error, so the applicant sees the confirmation once and only one dossier exists.
    """
    current = Dossier.objects.only("status", "channel", "client_key", "applicant__user_id").select_related("applicant")
    seen = current.filter(pk=dossier.pk).first()
    if (
        seen is not None
        and seen.status != DossierStatus.DRAFT
        and seen.applicant.user_id == by.pk
        and client_key
        and client_key == seen.client_key
        and seen.channel == Channel.ONLINE
    ):
        return Dossier.objects.get(pk=dossier.pk)
    with transition_apply(by=by, dossier=dossier, action="submit", related=("procedure",)) as c:
        d = c.dossier
        errors = eform_errors(d.procedure.eform_schema, d.form_data)
        if errors:
            name, message = next(iter(errors.items()))
            raise InvalidInput(message, code="form_incomplete", field=name)
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
    """The applicant downloaded the result of an online dossier: that is the hand-over (status 10)."""
    if dossier.status != DossierStatus.RESOLVED:
        return dossier
    return dossier_return(by=by, dossier=dossier, method="online", at=timezone.now())
