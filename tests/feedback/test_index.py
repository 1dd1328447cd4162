"""The satisfaction group of the service index (Decision 766/QĐ-TTg, spec §6): 18 points in three parts."""

from decimal import Decimal

import pytest

from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services import dossier_forward, dossier_issue_result, dossier_return
from chinhquyen.feedback import selectors, services
from chinhquyen.feedback.selectors import SATISFACTION_PARTS, IndexPart, index_points
from tests.factories import UserFactory

from .helpers import SCORES, agency_with_staff, petition, returned, vn, world_with_template

pytestmark = pytest.mark.django_db

START, END = vn(2026, 1, 1), vn(2026, 4, 1)


@pytest.mark.parametrize(
    ("ratio", "target", "points"),
    [
        (Decimal("1"), Decimal("1"), Decimal("6")),
        (Decimal("0.5"), Decimal("1"), Decimal("3.00")),
        (Decimal("0.8"), Decimal("0.8"), Decimal("6")),
        (Decimal("0.6"), Decimal("0.8"), Decimal("4.50")),
        (None, Decimal("1"), None),
    ],
)
def test_points_are_the_maximum_at_the_target_else_proportional(ratio, target, points):
    assert index_points(ratio=ratio, part=IndexPart("x", Decimal(6), target)) == points


def test_the_three_parts_add_up_to_eighteen_points():
    assert [(p.key, p.maximum) for p in SATISFACTION_PARTS] == [
        ("petitions_on_time", 6),
        ("petition_satisfaction", 6),
        ("service_quality", 6),
    ]


def test_index_of_an_agency_over_a_quarter():
    staffed = agency_with_staff()
    sender = UserFactory()
    # Four petitions filed on 2 March 2026, due on 16 March 9:00.
    on_time = petition(about=staffed.agency, sender_user=sender)
    services.petition_assign(petition=on_time, by=staffed.leader, agency=staffed.agency)
    services.petition_answer(petition=on_time, by=staffed.specialist, answer="Trả lời.")
    on_time.answered_at = vn(2026, 3, 10)
    on_time.save(update_fields=["answered_at"])
    services.petition_answer_rate(petition=on_time, by=sender, satisfied=True)
    late = petition(about=staffed.agency, sender_user=sender)
    services.petition_assign(petition=late, by=staffed.leader, agency=staffed.agency)
    services.petition_answer(petition=late, by=staffed.specialist, answer="Trả lời.")
    late.answered_at = vn(2026, 3, 20)
    late.save(update_fields=["answered_at"])
    services.petition_answer_rate(petition=late, by=sender, satisfied=False)
    closed = petition(about=staffed.agency)
    services.petition_close(petition=closed, by=staffed.leader, reason="Trùng.")
    closed.closed_at = vn(2026, 3, 3)
    closed.save(update_fields=["closed_at"])
    petition(about=staffed.agency)  # still open, overdue at the time of measuring
    # Ratings and returned dossiers of the same agency.
    world = world_with_template()
    first, second = returned(world), returned(world)
    Dossier.objects.filter(pk=first.pk).update(
        receiving_agency=staffed.agency, outcome="late", returned_at=vn(2026, 2, 2)
    )
    Dossier.objects.filter(pk=second.pk).update(
        receiving_agency=staffed.agency, outcome="early", returned_at=vn(2026, 2, 2)
    )
    for dossier, overall in ((first, "not_satisfied"), (second, "satisfied")):
        dossier.refresh_from_db()
        services.rating_submit(
            dossier=dossier, by=world.applicant.user, scores=SCORES, overall=overall, at=vn(2026, 2, 3)
        )

    index = selectors.satisfaction_index(agency_ids=[staffed.agency.pk], start=START, end=END, now=vn(2026, 3, 31))

    assert [(p.key, p.ratio, p.points) for p in index.parts] == [
        ("petitions_on_time", Decimal("0.50"), Decimal("3.00")),  # 2 of 4
        ("petition_satisfaction", Decimal("0.50"), Decimal("3.00")),  # 1 of 2
        ("service_quality", Decimal("0.00"), Decimal("0.00")),  # 100 % - (50 % + 50 %)
    ]
    assert (index.points, index.maximum, index.complete) == (Decimal("6.00"), Decimal(18), True)


def test_open_petitions_not_yet_due_count_as_on_time_and_nothing_else_is_measured():
    staffed = agency_with_staff()
    petition(about=staffed.agency)

    index = selectors.satisfaction_index(agency_ids=[staffed.agency.pk], start=START, end=END, now=vn(2026, 3, 3))

    assert [(p.ratio, p.points) for p in index.parts] == [
        (Decimal("1.00"), Decimal(6)),
        (None, None),
        (None, None),
    ]
    assert (index.points, index.complete) == (Decimal(6), False)


def _returned(world, *, issued_at, returned_at):
    """A dossier received on Monday 2 March 08:00 (due 9 March 08:00), issued and handed over at these times."""
    dossier = dossier_forward(
        by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)), at=vn(2026, 3, 3, 9, 0)
    )
    dossier = dossier_issue_result(by=world.leader, dossier=dossier, at=issued_at)
    return dossier_return(by=world.front_desk, dossier=dossier, method="counter", at=returned_at)


def test_a_result_collected_after_the_due_date_is_not_overdue_but_one_issued_after_it_is():
    world = world_with_template()
    _returned(world, issued_at=vn(2026, 3, 5, 10, 0), returned_at=vn(2026, 3, 10, 9, 0))

    alone = selectors.satisfaction_index(agency_ids=[world.agency.pk], start=START, end=END, now=vn(2026, 3, 31))
    _returned(world, issued_at=vn(2026, 3, 9, 9, 0), returned_at=vn(2026, 3, 9, 10, 0))
    both = selectors.satisfaction_index(agency_ids=[world.agency.pk], start=START, end=END, now=vn(2026, 3, 31))

    assert [(p.key, p.ratio, p.points) for p in alone.parts][2] == ("service_quality", Decimal("1.00"), Decimal(6))
    assert [(p.key, p.ratio, p.points) for p in both.parts][2] == ("service_quality", Decimal("0.50"), Decimal("3.00"))
