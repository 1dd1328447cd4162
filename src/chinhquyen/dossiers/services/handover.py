"""An agency's open work handed over to its successor (bàn giao khi sáp nhập, giải thể cơ quan).

The 2025 reorganisation merged communes and abolished districts: an agency made inactive receives nothing new
(``agency_inactive``), but what already sat there would wait for good, since nobody holds a role in force in an
inactive agency. A province administrator hands it over first (the agencies' admin action, ``manage.py
agency_hand_over``), and the admin refuses to make an agency inactive while it still has any
(``receivers``, on the directory's ``agency_deactivating``).

Each dossier moved gets its version bumped and one internal timeline row ``agency_handover`` with its audit entry,
written as ``retime`` writes its rows, all in one transaction. A dossier whose receiving agency changes (not a
counter draft, which its applicant never sees) also gets a row ``receiving_agency_change`` the applicant sees: their
slips and messages named the old agency's counter, so the notifications app tells them where to go now.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chinhquyen.catalog.models import Procedure
from chinhquyen.core.audit import audit_actor_current
from chinhquyen.core.errors import InvalidInput, NotAllowed
from chinhquyen.core.text import clean
from chinhquyen.directory.models import Agency, StaffRole, User
from chinhquyen.directory.selectors import is_province_admin

from ..models import EVENT_TEXT_MAX, Channel, Dossier, DossierEvent, DossierStatus, DossierStep, StepState
from ..transitions import (
    HANDED_OVER_STATUSES,
    RECEIVING_AGENCY_CHANGE,
    RESULT_AT_AGENCY,
    TRANSITIONS,
    Transition,
)
from .base import events_write_many

AGENCY_HANDOVER = "agency_handover"
# The table's row: the statuses handed over, which of them (its guard), and that the applicant does not see it.
HANDOVER_ROW: Transition = next(row for row in TRANSITIONS if row.action == AGENCY_HANDOVER)
_OPEN_STEP = (StepState.PENDING, StepState.ACTIVE)
_CHUNK = 500  # ids per IN list


def _handed(prefix: str = "") -> Q:
    """The dossiers whose work is handed over: the row's statuses, as its guard (``_work_at_agency``) judges them,
    in a query (``prefix``: from a related model)."""
    statuses = Q(**{f"{prefix}status__in": HANDED_OVER_STATUSES})
    online_draft = Q(**{f"{prefix}status": DossierStatus.DRAFT, f"{prefix}channel": Channel.ONLINE})
    result_out = Q(**{f"{prefix}status": DossierStatus.RETURNED}) & ~Q(**{f"{prefix}substatus__in": RESULT_AT_AGENCY})
    return statuses & ~online_draft & ~result_out


@dataclass(frozen=True)
class OpenWork:
    """What is still open at an agency: the dossiers it receives, the steps held or to come there and their
    dossiers."""

    dossiers: int
    steps: int
    step_dossiers: int

    def __bool__(self) -> bool:
        return bool(self.dossiers or self.steps)


@dataclass(frozen=True)
class HandOver:
    """What a hand-over moved: the dossiers (``received``: those the successor now receives) and the steps."""

    dossiers: int
    received: int
    steps: int
    deactivated: bool


def _received_there(agency: Agency) -> QuerySet[Dossier]:
    return Dossier.objects.filter(_handed(), receiving_agency=agency)


def _steps_there(agency: Agency) -> QuerySet[DossierStep]:
    return DossierStep.objects.filter(_handed("dossier__"), agency=agency, state__in=_OPEN_STEP)


def agency_open_work(*, agency: Agency) -> OpenWork:
    """The open work at ``agency`` that would be stuck were it made inactive. Two queries."""
    steps = _steps_there(agency).aggregate(steps=Count("pk"), dossiers=Count("dossier_id", distinct=True))
    return OpenWork(dossiers=_received_there(agency).count(), steps=steps["steps"], step_dossiers=steps["dossiers"])


def receiving_change_text(*, old: str, new: str) -> str:
    """The applicant's row of a merger in the active language: recorded in the site's, read in the reader's."""
    return _("%(successor)s receives it from now on, in place of %(agency)s.") % {"agency": old, "successor": new}


def agency_work_hand_over(
    *,
    agency: Agency,
    successor: Agency,
    by: User | None,
    reason: str,
    deactivate: bool = False,
    at: datetime | None = None,
) -> HandOver:
    """Hand the open work at ``agency`` over to ``successor``, in one transaction.

    The pending and active steps at ``agency`` of every open dossier go to ``successor``, due when they were;
    each keeps its officer only if an active account holding the step's role at ``successor`` (moved there with
    the merger), else goes unassigned (everyone holding the role there sees it and may claim it); the open
    dossiers ``agency`` receives (at its front desk: submitted, supplements awaited, results to hand over) are
    received by ``successor``. Closed dossiers and applicants' online drafts stay. With ``deactivate``,
    ``agency`` is then made inactive. ``by``: a province administrator, or None from the command line (the
    platform, or the user of the current request). Refused, with nothing changed, when ``successor`` is
    ``agency`` (``same_agency``), inactive (``agency_inactive``) or does not handle the procedure of a dossier
    it would receive (``agency_not_implementing``, naming them), without a reason (``reason_required``) or
    for anyone else (``role_required``). Calling it again moves nothing.

    Every moved dossier gets an internal row ``agency_handover``; one whose receiving agency changes also gets a
    row ``receiving_agency_change`` its applicant sees and is told of (a hand-over of steps alone tells nothing).
    """
    _by_check(by)
    reason = clean(reason)
    if not reason:
        raise InvalidInput(
            _("Say why the work is handed over (e.g. the merger decision)."), code="reason_required", field="reason"
        )
    if len(reason) > EVENT_TEXT_MAX:
        raise InvalidInput(
            _("The reason is too long: at most %(max)s characters.") % {"max": EVENT_TEXT_MAX},
            code="reason_too_long",
            field="reason",
        )
    if successor.pk == agency.pk:
        raise InvalidInput(
            _("An agency cannot hand its work over to itself: choose its successor."),
            code="same_agency",
            field="successor",
        )
    at = at or timezone.now()
    actor = by if by is not None else audit_actor_current()
    with transaction.atomic():
        # The two agencies first (a deactivation in the admin waits, and the successor cannot be deactivated
        # meanwhile), then the dossiers in id order, as every caller locks them, all before anything is written:
        # the first audit entry holds the chain head (agency, dossier first, audit head last, everywhere). No key
        # update: a transition holding a dossier and writing a step that points at the agency (a foreign key's
        # KEY SHARE lock) is not blocked by it, so it cannot wait on this while this waits on its dossier.
        agencies = Agency.objects.select_for_update(no_key=True).filter(pk__in=[agency.pk, successor.pk])
        locked = {a.pk: a for a in agencies.order_by("pk")}
        successor = locked[successor.pk]
        if not successor.is_active:
            raise InvalidInput(
                _("%(agency)s is no longer active: the work must go to an agency that is.")
                % {"agency": successor.name},
                code="agency_inactive",
                field="successor",
            )
        dossiers = _lock(agency)
        steps = _open_steps(agency, [d.pk for d in dossiers])
        received = [d for d in dossiers if d.receiving_agency_id == agency.pk]
        _procedures_check(received, successor)
        moved = [d for d in dossiers if d.receiving_agency_id == agency.pk or d.pk in steps]
        if moved:
            kept = _assignees_kept(steps, successor)
            _save(moved, steps, kept, agency=agency, successor=successor, at=at)
            _log(moved, steps, kept, agency=agency, successor=successor, by=actor, at=at, reason=reason)
        deactivated = False
        if deactivate and locked[agency.pk].is_active:
            agency.is_active = False
            agency.save(update_fields=["is_active"])  # audited by core.audit as every change of the flag
            deactivated = True
    return HandOver(
        dossiers=len(moved),
        received=len(received),
        steps=sum(len(held) for held in steps.values()),
        deactivated=deactivated,
    )


def hand_over_summary(*, agency: Agency, successor: Agency, result: HandOver) -> str:
    """What a hand-over did, in the active language (the admin's message, the command's output)."""
    text = _(
        "%(agency)s → %(successor)s: dossiers handed over: %(dossiers)s (as receiving agency: %(received)s), "
        "steps: %(steps)s."
    ) % {
        "agency": agency.name,
        "successor": successor.name,
        "dossiers": result.dossiers,
        "received": result.received,
        "steps": result.steps,
    }
    if result.deactivated:
        inactive = _("The agency is now inactive.")  # not inside the f-string: xgettext would not find it
        text = f"{text} {inactive}"
    return text


def _by_check(by: User | None) -> None:
    if by is None:
        return  # the command line: whoever runs it holds the server
    if not is_province_admin(by):
        raise NotAllowed(
            _("Only a province administrator may hand an agency's work over to another."), code="role_required"
        )


def _lock(agency: Agency) -> list[Dossier]:
    """The dossiers with work at ``agency``, locked in id order and read under the lock."""
    step_there = DossierStep.objects.filter(dossier=OuterRef("pk"), agency=agency, state__in=_OPEN_STEP)
    found = Dossier.objects.filter(_handed()).filter(Q(receiving_agency=agency) | Exists(step_there))
    fields = ("pk", "status", "substatus", "channel", "procedure_id", "receiving_agency_id", "version")
    return list(found.select_for_update(of=("self",)).order_by("pk").only(*fields))


def _open_steps(agency: Agency, dossier_ids: list[int]) -> dict[int, list[DossierStep]]:
    found: dict[int, list[DossierStep]] = {}
    for n in range(0, len(dossier_ids), _CHUNK):
        steps = (
            DossierStep.objects.filter(dossier_id__in=dossier_ids[n : n + _CHUNK], agency=agency, state__in=_OPEN_STEP)
            .only("pk", "dossier_id", "assignee_id", "role")
            .order_by("dossier_id", "order", "pk")
        )
        for step in steps:
            found.setdefault(step.dossier_id, []).append(step)
    return found


def _procedures_check(received: list[Dossier], successor: Agency) -> None:
    """Refuse a successor that does not handle every procedure of the dossiers it would receive, naming them."""
    wanted = {d.procedure_id for d in received}
    if not wanted:
        return
    handled = set(
        Procedure.agencies.through.objects.filter(agency_id=successor.pk, procedure_id__in=wanted).values_list(
            "procedure_id", flat=True
        )
    )
    missing = Procedure.objects.filter(pk__in=wanted - handled).order_by("code")
    if missing:
        raise InvalidInput(
            _(
                "%(agency)s does not handle these procedures of the dossiers to hand over: %(procedures)s. Assign "
                "them to it in the catalog first."
            )
            % {"agency": successor.name, "procedures": "; ".join(f"{p.code} {p.name}" for p in missing)},
            code="agency_not_implementing",
            field="successor",
            procedures=[p.code for p in missing],
        )


def _assignees_kept(steps: dict[int, list[DossierStep]], successor: Agency) -> set[int]:
    """The steps whose officer stays on them: an active account holding the step's role at ``successor`` (as
    ``departed`` judges who may keep a step)."""
    held = [step for group in steps.values() for step in group if step.assignee_id is not None]
    if not held:
        return set()
    holds = set(
        StaffRole.objects.in_force()
        .filter(agency_id=successor.pk, user__is_active=True, user_id__in={step.assignee_id for step in held})
        .values_list("user_id", "role")
    )
    return {step.pk for step in held if (step.assignee_id, step.role) in holds}


def _save(
    moved: list[Dossier],
    steps: dict[int, list[DossierStep]],
    kept: set[int],
    *,
    agency: Agency,
    successor: Agency,
    at: datetime,
) -> None:
    step_ids = [step.pk for held in steps.values() for step in held]
    for ids in _chunks([pk for pk in step_ids if pk in kept]):
        DossierStep.objects.filter(pk__in=ids).update(agency=successor)
    for ids in _chunks([pk for pk in step_ids if pk not in kept]):
        DossierStep.objects.filter(pk__in=ids).update(agency=successor, assignee=None)
    received = [d.pk for d in moved if d.receiving_agency_id == agency.pk]
    others = [d.pk for d in moved if d.receiving_agency_id != agency.pk]
    bumped = {"version": F("version") + 1, "updated_at": at}
    for ids in _chunks(received):
        Dossier.objects.filter(pk__in=ids).update(receiving_agency=successor, **bumped)
    for ids in _chunks(others):
        Dossier.objects.filter(pk__in=ids).update(**bumped)
    for dossier in moved:
        dossier.version += 1


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for n in range(0, len(ids), _CHUNK):
        yield ids[n : n + _CHUNK]


def _log(
    moved: list[Dossier],
    steps: dict[int, list[DossierStep]],
    kept: set[int],
    *,
    agency: Agency,
    successor: Agency,
    by: User | None,
    at: datetime,
    reason: str,
) -> None:
    """One internal timeline row per dossier and its audit entry, as ``retime`` writes them; and one the applicant
    sees when the receiving agency changes (the administrator's reason and the officers stay on the internal one)."""
    with translation.override(settings.LANGUAGE_CODE):  # a record, as the steps' names are
        text = _("Open work handed over from %(agency)s to %(successor)s: %(reason)s") % {
            "agency": agency.name,
            "successor": successor.name,
            "reason": reason,
        }
        public = receiving_change_text(old=agency.name, new=successor.name)
    events = [
        DossierEvent(
            dossier=dossier,
            at=at,
            actor=by,
            action=AGENCY_HANDOVER,
            from_status=dossier.status,
            to_status=dossier.status,
            reason=text,
            data=_data(dossier, steps.get(dossier.pk, []), kept, agency=agency, successor=successor),
            internal=HANDOVER_ROW.internal,
        )
        for dossier in moved
    ]
    events += [
        DossierEvent(
            dossier=dossier,
            at=at,
            actor=by,
            action=RECEIVING_AGENCY_CHANGE,
            from_status=dossier.status,
            to_status=dossier.status,
            reason=public,
            data={"from_agency": agency.pk, "to_agency": successor.pk},
        )
        for dossier in moved
        if dossier.receiving_agency_id == agency.pk and dossier.status != DossierStatus.DRAFT
    ]
    events_write_many(events, by=by)


def _data(
    dossier: Dossier, steps: list[DossierStep], kept: set[int], *, agency: Agency, successor: Agency
) -> dict[str, Any]:
    return {
        "from_agency": agency.pk,
        "to_agency": successor.pk,
        "receiving_agency": dossier.receiving_agency_id == agency.pk,
        "steps": [
            {"step": step.pk, "from_user": step.assignee_id, "to_user": step.assignee_id if step.pk in kept else None}
            for step in steps
        ],
    }
