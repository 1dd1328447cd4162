"""The per-dossier evaluation of Circular 01/2018/TT-VPCP (spec §6), as data.

Nine criteria (chỉ số), each scored 0, 1 or 2 points, and an overall rating (very satisfied, satisfied,
not satisfied). The spec fixes the scale of the first criterion (shorter 2, equal 1, longer 0); the
words of the other options follow the criterion's meaning with the same 2-1-0 order. Aggregates per
unit and quarter fall into five levels; the spec names five levels but not their thresholds (?), so the
thresholds live in :data:`LEVELS`, in one place.

The first two criteria are not asked: the platform records whether the dossier was settled early, on time or
late (``Dossier.outcome``), and so for each step of each agency (``DossierStep.outcome``), so their points come
from that record (:func:`total_time_points`, :func:`agency_time_points`), which an applicant's answer could
only contradict.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from chinhquyen.dossiers.models import Outcome

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

MAX_POINTS = 2


@dataclass(frozen=True)
class Criterion:
    """One criterion: the field name on :class:`~chinhquyen.feedback.models.Rating`, its question, its options."""

    key: str
    label: StrPromise
    options: tuple[tuple[int, StrPromise], ...]  # (points, words), best first


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "total_time",
        _("Total time to settle the procedure, compared with the time the law allows"),
        ((2, _("Shorter than allowed")), (1, _("The same as allowed")), (0, _("Longer than allowed"))),
    ),
    Criterion(
        "agency_time",
        _("Time taken by each agency involved, compared with its allowed time"),
        (
            (2, _("Every agency was faster than allowed")),
            (1, _("Every agency took the time allowed")),
            (0, _("At least one agency took longer than allowed")),
        ),
    ),
    Criterion(
        "contacts",
        _("Number of times you had to contact the reception point to complete the dossier"),
        ((2, _("Once at most")), (1, _("Twice")), (0, _("More than twice"))),
    ),
    Criterion(
        "agencies_contacted",
        _("Number of agencies you had to contact to complete the dossier"),
        (
            (2, _("Only the one-stop front desk")),
            (1, _("One more agency")),
            (0, _("Two or more other agencies")),
        ),
    ),
    Criterion(
        "front_desk",
        _("Reception, handling and return of the result through the one-stop front desk"),
        (
            (2, _("Entirely through the front desk, as the rules require")),
            (1, _("Partly outside the front desk")),
            (0, _("Not through the front desk")),
        ),
    ),
    Criterion(
        "publicity",
        _("Public information about the procedure"),
        (
            (2, _("Published in full and correct")),
            (1, _("Published, but incomplete or not correct")),
            (0, _("Not published")),
        ),
    ),
    Criterion(
        "attitude",
        _("Attitude of the officials who guided you, received and handled the dossier"),
        (
            (2, _("Polite and helpful")),
            (1, _("Correct, but not helpful")),
            (0, _("Caused trouble or asked for something improper")),
        ),
    ),
    Criterion(
        "complaints",
        _("Handling of your complaints and petitions about this dossier"),
        (
            (2, _("Handled on time, or none was needed")),
            (1, _("Handled late")),
            (0, _("Not handled")),
        ),
    ),
    Criterion(
        "online_progress",
        _("Information online about the dossier's progress and result"),
        (
            (2, _("Complete and up to date")),
            (1, _("Incomplete or late")),
            (0, _("Not available")),
        ),
    ),
)

CRITERIA_KEYS: tuple[str, ...] = tuple(c.key for c in CRITERIA)
MAX_TOTAL = MAX_POINTS * len(CRITERIA)
# Worked out from the dossier, not asked (see the module's docstring).
TOTAL_TIME = "total_time"
AGENCY_TIME = "agency_time"
WORKED_OUT: tuple[str, ...] = (TOTAL_TIME, AGENCY_TIME)
ASKED: tuple[Criterion, ...] = tuple(c for c in CRITERIA if c.key not in WORKED_OUT)
# Points of the first criterion per outcome. Without a time limit (no due date, no outcome) there is nothing
# to be shorter or longer than: "the same as allowed".
_TOTAL_TIME_POINTS: dict[str, int] = {Outcome.EARLY: 2, Outcome.ON_TIME: 1, Outcome.LATE: 0, Outcome.NONE: 1}
_TOTAL_TIME_FACTS: dict[str, StrPromise] = {
    Outcome.EARLY: _("Your dossier was settled before its due date."),
    Outcome.ON_TIME: _("Your dossier was settled on its due date."),
    Outcome.LATE: _("Your dossier was settled after its due date."),
    Outcome.NONE: _("The law sets no time limit for this procedure."),
}


def total_time_points(outcome: str) -> int:
    """The points of the first criterion for a dossier settled with ``outcome`` (early 2, on time 1, late 0)."""
    return _TOTAL_TIME_POINTS.get(outcome, _TOTAL_TIME_POINTS[Outcome.NONE])


def total_time_fact(outcome: str) -> StrPromise:
    """The sentence telling the applicant how their dossier's time compares with the time allowed."""
    return _TOTAL_TIME_FACTS.get(outcome, _TOTAL_TIME_FACTS[Outcome.NONE])


def agency_outcome(step_outcomes: Iterable[str]) -> str:
    """One agency's outcome over its finished steps: late if one was late, early if all were early, else on
    time. A step without a time limit counts as on time, as the first criterion counts a dossier without one."""
    outcomes = set(step_outcomes)
    if Outcome.LATE in outcomes:
        return Outcome.LATE
    if outcomes == {Outcome.EARLY}:
        return Outcome.EARLY
    if outcomes <= {Outcome.NONE}:
        return Outcome.NONE
    return Outcome.ON_TIME


def agency_time_points(agency_outcomes: Iterable[str]) -> int:
    """The points of the second criterion from each agency's outcome (:func:`agency_outcome`): 2 when every
    agency was early, 0 when one was late, else 1 (on time, or no time limit)."""
    outcomes = set(agency_outcomes)
    if Outcome.LATE in outcomes:
        return 0
    if outcomes == {Outcome.EARLY}:
        return 2
    return 1


_AGENCY_TIME_FACTS: dict[int, StrPromise] = {
    2: _("Every agency finished each of its steps on your dossier before the step was due."),
    1: _("Every agency finished each of its steps on your dossier by the time it was due, not all of them early."),
    0: _("An agency finished a step of your dossier after the step was due."),
}


def agency_time_fact(agency_outcomes: Iterable[str]) -> StrPromise:
    """The sentence telling the applicant how each agency's time compares with the time it was allowed."""
    outcomes = set(agency_outcomes)
    if outcomes <= {Outcome.NONE}:
        return _TOTAL_TIME_FACTS[Outcome.NONE]
    return _AGENCY_TIME_FACTS[agency_time_points(outcomes)]


class Overall(models.TextChoices):
    """The overall rating of the dossier's handling (đánh giá chung)."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")


class Level(models.TextChoices):
    """The five levels of a unit's aggregate over a period (xếp loại)."""

    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    AVERAGE = "average", _("Average")
    POOR = "poor", _("Poor")


# Lowest share of the maximum total (18 points) for each level, best first (?): not in the spec.
LEVELS: tuple[tuple[Level, Decimal], ...] = (
    (Level.EXCELLENT, Decimal("0.90")),
    (Level.GOOD, Decimal("0.80")),
    (Level.FAIR, Decimal("0.65")),
    (Level.AVERAGE, Decimal("0.50")),
    (Level.POOR, Decimal("0")),
)


def level_for(*, average_total: Decimal | None) -> Level | None:
    """The level of an average dossier total (0–18); None without ratings."""
    if average_total is None:
        return None
    share = average_total / MAX_TOTAL
    return next(level for level, lowest in LEVELS if share >= lowest)


def criterion(key: str) -> Criterion:
    return next(c for c in CRITERIA if c.key == key)
