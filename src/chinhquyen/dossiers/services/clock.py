"""The dossier's clock while it waits on the applicant (documents asked for, a payment): paused, then resumed."""

from datetime import datetime

from chinhquyen.workcal.clock import DeadlineClock
from chinhquyen.workcal.selectors import calendar_current, deadline_counting_start, deadline_resume

from ..deadlines import dossier_due, dossier_time_limit, shift_by_working_seconds, working_seconds_between
from ..models import Dossier, DossierEvent, DossierStep
from .base import Change
from .steps import iso, steps_shift

# The transitions that call clock_resume, whose events record the working time paused (``paused_hours``).
RESUMING_ACTIONS = ("payment_confirmed", "supplement_provided")


def clock_pause(change: Change) -> None:
    """Stop the clock now (a dossier without a due date has none to stop)."""
    if change.dossier.due_at is not None:
        change.set(paused_at=change.at)


def clock_resume(change: Change) -> None:
    """Restart the clock: the dossier's and the open steps' due dates move by the working time it was paused
    (spec §4: new due = old due + (resume - pause)); the event data says by how much. A pause before the
    clock started (a same-day dossier received after 15:00 counts from the next working morning) counts only
    from that start."""
    d = change.dossier
    if d.paused_at is not None and d.due_at is not None:
        clock = DeadlineClock(due_at=d.due_at, paused_at=d.paused_at, counts_from=_counting_from(d))
        new_due = deadline_resume(clock=clock, at=change.at).due_at
        seconds = clock.paused_seconds(change.at, calendar=calendar_current())
        steps_shift(d, seconds=seconds)
        change.data = {
            **change.data,
            "paused_hours": seconds / 3600,
            "old_due_at": iso(d.due_at),
            "new_due_at": iso(new_due),
        }
        change.set(due_at=new_due)
    change.set(paused_at=None)


def step_restart_due(step: DossierStep, *, change: Change) -> dict[str, object]:
    """Move the due date of a finished ``step`` about to start again (sent back to) by the working time the
    clock was paused since it finished, as it would be without the pauses: each agency is judged on its own
    time (ADR 0020); and, for a step finished before an apology letter extended the dossier, by its share of the
    working time the letter added (:func:`_extension_seconds`). Return what the event data records of it (nothing
    when it does not move).

    A resume moves only the open steps: a finished one keeps the due date its stored outcome was judged against
    until it starts again. A step cannot finish while the clock is paused, so every pause ended after it
    finished also began after it. Likewise a letter moves only the unfinished steps.
    """
    if step.due_at is None or step.finished_at is None:
        return {}
    paused = _paused_seconds_since(change.dossier, step.finished_at)
    extended = _extension_seconds(change.dossier, step)
    if paused == 0 and extended == 0:
        return {}
    old_due = step.due_at
    new_due = shift_by_working_seconds(old_due, paused + extended)
    assert new_due is not None  # noqa: S101 - moved from a due instant
    due = change.dossier.due_at
    if extended and due is not None and working_seconds_between(new_due, due) <= 0:
        new_due = due  # never after the dossier; reaching its position, due at its very instant (step_dues)
    step.due_at = new_due
    change.save_later(step, "due_at")
    data: dict[str, object] = {}
    if paused:
        data["to_step_paused_hours"] = paused / 3600
    if extended:
        data["to_step_extended_hours"] = extended / 3600
    return {**data, "to_step_old_due_at": iso(old_due), "to_step_new_due_at": iso(step.due_at)}


def _extension_seconds(dossier: Dossier, step: DossierStep) -> int:
    """The working seconds a step finished before the dossier's extension gets of it when it starts again: its
    share of the extended span, as at reception. The letter adds ``added`` to a span of ``span`` (from the
    counting start to the due date it replaced), so every share grows by ``added / span`` of itself, as the
    shares of a dossier received with the longer span would. One query, only for such a step."""
    if dossier.extended_at is None or step.finished_at is None or step.finished_at >= dossier.extended_at:
        return 0
    if step.share_hours <= 0:
        return 0
    rows = DossierEvent.objects.filter(dossier=dossier, action__in=("receive", "letter_send")).order_by("at", "pk")
    data = {action: value for action, value in rows.values_list("action", "data") if isinstance(value, dict)}
    sent, receipt = data.get("letter_send", {}), data.get("receive", {})
    if not sent.get("old_due_at") or not sent.get("new_due_at"):
        return 0
    old_due, new_due = datetime.fromisoformat(sent["old_due_at"]), datetime.fromisoformat(sent["new_due_at"])
    start = _counting_start(dossier, recorded=receipt.get("counting_from"))
    span = working_seconds_between(start, old_due) if start is not None else 0
    added = working_seconds_between(old_due, new_due)
    if span <= 0 or added <= 0:
        return 0
    return round(step.share_hours * 3600 * added / span)


def _counting_start(dossier: Dossier, *, recorded: object) -> datetime | None:
    """Where the dossier's limit counted from: the reception's record, else worked out as the reception did."""
    if isinstance(recorded, str) and recorded:
        return datetime.fromisoformat(recorded)
    if dossier.received_at is None:
        return None
    limit = dossier_time_limit(
        procedure=dossier.procedure, channel=dossier.channel, applied_online=dossier.submitted_at is not None
    )
    return dossier_due(limit=limit, received_at=dossier.received_at).start


def _paused_seconds_since(dossier: Dossier, since: datetime) -> int:
    """The working seconds of the pauses :func:`clock_resume` ended after ``since``, as their events recorded them."""
    resumes = DossierEvent.objects.filter(dossier=dossier, action__in=RESUMING_ACTIONS, at__gt=since)
    hours = resumes.filter(data__has_key="paused_hours").values_list("data__paused_hours", flat=True)
    return sum(round(float(h) * 3600) for h in hours)


def _counting_from(dossier: Dossier) -> datetime | None:
    """The instant the dossier's limit counts from, when a pause may have begun before it (else None).

    Only a pause before the latest start a limit can have (a same-day one's, the next morning after 15:00)
    needs it; that rare case reads it from the reception's record, or works it out as the reception did.
    """
    paused_at, received_at = dossier.paused_at, dossier.received_at
    if paused_at is None or received_at is None:
        return None
    if paused_at >= deadline_counting_start(received_at=received_at, same_day=True):
        return None  # whatever the limit, its clock was already running
    receipt = (
        DossierEvent.objects.filter(dossier=dossier, action="receive")
        .order_by("-at", "-pk")
        .values_list("data", flat=True)
        .first()
    )
    recorded = receipt.get("counting_from") if isinstance(receipt, dict) else None
    if recorded:
        return datetime.fromisoformat(recorded)
    limit = dossier_time_limit(
        procedure=dossier.procedure, channel=dossier.channel, applied_online=dossier.submitted_at is not None
    )
    return dossier_due(limit=limit, received_at=received_at).start
