"""Steps held by an officer who has left them go back to the pool (bàn giao khi cán bộ nghỉ, chuyển công tác).

An officer leaves a step when the account is deactivated or the step's role in the step's agency is no
longer theirs (removed, or moved to another role, agency or official). A step *starting* without its officer
is left unassigned by ``steps._start``; the step active at the moment the officer leaves is released here,
so that everyone holding its role sees it in their inbox and may claim it, instead of being refused
``assigned_to_other`` until a leader reassigns it. ``dossiers.receivers`` calls this on every such change.
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chinhquyen.core.audit import audit_actor_current, audit_record
from chinhquyen.core.rows import row_update
from chinhquyen.directory.models import StaffRole, User

from ..models import Dossier, DossierStep, StepState
from ..transitions import TRANSITIONS, Context, Transition
from .base import STEP_LOCKED, dossier_lock, event_write

RELEASE = "release"
# The table's row: the statuses a step is released in, its guard, and that the applicant does not see it.
RELEASE_ROW: Transition = next(row for row in TRANSITIONS if row.action == RELEASE)


def officer_steps_release(*, officer: User, by: User | None = None, at: datetime | None = None) -> list[int]:
    """Release every active step ``officer`` holds in an agency where they no longer hold its role.

    Each dossier, under its lock, gets the step unassigned, its version bumped and one internal timeline row
    ``release`` (with its audit entry), in the caller's transaction. ``by`` is who made the change; None: the
    user of the current request or job (``core.audit``'s actor context), else nobody (the platform). Pending
    steps are left to ``steps._start``. Returns the ids of the dossiers changed, in order; calling it again
    changes nothing.
    """
    at = at or timezone.now()
    by = by if by is not None else audit_actor_current()
    with transaction.atomic():
        # In the order of their ids, as every caller locks them, so two releases never wait on each other.
        dossier_ids = sorted(set(_steps_left(officer).values_list("dossier_id", flat=True)))
        # All locked before anything is written: the first release's audit entry holds the chain head, which a
        # transition holding the next dossier would wait for (dossier first, audit head last, everywhere).
        _lock(dossier_ids)
        return [pk for pk in dossier_ids if _release(dossier_id=pk, officer=officer, by=by, at=at)]


def officer_dossiers_lock(*, officer_id: int) -> None:
    """Lock, in id order, the dossiers whose active step ``officer_id`` holds: called before a change that may
    take a role away is written, whose audit entry would otherwise hold the chain head while the release
    waits for a dossier that a transition holds (and that transition waits for the head)."""
    steps = DossierStep.objects.filter(assignee_id=officer_id, state=StepState.ACTIVE)
    _lock(sorted(set(steps.values_list("dossier_id", flat=True))))


def _lock(dossier_ids: list[int]) -> None:
    if dossier_ids:
        list(Dossier.objects.select_for_update().filter(pk__in=dossier_ids).order_by("pk").values_list("pk"))


def _steps_left(officer: User) -> QuerySet[DossierStep]:
    """The active steps assigned to ``officer`` whose role in their agency an active ``officer`` no longer holds."""
    holds = StaffRole.objects.in_force().filter(
        user_id=officer.pk, user__is_active=True, agency_id=OuterRef("agency_id"), role=OuterRef("role")
    )
    return DossierStep.objects.filter(assignee_id=officer.pk, state=StepState.ACTIVE).exclude(Exists(holds))


def _release(*, dossier_id: int, officer: User, by: User | None, at: datetime) -> bool:
    locked = dossier_lock(dossier=dossier_id, related=(STEP_LOCKED,))
    step = locked.active_step
    if step is None or step.assignee_id != officer.pk or locked.status not in RELEASE_ROW.sources:
        return False  # the dossier moved on meanwhile, or the step is no longer its active one
    # The guard judges the step and its officer, whoever made the change.
    guard = RELEASE_ROW.guard
    if guard is not None and guard(Context(dossier=locked, user=by or officer, at=at)) is not None:
        return False
    step.assignee = None
    row_update(step, ("assignee",))
    locked.version += 1
    row_update(locked, ("version", "updated_at"))
    with translation.override(settings.LANGUAGE_CODE):  # a record, as the steps' names are
        reason = _("The officer holding this step has left it.")
    data = {"step": step.pk, "from_user": officer.pk}
    event_write(
        dossier=locked,
        by=by,
        action=RELEASE,
        at=at,
        from_status=locked.status,
        reason=reason,
        data=data,
        internal=RELEASE_ROW.internal,
    )
    if by is None:  # event_write audits only an actor's events
        audit_data = {"from": locked.status, "to": locked.status, "reason": reason, "version": locked.version, **data}
        audit_record(actor=None, action=f"dossier.{RELEASE}", target=f"dossier:{locked.pk}", data=audit_data)
    return True
