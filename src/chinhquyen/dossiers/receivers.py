"""Signal receivers of the dossiers app: an officer who leaves gives back the active steps they hold, a
change to the working calendar re-times the open dossiers (``services.retime``, on ``workcal``'s announcement,
answered with how many moved), and an agency is not made inactive while open work is still there
(``services.handover``, on the directory's ``agency_deactivating``).

The directory sits below this app and knows nothing of dossiers, so its models' signals are received here,
as ``core.audit`` records permission changes: every save or delete through the ORM counts (the admin's user
form and its staff-role inline, the staff-role admin and its "delete selected", code calling ``save()`` or
``delete()``), in the transaction of the change. ``QuerySet.update()`` sends no signal and is not seen.
"""

from datetime import datetime
from typing import Any

from django.db.models import signals
from django.utils.translation import gettext as _

from chinhquyen.directory.models import Agency, StaffRole, User
from chinhquyen.directory.signals import agency_deactivating
from chinhquyen.workcal.engine import WorkingCalendar
from chinhquyen.workcal.signals import CalendarRetimed, HolidaysUpdate, working_calendar_changed

from .services.departed import officer_dossiers_lock, officer_steps_release
from .services.handover import agency_open_work
from .services.retime import dossiers_retime

# What a staff role gives: a change to any of these takes the role from the official who held it.
_HOLDING = ("user_id", "agency_id", "role")
_BEFORE = "_departed_holding_before"


def _user_before(sender: type[User], instance: User, raw: bool = False, **kwargs: Any) -> None:
    # Before core.audit's entry for the change takes the chain head: the dossiers first (see _lock_before).
    if not raw and instance.pk is not None and not instance.is_active:
        officer_dossiers_lock(officer_id=instance.pk)


def _user_saved(sender: type[User], instance: User, created: bool, raw: bool = False, **kwargs: Any) -> None:
    # An active account keeps its steps; an inactive one holds none (an applicant's: nothing is found).
    if raw or created or instance.is_active:
        return
    officer_steps_release(officer=instance)


def _staff_role_before(sender: type[StaffRole], instance: StaffRole, raw: bool = False, **kwargs: Any) -> None:
    # Remember what the stored row gave, to tell on saving whether its holder lost it.
    before = None
    if not raw and instance.pk is not None:
        before = sender._base_manager.filter(pk=instance.pk).values_list(*_HOLDING).first()
        if before is not None:
            officer_dossiers_lock(officer_id=before[0])
    setattr(instance, _BEFORE, before)


def _staff_role_saved(sender: type[StaffRole], instance: StaffRole, raw: bool = False, **kwargs: Any) -> None:
    before = getattr(instance, _BEFORE, None)
    setattr(instance, _BEFORE, None)
    if raw or before is None or before == tuple(getattr(instance, name) for name in _HOLDING):
        return  # new, or the same official, agency and role (a new title): nobody lost anything
    _holder_release(before[0])


def _staff_role_deleting(sender: type[StaffRole], instance: StaffRole, **kwargs: Any) -> None:
    officer_dossiers_lock(officer_id=instance.user_id)


def _staff_role_deleted(sender: type[StaffRole], instance: StaffRole, **kwargs: Any) -> None:
    _holder_release(instance.user_id)


def _holder_release(user_id: int) -> None:
    # Deleting an account deletes its roles after its steps were unassigned (SET_NULL): nothing is left then.
    officer = User._base_manager.filter(pk=user_id).first()
    if officer is not None:
        officer_steps_release(officer=officer)


def _calendar_changed(
    sender: Any,
    before: WorkingCalendar,
    after: WorkingCalendar,
    since: datetime,
    update: HolidaysUpdate | None = None,
    **kwargs: Any,
) -> CalendarRetimed:
    # Answered: whoever changed the calendar (the holidays check, the admin) is told, through workcal's announce.
    retimed = dossiers_retime(before=before, after=after, since=since, update=update)
    return CalendarRetimed(dossiers=len(retimed.dossiers), steps=retimed.steps)


def _agency_deactivating(sender: type[Agency], agency: Agency, **kwargs: Any) -> str | None:
    work = agency_open_work(agency=agency)
    if not work:
        return None
    return _(
        "This agency still has open work: dossiers it receives: %(dossiers)s; steps in progress or to come there: "
        "%(steps)s (dossiers: %(step_dossiers)s). Hand them over to the successor agency first, with the action "
        "“Hand over open work to another agency…” in the list of agencies."
    ) % {"dossiers": work.dossiers, "steps": work.steps, "step_dossiers": work.step_dossiers}


def connect() -> None:
    """Connect the receivers (once: ``DossiersConfig.ready``)."""
    # The pre_ receivers lock the officer's dossiers before core.audit's post_ receivers (connected first) write
    # the change's audit entry: dossier first, audit chain head last, as in every transition.
    signals.pre_save.connect(_user_before, sender=User, dispatch_uid="dossiers_departed_user_before")
    signals.post_save.connect(_user_saved, sender=User, dispatch_uid="dossiers_departed_user_saved")
    signals.pre_delete.connect(_staff_role_deleting, sender=StaffRole, dispatch_uid="dossiers_departed_role_deleting")
    signals.pre_save.connect(_staff_role_before, sender=StaffRole, dispatch_uid="dossiers_departed_role_before")
    signals.post_save.connect(_staff_role_saved, sender=StaffRole, dispatch_uid="dossiers_departed_role_saved")
    signals.post_delete.connect(_staff_role_deleted, sender=StaffRole, dispatch_uid="dossiers_departed_role_deleted")
    working_calendar_changed.connect(_calendar_changed, dispatch_uid="dossiers_calendar_retime")
    agency_deactivating.connect(_agency_deactivating, dispatch_uid="dossiers_agency_open_work")
