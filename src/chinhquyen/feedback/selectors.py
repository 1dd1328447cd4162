"""Reads of the feedback app: rating summaries (the reports' input), the service index's satisfaction
part (spec §6, Decision 766/QĐ-TTg), published petitions and the agencies' petition inboxes.

The public reads only ``published_*`` columns of published petitions: the sender's details and the
original texts never leave the office.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from django.conf import settings
from django.db.models import Avg, Count, F, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.core.text import fold
from chinhquyen.directory.models import Agency, Role, User
from chinhquyen.directory.selectors import roles_agency_ids
from chinhquyen.dossiers.models import Dossier, DossierEvent, DossierStatus, DossierStep, Outcome, StepState
from chinhquyen.workcal.engine import TZ

from .criteria import (
    CRITERIA,
    CRITERIA_KEYS,
    Level,
    Overall,
    agency_outcome,
    agency_time_fact,
    agency_time_points,
    level_for,
)
from .errors import PetitionNotFound
from .models import Petition, PetitionEvent, PetitionEventDispatchFailure, PetitionStatus, Rating
from .publication import PublishedTexts, petition_masked
from .transitions import transition_actions, user_roles_load

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

TWO_PLACES = Decimal("0.01")
QUERY_MAX_LENGTH = 200
# The portal's page of one petition (portal/feedback_urls.py), when the URLConf does not name it.
DEFAULT_PETITION_PATH = "/phan-anh-kien-nghi/{code}/"


def _round(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _round_down(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(TWO_PLACES, rounding=ROUND_DOWN)


# --- Periods ------------------------------------------------------------------------------------


def quarter_bounds(*, year: int, quarter: int) -> tuple[datetime, datetime]:
    """The first instant of the quarter and of the next one, in Vietnam time."""
    if not 1 <= quarter <= 4:
        raise ValueError(quarter)
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return datetime.combine(start, time.min, TZ), datetime.combine(end, time.min, TZ)


# --- Ratings ------------------------------------------------------------------------------------


def rating_for_dossier(*, dossier: Dossier) -> Rating | None:
    return Rating.objects.filter(dossier=dossier).first()


@dataclass(frozen=True)
class AgencyTime:
    """The second criterion of a dossier as its steps record it: each agency's outcome, the points, and the
    agencies that took longer than allowed (by name)."""

    outcomes: dict[int, str]  # agency id -> early, on_time, late, or "" (no time limit)
    points: int
    late: list[Agency]

    @property
    def fact(self) -> "StrPromise":
        return agency_time_fact(self.outcomes.values())


def dossier_agency_time(*, dossier: Dossier) -> AgencyTime:
    """Each agency's time on ``dossier`` against the time it was allowed (criterion 2 of Circular 01/2018).

    Counted: the finished steps, grouped by agency, each judged against its due date as the applicant's pauses
    (a supplement, a payment) moved it; the front desk's steps are the receiving agency's, and a consultation's
    the agency consulted. A consultation taken back counts only when it was overdue by then (the agency asked
    did not answer in its time); taken back sooner, it ended without an answer to judge. Not counted: the steps
    that never ran (pending). A dossier without a counted step was handled by the receiving agency alone, in
    the dossier's own time (``Dossier.outcome``).
    """
    steps = list(
        DossierStep.objects.filter(dossier=dossier, state=StepState.DONE).values_list(
            "pk", "agency_id", "role", "outcome", "consultation"
        )
    )
    recalled: set[Any] = set()
    if any(consultation for *_rest, consultation in steps):
        events = DossierEvent.objects.filter(dossier=dossier, action="consult_recall")
        recalled = {data.get("from_step") for data in events.values_list("data", flat=True) if isinstance(data, dict)}
    by_agency: dict[int, list[str]] = {}
    for pk, agency_id, role, outcome, _consultation in steps:
        if pk in recalled and outcome != Outcome.LATE:
            continue
        key = dossier.receiving_agency_id if role == Role.FRONT_DESK else agency_id
        by_agency.setdefault(key, []).append(outcome)
    outcomes = {agency_id: agency_outcome(found) for agency_id, found in by_agency.items()}
    if not outcomes:
        outcomes = {dossier.receiving_agency_id: dossier.outcome}
    late_ids = [agency_id for agency_id, outcome in outcomes.items() if outcome == Outcome.LATE]
    late = list(Agency.objects.filter(pk__in=late_ids).order_by("name", "code")) if late_ids else []
    return AgencyTime(outcomes=outcomes, points=agency_time_points(outcomes.values()), late=late)


@dataclass(frozen=True)
class RatingSummary:
    """Counts and averages of a set of ratings: per criterion (0–2), the total (0–18) and the level."""

    count: int
    criteria: dict[str, Decimal | None]
    average_total: Decimal | None
    overall: dict[str, int]
    level: Level | None

    @property
    def not_satisfied_share(self) -> Decimal | None:
        if not self.count:
            return None
        return Decimal(self.overall[Overall.NOT_SATISFIED]) / self.count


def _ratings(
    *,
    agency_ids: list[int] | None = None,
    procedure_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[Rating]:
    ratings = Rating.objects.all()
    if agency_ids is not None:
        ratings = ratings.filter(agency_id__in=agency_ids)
    if procedure_id is not None:
        ratings = ratings.filter(procedure_id=procedure_id)
    if start is not None:
        ratings = ratings.filter(created_at__gte=start)
    if end is not None:
        ratings = ratings.filter(created_at__lt=end)
    return ratings


def _aggregates() -> dict[str, Any]:
    values: dict[str, Any] = {"count": Count("pk"), "average_total": Avg("total")}
    values.update({f"avg_{key}": Avg(key) for key in CRITERIA_KEYS})
    values.update({f"n_{o}": Count("pk", filter=Q(overall=o)) for o in Overall.values})
    return values


def _summary(row: dict[str, Any]) -> RatingSummary:
    exact = None if row["average_total"] is None else Decimal(str(row["average_total"]))
    return RatingSummary(
        count=row["count"],
        criteria={key: _round(row[f"avg_{key}"]) for key in CRITERIA_KEYS},
        # Rounded down, and the level judged on the exact value: 16.195 is under the 16.2 of "excellent", and
        # shows as 16.19 beside "good", not 16.20.
        average_total=_round_down(exact),
        overall={o: row[f"n_{o}"] for o in Overall.values},
        level=level_for(average_total=exact),
    )


def rating_summary(
    *,
    agency_ids: list[int] | None = None,
    procedure_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> RatingSummary:
    """Counts and averages of the ratings of these agencies / this procedure given in [start, end)."""
    rows = _ratings(agency_ids=agency_ids, procedure_id=procedure_id, start=start, end=end).aggregate(**_aggregates())
    return _summary(rows)


@dataclass(frozen=True)
class GroupSummary:
    key: int
    name: str
    code: str
    summary: RatingSummary


def rating_summary_by_agency(
    *, agency_ids: list[int] | None = None, start: datetime | None = None, end: datetime | None = None
) -> list[GroupSummary]:
    """One summary per agency rated (the unit of the Circular's aggregates), by agency name."""
    return _grouped("agency", agency_ids=agency_ids, start=start, end=end)


def rating_summary_by_procedure(
    *, agency_ids: list[int] | None = None, start: datetime | None = None, end: datetime | None = None
) -> list[GroupSummary]:
    """One summary per procedure rated, most ratings first."""
    groups = _grouped("procedure", agency_ids=agency_ids, start=start, end=end)
    return sorted(groups, key=lambda g: (-g.summary.count, g.code))


def _grouped(
    by: str, *, agency_ids: list[int] | None, start: datetime | None, end: datetime | None
) -> list[GroupSummary]:
    rows = (
        _ratings(agency_ids=agency_ids, start=start, end=end)
        .values(f"{by}_id", f"{by}__name", f"{by}__code")
        .annotate(**_aggregates())
        .order_by(f"{by}__name", f"{by}_id")
    )
    return [
        GroupSummary(key=row[f"{by}_id"], name=row[f"{by}__name"], code=row[f"{by}__code"], summary=_summary(row))
        for row in rows
    ]


@dataclass(frozen=True)
class QuarterSummary:
    quarter: int
    start: datetime
    end: datetime
    summary: RatingSummary


def rating_summary_by_quarter(*, agency_ids: list[int] | None, year: int) -> list[QuarterSummary]:
    """The four quarters of ``year``, each with its summary and level (Circular 01/2018)."""
    quarters = []
    for quarter in range(1, 5):
        start, end = quarter_bounds(year=year, quarter=quarter)
        quarters.append(
            QuarterSummary(quarter, start, end, rating_summary(agency_ids=agency_ids, start=start, end=end))
        )
    return quarters


# --- The satisfaction part of the service index ---------------------------------------------------


@dataclass(frozen=True)
class IndexPart:
    """One sub-indicator: ``points = maximum if ratio ≥ target, else ratio × maximum / target``."""

    key: str
    maximum: Decimal
    target: Decimal


# Decision 766/QĐ-TTg, group 6 "Satisfaction" (18 points). Targets (?) are not in the spec: 100 %.
SATISFACTION_PARTS: tuple[IndexPart, ...] = (
    IndexPart("petitions_on_time", Decimal(6), Decimal(1)),
    IndexPart("petition_satisfaction", Decimal(6), Decimal(1)),
    IndexPart("service_quality", Decimal(6), Decimal(1)),
)


@dataclass(frozen=True)
class IndexScore:
    key: str
    ratio: Decimal | None  # None: nothing to measure in the period
    points: Decimal | None
    maximum: Decimal


@dataclass(frozen=True)
class SatisfactionIndex:
    parts: list[IndexScore]

    @property
    def points(self) -> Decimal:
        """The sum of the parts that could be measured."""
        return sum((p.points for p in self.parts if p.points is not None), Decimal(0))

    @property
    def maximum(self) -> Decimal:
        return sum((p.maximum for p in self.parts), Decimal(0))

    @property
    def measured_maximum(self) -> Decimal:
        """The points the measured parts could give: the total is out of these, not the whole maximum."""
        return sum((p.maximum for p in self.parts if p.points is not None), Decimal(0))

    @property
    def measured(self) -> bool:
        return any(p.points is not None for p in self.parts)

    @property
    def complete(self) -> bool:
        return all(p.points is not None for p in self.parts)


def index_points(*, ratio: Decimal | None, part: IndexPart) -> Decimal | None:
    if ratio is None:
        return None
    if ratio >= part.target:
        return part.maximum
    return _round(ratio * part.maximum / part.target)


def _ratio(numerator: int, denominator: int) -> Decimal | None:
    return None if not denominator else Decimal(numerator) / Decimal(denominator)


def satisfaction_index(
    *, agency_ids: list[int] | None, start: datetime, end: datetime, now: datetime | None = None
) -> SatisfactionIndex:
    """Group 6 of the service index over [start, end) for these agencies (all when None).

    1. Petitions handled on time: (answered or closed by the due date + open and not yet due) / filed.
    2. Satisfaction with petition handling: senders satisfied / senders who said.
    3. 100 % − (overdue % + dissatisfied %): dossiers returned in the period whose outcome is late (the result
       issued after the due date, however long the applicant took to collect it) / returned; ratings "not
       satisfied" / given.
    """
    now = now or timezone.now()
    petitions = Petition.objects.filter(filed_at__gte=start, filed_at__lt=end)
    dossiers = Dossier.objects.filter(status=DossierStatus.RETURNED, returned_at__gte=start, returned_at__lt=end)
    if agency_ids is not None:
        petitions = petitions.filter(agency_id__in=agency_ids)
        dossiers = dossiers.filter(receiving_agency_id__in=agency_ids)
    handled_on_time = (
        Q(answered_at__isnull=False, answered_at__lte=F("due_at"))
        | Q(answered_at__isnull=True, closed_at__isnull=False, closed_at__lte=F("due_at"))
        | Q(status__in=[PetitionStatus.RECEIVED, PetitionStatus.ASSIGNED], due_at__gt=now)
    )
    p = petitions.aggregate(
        filed=Count("pk"),
        on_time=Count("pk", filter=handled_on_time),
        said=Count("pk", filter=Q(sender_satisfied__isnull=False)),
        satisfied=Count("pk", filter=Q(sender_satisfied=True)),
    )
    d = dossiers.aggregate(returned=Count("pk"), late=Count("pk", filter=Q(outcome=Outcome.LATE)))
    ratings = rating_summary(agency_ids=agency_ids, start=start, end=end)
    overdue = _ratio(d["late"], d["returned"])
    unhappy = ratings.not_satisfied_share
    if overdue is None and unhappy is None:
        quality = None
    else:
        quality = max(Decimal(0), Decimal(1) - (overdue or Decimal(0)) - (unhappy or Decimal(0)))
    ratios = {
        "petitions_on_time": _ratio(p["on_time"], p["filed"]),
        "petition_satisfaction": _ratio(p["satisfied"], p["said"]),
        "service_quality": quality,
    }
    return SatisfactionIndex(
        parts=[
            IndexScore(
                key=part.key,
                # Shown rounded down: 199 of 200 reads 0.99, not a 1.00 beside points under the maximum.
                ratio=_round_down(ratios[part.key]),
                points=index_points(ratio=ratios[part.key], part=part),
                maximum=part.maximum,
            )
            for part in SATISFACTION_PARTS
        ]
    )


# --- Petitions: the public ------------------------------------------------------------------------


def petitions_published(*, query: str = "", offset: int = 0, limit: int = 20) -> list[Petition]:
    """Published petitions, newest first; ``query`` matches the published texts only, without diacritics."""
    return list(petitions_published_matching(query=query).order_by("-published_at", "-pk")[offset : offset + limit])


def petitions_published_matching(*, query: str = "") -> QuerySet[Petition]:
    """The published petitions ``query`` matches (as :func:`petitions_published`), unordered: for paging by
    publication time, which a petition published or withdrawn meanwhile does not shift."""
    petitions = Petition.objects.filter(status=PetitionStatus.PUBLISHED, published_at__isnull=False)
    for word in fold(query[:QUERY_MAX_LENGTH]).split():
        petitions = petitions.filter(published_search__contains=word)
    return petitions.select_related("procedure", "agency").only(*PUBLIC_FIELDS)


# The only columns a public page may read.
PUBLIC_FIELDS = (
    "code",
    "status",
    "filed_at",
    "answered_at",
    "published_at",
    "published_subject",
    "published_content",
    "published_answer",
    "procedure__code",
    "procedure__name",
    "agency__name",
    "agency__name_en",
)


def petition_published_get(*, code: str) -> Petition:
    """One published petition by its code (public fields only); else PetitionNotFound."""
    found = (
        Petition.objects.filter(status=PetitionStatus.PUBLISHED, published_at__isnull=False, code=code.upper())
        .select_related("procedure", "agency")
        .only(*PUBLIC_FIELDS)
        .first()
    )
    if found is None:
        raise PetitionNotFound(_("No published petition has this code."), code="petition_not_found")
    return found


def petition_of_sender(*, user: User, code: str) -> Petition | None:
    """The signed-in sender's own petition, whatever its status (they may read what they sent)."""
    if not user.is_authenticated:
        return None
    return Petition.objects.select_related("procedure", "agency").filter(sender_user=user, code=code.upper()).first()


def petition_page_url(*, petition: Petition) -> str:
    """The full address of the petition's portal page (published, or the signed-in sender's own)."""
    try:
        path = reverse("portal:petition_detail", args=[petition.code])
    except NoReverseMatch:
        path = DEFAULT_PETITION_PATH.format(code=petition.code)
    return urljoin(settings.PUBLIC_BASE_URL, path)


def petition_answer_url_for_sender(*, petition: Petition) -> str:
    """Where the sender can read the answer on the portal, or "" when nowhere.

    A petition sent while signed in is read on its page by its sender; one sent anonymously only once
    published (then without the sender's personal data), so until then the sender asks the agency.
    """
    if petition.sender_user_id is not None or petition.published_at is not None:
        return petition_page_url(petition=petition)
    return ""


def petition_preview(*, petition: Petition) -> PublishedTexts:
    """What publishing would show (the office checks it before confirming)."""
    return petition_masked(petition=petition)


# --- Petitions: the office ------------------------------------------------------------------------


def _province_wide(roles: frozenset[tuple[int, str]]) -> bool:
    return any(role == Role.PROVINCE_ADMIN for _agency, role in roles)


def officer_feedback_agency_ids(*, officer: User) -> list[int] | None:
    """The agencies whose petitions and ratings the officer reads, by id; None for a province administrator
    (every agency). A supervisor's are its agency's whole subtree (``directory.selectors.roles_agency_ids``)."""
    roles = user_roles_load(user=officer)
    if _province_wide(roles):
        return None
    return sorted(roles_agency_ids(roles=roles))


def petitions_visible_to(*, officer: User) -> QuerySet[Petition]:
    """Petitions of the officer's agencies (a supervisor's: of its subtree); every petition for a province
    administrator."""
    agency_ids = officer_feedback_agency_ids(officer=officer)
    if agency_ids is None:
        return Petition.objects.all()
    return Petition.objects.filter(agency_id__in=agency_ids) if agency_ids else Petition.objects.none()


def petition_inbox(*, officer: User, status: str = "", limit: int = 200) -> list[Petition]:
    """The petitions the officer's agencies handle: open ones first, the earliest due first."""
    petitions = petitions_visible_to(officer=officer).select_related("agency", "procedure")
    if status:
        petitions = petitions.filter(status=status)
    else:
        petitions = petitions.filter(
            status__in=[PetitionStatus.RECEIVED, PetitionStatus.ASSIGNED, PetitionStatus.ANSWERED]
        )
    return list(petitions.order_by("due_at", "filed_at", "pk")[:limit])


def petition_get_for_officer(*, officer: User, pk: int) -> Petition:
    """One petition the officer may see; else PetitionNotFound (never "forbidden")."""
    found = (
        petitions_visible_to(officer=officer)
        .select_related("agency", "about_agency", "procedure")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise PetitionNotFound(_("No such petition among those you may see."), code="petition_not_found")
    return found


def petition_events(*, petition: Petition) -> list[PetitionEvent]:
    return list(petition.events.select_related("actor").order_by("at", "pk"))


def petition_dispatch_failures_count() -> int:
    """How many petition events wait to be tried again after one of their hooks failed (see dispatch.py)."""
    return PetitionEventDispatchFailure.objects.count()


def petition_actions_for(*, petition: Petition, user: User) -> list[str]:
    return transition_actions(petition=petition, user=user)


def petition_overdue(*, petition: Petition, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    open_ = petition.status in (PetitionStatus.RECEIVED, PetitionStatus.ASSIGNED)
    return open_ and petition.due_at is not None and petition.due_at < now


def criteria_rows(summary: RatingSummary) -> list[tuple[Any, Decimal | None]]:
    """(criterion label, average) in the Circular's order, for tables."""
    return [(c.label, summary.criteria[c.key]) for c in CRITERIA]
