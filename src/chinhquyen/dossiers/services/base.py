"""The one way a dossier changes: lock, check the transition, change, bump the version, log.

Every service opens :func:`transition_apply`; inside it the service changes the locked dossier and
its steps, and on leaving the dossier is saved with ``version + 1``, one :class:`DossierEvent` and
one audit entry are written, all in one transaction. Side effects (notifications, sync with the
national portal) are not done here: register a hook with :func:`dossier_event_hook_add`; hooks run
after commit with ids only.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.directory.models import User

from ..errors import TransitionRefused
from ..models import Dossier, DossierEvent
from ..transitions import Roles, Transition, steps_forget, transition_find, user_roles_load

# Called after commit as hook(dossier_id=…, event_id=…, action=…); must be safe to run twice.
EventHook = Callable[..., None]
_hooks: list[EventHook] = []


def dossier_event_hook_add(hook: EventHook) -> None:
    """Run ``hook(dossier_id=, event_id=, action=)`` after the commit of every dossier transition."""
    if hook not in _hooks:
        _hooks.append(hook)


def dossier_event_hook_remove(hook: EventHook) -> None:
    if hook in _hooks:
        _hooks.remove(hook)


@dataclass
class Change:
    """The transition being applied: the service fills in what changed."""

    dossier: Dossier
    row: Transition
    by: User
    at: datetime
    roles: Roles
    fields: set[str] = field(default_factory=set)
    reason: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    target: int | None = None  # overrides the row's target (e.g. the status before a supplement)
    event: DossierEvent | None = None

    def set(self, **values: Any) -> None:
        """Set fields of the dossier and remember them for the save."""
        for name, value in values.items():
            setattr(self.dossier, name, value)
        self.fields.update(values)


def dossier_lock(*, dossier: Dossier | int, related: tuple[str, ...] = ()) -> Dossier:
    """Fetch the dossier again, locked for the transaction, with what the transition table reads."""
    pk = dossier if isinstance(dossier, int) else dossier.pk
    # Only the active step is joined: the procedure row is wide (e-form schema, texts) and only
    # reception reads it, so it is fetched there; the owner check needs the applicant's account id only.
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("active_step", *related)
        .annotate(applicant_user_id=F("applicant__user_id"))
        .get(pk=pk)
    )


def _audit(*, by: User, action: str, dossier: Dossier, data: dict[str, Any]) -> None:
    # The audit log lives in core (another team's module); imported here so that a missing module is a
    # clear error at the first transition rather than an import error of the whole app.
    from chinhquyen.core.audit import audit_record

    audit_record(actor=by, action=f"dossier.{action}", target=f"dossier:{dossier.pk}", data=data)


def event_write(
    *,
    dossier: Dossier,
    by: User | None,
    action: str,
    at: datetime,
    from_status: int | None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    internal: bool = False,
) -> DossierEvent:
    """Write one timeline row and its audit entry (inside the caller's transaction)."""
    data = data or {}
    event = DossierEvent.objects.create(
        dossier=dossier,
        at=at,
        actor=by,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        reason=reason,
        data=data,
        internal=internal,
    )
    audit_data = {"from": from_status, "to": dossier.status, "reason": reason, "version": dossier.version, **data}
    if by is not None:
        _audit(by=by, action=action, dossier=dossier, data=audit_data)
    for hook in list(_hooks):
        transaction.on_commit(partial(hook, dossier_id=dossier.pk, event_id=event.pk, action=action))
    return event


@contextmanager
def transition_apply(
    *,
    by: User,
    dossier: Dossier | int,
    action: str,
    expected_version: int | None = None,
    at: datetime | None = None,
    agency_id: int | None = None,
    subject: Model | None = None,
    related: tuple[str, ...] = (),
) -> Iterator[Change]:
    """Lock ``dossier``, check ``action`` for ``by`` and yield a :class:`Change`; save and log on exit.

    ``related`` names relations to join in the lock query, for services that read them.
    """
    at = at or timezone.now()
    with transaction.atomic():
        locked = dossier_lock(dossier=dossier, related=related)
        if expected_version is not None and expected_version != locked.version:
            raise TransitionRefused(
                _("Someone else changed this dossier in the meantime; reload it and try again."),
                code="stale_version",
            )
        roles = user_roles_load(user=by)
        row = transition_find(
            dossier=locked, action=action, user=by, at=at, agency_id=agency_id, subject=subject, roles=roles
        )
        change = Change(dossier=locked, row=row, by=by, at=at, roles=roles)
        from_status = locked.status
        yield change
        target = change.target if change.target is not None else row.target
        if target is not None and target != from_status:
            change.set(status=target)
        change.set(version=locked.version + 1)
        locked.save(update_fields=[*sorted(change.fields), "updated_at"])
        change.event = event_write(
            dossier=locked,
            by=by,
            action=action,
            at=at,
            from_status=from_status,
            reason=change.reason,
            data=change.data,
            internal=row.internal,
        )
    if not isinstance(dossier, int) and dossier is not locked:
        # The caller's instance follows, so a second call with it is not refused as stale.
        _copy(locked, dossier)


def _copy(source: Dossier, target: Dossier) -> None:
    for f in Dossier._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))
    steps_forget(target)
