"""Rating a returned dossier (spec §6, Circular 01/2018): who may, when, once; and the summaries reports read."""

from decimal import Decimal

import pytest
from django.utils import translation

from chinhquyen.core.audit import audit_verify
from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.models import AuditEntry
from chinhquyen.feedback import selectors, services
from chinhquyen.feedback.criteria import CRITERIA, MAX_TOTAL, Level, level_for
from chinhquyen.feedback.errors import RatingRefused
from chinhquyen.feedback.models import Rating, RatingImmutableError
from tests.dossiers.factories import OwnedCitizenFactory, ProcedureFactory

from .helpers import SCORES, returned, vn, world_with_template

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def refused(**kwargs) -> str:
    with pytest.raises(RatingRefused) as info:
        services.rating_submit(**kwargs)
    return info.value.code


def test_the_criteria_are_the_nine_of_the_circular_each_scored_two_one_zero():
    assert [c.key for c in CRITERIA] == [
        "total_time",
        "agency_time",
        "contacts",
        "agencies_contacted",
        "front_desk",
        "publicity",
        "attitude",
        "complaints",
        "online_progress",
    ]
    assert all([points for points, _words in c.options] == [2, 1, 0] for c in CRITERIA)
    assert [str(words) for _points, words in CRITERIA[0].options] == [
        "Shorter than allowed",
        "The same as allowed",
        "Longer than allowed",
    ]
    assert MAX_TOTAL == 18


def test_applicant_rates_their_returned_dossier_once_and_it_is_audited():
    world = world_with_template()
    dossier = returned(world)

    rating = services.rating_submit(
        dossier=dossier, by=world.applicant.user, scores=SCORES, overall="satisfied", comment="  Tốt \r\n lắm "
    )

    rating.refresh_from_db()
    assert (rating.total, rating.overall, rating.comment) == (14, "satisfied", "Tốt\nlắm")
    assert (rating.agency_id, rating.procedure_id, rating.applicant_id) == (
        world.agency.pk,
        world.procedure.pk,
        world.applicant.pk,
    )
    assert {c.key: getattr(rating, c.key) for c in CRITERIA} == SCORES
    entry = AuditEntry.objects.get(action="rating.submit")
    assert (entry.target, entry.actor_id) == (f"dossier:{dossier.pk}", world.applicant.user.pk)
    assert entry.data == {"rating": rating.pk, "scores": SCORES, "total": 14, "overall": "satisfied"}
    assert audit_verify().ok


def test_a_second_rating_of_the_same_dossier_is_refused():
    world = world_with_template()
    dossier = returned(world)
    services.rating_submit(dossier=dossier, by=world.applicant.user, scores=SCORES, overall="satisfied")

    code = refused(dossier=dossier, by=world.applicant.user, scores=SCORES, overall="not_satisfied")

    assert code == "already_rated"
    assert Rating.objects.count() == 1


def test_someone_else_cannot_rate_the_dossier():
    world = world_with_template()
    dossier = returned(world)
    stranger = OwnedCitizenFactory().user

    assert refused(dossier=dossier, by=stranger, scores=SCORES, overall="satisfied") == "not_owner"
    assert refused(dossier=dossier, by=world.front_desk, scores=SCORES, overall="satisfied") == "not_owner"
    assert Rating.objects.count() == 0


def test_a_dossier_not_yet_returned_cannot_be_rated():
    world = world_with_template()
    dossier = world.received()

    code = refused(dossier=dossier, by=world.applicant.user, scores=SCORES, overall="satisfied")

    assert code == "not_returned"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"attitude": 3}, "attitude", "Choose one answer for this question."),
        ({"contacts": None}, "contacts", "Choose one answer for this question."),
        ({"publicity": "two"}, "publicity", "Choose one answer for this question."),
    ],
    ids=["out-of-scale", "missing", "not-a-number"],
)
def test_scores_outside_the_scale_are_refused(change, field, message):
    world = world_with_template()
    dossier = returned(world)

    with pytest.raises(InvalidInput) as info:
        services.rating_submit(
            dossier=dossier, by=world.applicant.user, scores={**SCORES, **change}, overall="satisfied"
        )

    assert (info.value.code, info.value.field, info.value.message) == ("invalid_score", field, message)


def test_overall_rating_must_be_one_of_the_three():
    world = world_with_template()
    dossier = returned(world)

    with pytest.raises(InvalidInput) as info:
        services.rating_submit(dossier=dossier, by=world.applicant.user, scores=SCORES, overall="delighted")

    assert (info.value.code, info.value.field) == ("invalid_overall", "overall")


def test_a_rating_cannot_be_changed_or_removed():
    world = world_with_template()
    rating = services.rating_submit(
        dossier=returned(world), by=world.applicant.user, scores=SCORES, overall="satisfied"
    )

    rating.overall = "very_satisfied"
    with pytest.raises(RatingImmutableError):
        rating.save()
    with pytest.raises(RatingImmutableError):
        rating.delete()


@pytest.mark.parametrize(
    ("average", "level"),
    [
        (Decimal("18"), Level.EXCELLENT),
        (Decimal("16.2"), Level.EXCELLENT),
        (Decimal("16.19"), Level.GOOD),
        (Decimal("14.4"), Level.GOOD),
        (Decimal("11.7"), Level.FAIR),
        (Decimal("9"), Level.AVERAGE),
        (Decimal("8.99"), Level.POOR),
        (Decimal("0"), Level.POOR),
        (None, None),
    ],
)
def test_levels_of_an_average_total(average, level):
    assert level_for(average_total=average) == level


def test_summary_counts_and_averages_per_criterion_per_agency_and_procedure():
    world = world_with_template()
    first = returned(world)
    services.rating_submit(dossier=first, by=world.applicant.user, scores=SCORES, overall="satisfied")
    second = returned(world)
    worst = dict.fromkeys(SCORES, 0)  # total_time and agency_time are the dossier's: 2 each, settled early
    services.rating_submit(dossier=second, by=world.applicant.user, scores=worst, overall="not_satisfied")
    other_procedure = ProcedureFactory()
    third = returned(world)
    third.procedure = other_procedure
    third.save(update_fields=["procedure"])
    services.rating_submit(
        dossier=third, by=world.applicant.user, scores=dict.fromkeys(SCORES, 2), overall="very_satisfied"
    )

    summary = selectors.rating_summary(agency_ids=[world.agency.pk])
    by_procedure = selectors.rating_summary_by_procedure(agency_ids=[world.agency.pk])

    assert summary.count == 3
    assert summary.average_total == Decimal("12.00")  # (14 + 4 + 18) / 3
    assert summary.criteria["total_time"] == Decimal("2.00")
    assert summary.criteria["online_progress"] == Decimal("0.67")
    assert summary.overall == {"very_satisfied": 1, "satisfied": 1, "not_satisfied": 1}
    assert summary.level == Level.FAIR
    assert [(g.code, g.summary.count, g.summary.average_total) for g in by_procedure] == [
        (world.procedure.code, 2, Decimal("9.00")),
        (other_procedure.code, 1, Decimal("18.00")),
    ]
    assert selectors.rating_summary(agency_ids=[world.agency.pk + 1000]).count == 0


def test_quarters_take_ratings_by_the_day_they_were_given_in_vietnam_time():
    world = world_with_template()
    services.rating_submit(
        dossier=returned(world), by=world.applicant.user, scores=SCORES, overall="satisfied", at=vn(2026, 3, 31, 23, 30)
    )
    services.rating_submit(
        dossier=returned(world), by=world.applicant.user, scores=SCORES, overall="satisfied", at=vn(2026, 4, 1, 0, 30)
    )

    quarters = selectors.rating_summary_by_quarter(agency_ids=[world.agency.pk], year=2026)

    assert [q.summary.count for q in quarters] == [1, 1, 0, 0]
    assert [q.summary.level for q in quarters] == [Level.FAIR, Level.FAIR, None, None]
    assert quarters[1].start == vn(2026, 4, 1)
