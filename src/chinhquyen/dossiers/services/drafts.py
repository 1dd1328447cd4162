"""Drafts (status 0), at the counter and online: opened once per form, and discarded while never received.

A draft is opened with the key its start form carries (``client_key``): the same form sent twice (a double
click, a retry) returns the draft the first request opened instead of a second one. A draft has no code and
nothing outside it refers to it, so discarding one deletes it with its timeline and files; the audit log,
whose entries name the dossier by id, keeps the record of its creation, its changes and the discard.
"""

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from chinhquyen.core.audit import audit_record
from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.text import clean
from chinhquyen.directory.models import User

from ..models import Dossier, DossierDocument
from ..transitions import transition_find
from .base import dossier_lock, roles_of_locked, version_check

MAX_KEY_LENGTH = 64


def client_key_clean(client_key: str) -> str:
    """The key as stored (``Dossier.client_key``), or InvalidInput when the form sent none."""
    key = clean(client_key)[:MAX_KEY_LENGTH]
    if not key:
        raise InvalidInput(_("The form has expired; open it again."), code="client_key_required")
    return key


def draft_open_once(*, same_key: QuerySet[Dossier], create: Callable[[], Dossier]) -> Dossier:
    """The dossier ``same_key`` finds (opened with this key already), else the one ``create`` opens.

    ``create`` stores the key; two requests with the same key at the same moment meet at the unique
    constraint on (applicant, key), and the second returns the first one's dossier.
    """
    existing = same_key.first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        existing = same_key.first()
        if existing is None:  # not the key: another constraint, or a key forged to match another's dossier
            raise
        return existing


def counter_draft_discard(*, by: User, dossier: Dossier, expected_version: int | None = None) -> None:
    """Delete a draft opened at the counter and never received (opened twice, or by mistake), with its files.

    The table's ``draft_discard`` row says who may (the receiving agency's front desk) and when (status 0,
    opened at the counter); audited ``dossier.draft_discard`` as an online draft's discard is.
    """
    with transaction.atomic():
        locked = dossier_lock(dossier=dossier, user=by)
        roles = roles_of_locked(locked)
        version_check(locked, expected_version)
        transition_find(dossier=locked, action="draft_discard", user=by, roles=roles)
        draft_delete(by=by, locked=locked)


def draft_delete(*, by: User, locked: Dossier) -> None:
    """Delete the draft ``locked`` (read with its lock in the caller's transaction), audited; its stored files
    go once the deletion is committed."""
    documents = list(DossierDocument.objects.filter(dossier=locked).order_by("pk"))
    Dossier.objects.filter(pk=locked.pk).delete()
    # Last, as transition_apply does: the audit chain's head stays locked until the commit.
    audit_record(
        actor=by,
        action="dossier.draft_discard",
        target=f"dossier:{locked.pk}",
        data={
            "from": locked.status,
            "to": None,
            "reason": "",
            "version": locked.version,
            "procedure": locked.procedure_id,
            "receiving_agency": locked.receiving_agency_id,
            "documents": [{"document": d.pk, "name": d.name, "sha256": d.sha256} for d in documents],
        },
    )
    stored = [(d.file.storage, d.file.name) for d in documents if d.file.name]

    def files_delete() -> None:
        for storage, name in stored:
            storage.delete(name)

    transaction.on_commit(files_delete)
