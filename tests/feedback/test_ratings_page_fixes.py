"""The ratings page: a supervisor's covers the agencies below it, a level per unit where it covers several, the
level judged on the exact average, ratios never shown as reached when their points are not, and a quarter with
nothing to measure says so instead of "0 of 18 points"."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.dossiers.models import Dossier, DossierStatus
from chinhquyen.feedback import selectors, services
from chinhquyen.feedback.criteria import Level
from chinhquyen.feedback.models import Petition, PetitionStatus, Rating
from tests.dossiers.factories import World, officer, vn
from tests.factories import AgencyFactory
from tests.office.auth_helpers import officer_login

from .helpers import SCORES, agency_with_staff, petition, province_admin, returned, world_with_template

pytestmark = pytest.mark.django_db


def _page(user, **query) -> str:
    client = Client(headers={"accept-language": "en"})
    officer_login(client, user)
    return re.sub(r"\s+", " ", client.get(reverse("office:ratings"), query).content.decode())


def _ratings(totals: list[int], at) -> World:
    """One returned dossier and its rating per total, in one new agency."""
    world = World()
    base = world.received()
    dossiers = Dossier.objects.bulk_create(
        Dossier(
            procedure=base.procedure,
            applicant=base.applicant,
            receiving_agency=base.receiving_agency,
            status=DossierStatus.RETURNED,
        )
        for _ in totals
    )
    rows = []
    for dossier, total in zip(dossiers, totals, strict=True):
        scores, left = {}, total
        for key in SCORES:
            scores[key] = min(2, left)
            left -= scores[key]
        rows.append(
            Rating(
                dossier=dossier,
                applicant=base.applicant,
                agency=base.receiving_agency,
                procedure=base.procedure,
                total=total,
                overall="satisfied",
                created_at=at,
                **scores,
            )
        )
    Rating.objects.bulk_create(rows)
    return world


def test_a_supervisors_page_covers_the_units_below_it():
    department = AgencyFactory(name="Sở Tư pháp")
    world = world_with_template()
    world.agency.parent = department
    world.agency.save(update_fields=["parent"])
    services.rating_submit(dossier=returned(world), by=world.applicant.user, scores=SCORES, overall="satisfied")
    rated = Rating.objects.get().created_at

    html = _page(officer(department, "supervisor"), year=rated.year, quarter=(rated.month - 1) // 3 + 1)

    assert '<dd id="rating-count">1</dd>' in html
    assert f'<th scope="row">{world.agency.name}</th><td>1</td><td>14.00</td><td>0</td><td>Fair</td>' in html


def test_the_province_page_gives_a_level_per_unit():
    good, poor = _ratings([18], vn(2026, 2, 2, 9)), _ratings([0], vn(2026, 2, 2, 9))
    good.agency.name, poor.agency.name = "Đơn vị A", "Đơn vị B"
    good.agency.save(update_fields=["name"])
    poor.agency.save(update_fields=["name"])

    html = _page(province_admin(), year=2026, quarter=1)

    assert '<th scope="row">Đơn vị A</th><td>1</td><td>18.00</td><td>0</td><td>Excellent</td>' in html
    assert '<th scope="row">Đơn vị B</th><td>1</td><td>0.00</td><td>0</td><td>Poor</td>' in html


def test_one_units_page_has_no_table_by_unit():
    world = _ratings([18], vn(2026, 2, 2, 9))

    html = _page(world.leader, year=2026, quarter=1)

    assert "By unit" not in html
    assert '<dd id="rating-count">1</dd>' in html


def test_the_level_is_judged_on_the_exact_average():
    # 161 ratings of 16 and 39 of 17: 16.195, under the 16.2 (90 % of 18) of "excellent".
    world = _ratings([16] * 161 + [17] * 39, vn(2026, 2, 2, 9))

    summary = selectors.rating_summary(agency_ids=[world.agency.pk], start=vn(2026, 1, 1), end=vn(2026, 4, 1))

    assert (summary.count, summary.average_total, summary.level) == (200, Decimal("16.19"), Level.GOOD)


def test_a_ratio_under_its_target_is_not_shown_as_reached():
    staffed = agency_with_staff()
    base = petition(about=staffed.agency)
    Petition.objects.bulk_create(
        Petition(
            code=f"PX{i:06d}",
            subject="Đường hỏng",
            content="Đường thôn Đông hỏng nặng",
            sender_name="Nguyễn Văn An",
            agency=staffed.agency,
            status=PetitionStatus.ANSWERED,
            filed_at=base.filed_at,
            due_at=base.due_at,
            answered_at=base.filed_at,
            sender_satisfied=i != 0,
        )
        for i in range(200)
    )
    base.delete()

    index = selectors.satisfaction_index(
        agency_ids=[staffed.agency.pk], start=vn(2026, 1, 1), end=vn(2027, 1, 1), now=vn(2026, 12, 31)
    )

    part = next(p for p in index.parts if p.key == "petition_satisfaction")
    assert (part.ratio, part.points, part.maximum) == (Decimal("0.99"), Decimal("5.97"), Decimal(6))


def test_a_quarter_with_nothing_to_measure_says_so():
    staffed = agency_with_staff()

    html = _page(staffed.leader, year=2026, quarter=1)

    assert "<caption>Nothing to measure in the quarter</caption>" in html
    assert "of 18 points" not in html
