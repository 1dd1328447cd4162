"""Criterion 2 of Circular 01/2018 (each agency's time against the time it was allowed) comes from the steps'
record: 2 when every agency finished all its steps early, 0 when one finished a step late, else 1. The time the
applicant paused the clock is not the agency's. The applicant is not asked it, and a value sent for it is ignored
(the portal's form and the API); ratings already given keep what they stored."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from chinhquyen.directory.models import Agency, User
from chinhquyen.dossiers.models import Dossier, DossierStep, StepState
from chinhquyen.dossiers.services import (
    dossier_consult_agency,
    dossier_consult_recall,
    dossier_forward,
    dossier_issue_result,
    dossier_payment_confirmed,
    dossier_request_payment,
    dossier_return,
)
from chinhquyen.feedback import selectors, services
from chinhquyen.feedback.criteria import agency_outcome, agency_time_fact, agency_time_points
from chinhquyen.feedback.models import Rating
from tests.api.helpers import csrf_token, post_json, session_client
from tests.dossiers.factories import World, officer, template_add
from tests.factories import AgencyFactory

from .helpers import SCORES, vn

pytestmark = pytest.mark.django_db

# Received on Monday 2 March 2026 at 08:00 for 5 working days (due Monday 9 March 08:00), default flow: the
# specialist's step is due Thursday 5 March 13:30, the leader's Friday 6 March 13:30, the front desk's with
# the dossier.
RECEIVED = vn(2026, 3, 2, 8, 0)
OTHERS = sum(points for key, points in SCORES.items() if key not in ("total_time", "agency_time"))  # 10
ASKED = {key: points for key, points in SCORES.items() if key not in ("total_time", "agency_time")}


def settled(world: World, *, forwarded: datetime, issued: datetime, dossier: Dossier | None = None) -> Dossier:
    """The specialist forwards at ``forwarded``, the leader issues the result at ``issued``, handed over an hour
    later."""
    dossier = dossier_forward(by=world.specialist, dossier=dossier or world.received(at=RECEIVED), at=forwarded)
    dossier = dossier_issue_result(by=world.leader, dossier=dossier, at=issued)
    return dossier_return(by=world.front_desk, dossier=dossier, method="counter", at=issued + timedelta(hours=1))


def consulted(world: World) -> tuple[Dossier, Agency, User]:
    """Received on RECEIVED, a partner agency asked at 09:00 for one working day: its answer is due Tuesday 09:00.
    Returns the dossier, the partner agency and its specialist."""
    partner = AgencyFactory(name="Sở Tài nguyên và Môi trường")
    answerer = officer(partner, "specialist")
    dossier = dossier_consult_agency(
        by=world.specialist,
        dossier=world.received(at=RECEIVED),
        agency=partner,
        question="Ý kiến về thửa đất?",
        answer_days=1,
        at=vn(2026, 3, 2, 9, 0),
    )
    return dossier, partner, answerer


def rated(world: World, dossier: Dossier, scores: dict[str, int] | None = None) -> Rating:
    return services.rating_submit(
        dossier=dossier, by=world.applicant.user, scores=scores or SCORES, overall="satisfied"
    )


@pytest.mark.parametrize(
    ("forwarded", "issued", "points"),
    [
        pytest.param(vn(2026, 3, 2, 9, 0), vn(2026, 3, 2, 10, 0), 2, id="every-step-early-2"),
        pytest.param(vn(2026, 3, 2, 9, 0), vn(2026, 3, 6, 10, 0), 1, id="leader-on-its-due-day-1"),
        pytest.param(vn(2026, 3, 6, 9, 0), vn(2026, 3, 6, 10, 0), 0, id="specialist-late-0"),
    ],
)
def test_agency_time_follows_the_steps_whatever_was_sent(forwarded, issued, points):
    w = World()
    dossier = settled(w, forwarded=forwarded, issued=issued)

    rating = rated(w, dossier, {**SCORES, "agency_time": 2 - points})

    rating.refresh_from_db()
    # The dossier itself was settled early every time (before Monday 9 March): criterion 1 gives 2.
    assert (dossier.outcome, rating.total_time) == ("early", 2)
    assert (rating.agency_time, rating.total) == (points, OTHERS + 2 + points)


def test_a_step_late_at_one_agency_gives_zero_though_the_dossier_was_early():
    w = World()
    dossier = settled(w, forwarded=vn(2026, 3, 6, 9, 0), issued=vn(2026, 3, 6, 10, 0))

    found = selectors.dossier_agency_time(dossier=dossier)

    assert [s.outcome for s in dossier.steps.order_by("order")] == ["late", "on_time", "early"]
    assert (found.outcomes, found.points, found.late) == ({w.agency.pk: "late"}, 0, [w.agency])


def test_a_consulted_agency_answering_late_gives_zero_and_is_named():
    w = World()
    dossier, partner, answerer = consulted(w)
    dossier = dossier_forward(by=answerer, dossier=dossier, at=vn(2026, 3, 4, 9, 0))

    dossier = settled(w, forwarded=vn(2026, 3, 4, 10, 0), issued=vn(2026, 3, 4, 11, 0), dossier=dossier)
    found = selectors.dossier_agency_time(dossier=dossier)
    rating = rated(w, dossier)

    assert found.outcomes == {w.agency.pk: "early", partner.pk: "late"}
    assert (found.points, found.late) == (0, [partner])
    assert (rating.total_time, rating.agency_time, rating.total) == (2, 0, OTHERS + 2)


@pytest.mark.parametrize(
    ("recalled", "outcomes", "points"),
    [
        # Due Tuesday 3 March 09:00: taken back before, it ended without an answer to judge.
        pytest.param(vn(2026, 3, 2, 10, 0), "early", 2, id="before-its-due-not-counted-2"),
        # Taken back on Wednesday, unanswered a day after its due date: the agency asked was late.
        pytest.param(vn(2026, 3, 4, 9, 0), "late", 0, id="overdue-counts-late-0"),
    ],
)
def test_a_consultation_taken_back_counts_only_when_overdue(recalled, outcomes, points):
    w = World()
    dossier, partner, _answerer = consulted(w)
    dossier = dossier_consult_recall(by=w.specialist, dossier=dossier, reason="Đã có đủ thông tin.", at=recalled)

    dossier = settled(w, forwarded=vn(2026, 3, 4, 10, 0), issued=vn(2026, 3, 4, 11, 0), dossier=dossier)
    found = selectors.dossier_agency_time(dossier=dossier)

    assert dossier.steps.get(consultation=True).outcome == outcomes
    expected = {w.agency.pk: "early"} if points else {w.agency.pk: "early", partner.pk: "late"}
    assert (found.outcomes, found.points, found.late) == (expected, points, [] if points else [partner])
    assert rated(w, dossier).agency_time == points


def test_the_time_the_applicant_took_to_pay_is_not_the_agencys():
    # Asked to pay on Monday 09:00, paid on Wednesday 09:00: two working days paused, so the specialist's step is
    # due Monday 9 March 13:30 instead of Thursday 5 March 13:30, the leader's Tuesday 10 March 13:30.
    w = World()
    dossier = dossier_request_payment(
        by=w.specialist, dossier=w.received(at=RECEIVED), amount=50000, at=vn(2026, 3, 2, 9, 0)
    )
    dossier = dossier_payment_confirmed(by=w.front_desk, dossier=dossier, at=vn(2026, 3, 4, 9, 0))

    dossier = settled(w, forwarded=vn(2026, 3, 6, 9, 0), issued=vn(2026, 3, 6, 10, 0), dossier=dossier)
    found = selectors.dossier_agency_time(dossier=dossier)
    rating = rated(w, dossier)

    steps = dossier.steps.order_by("order")
    assert [(s.due_at, s.outcome) for s in steps[:2]] == [
        (vn(2026, 3, 9, 13, 30), "early"),
        (vn(2026, 3, 10, 13, 30), "early"),
    ]
    assert (found.outcomes, found.points, found.late) == ({w.agency.pk: "early"}, 2, [])
    assert (rating.total_time, rating.agency_time, rating.total) == (2, 2, OTHERS + 4)


def test_a_step_that_never_ran_does_not_count():
    w = World()
    dossier = settled(w, forwarded=vn(2026, 3, 2, 9, 0), issued=vn(2026, 3, 2, 10, 0))
    other = AgencyFactory()
    DossierStep.objects.create(
        dossier=dossier,
        order=90,
        name="Kiểm tra",
        agency=other,
        role="specialist",
        due_at=RECEIVED,
        state=StepState.PENDING,
    )

    found = selectors.dossier_agency_time(dossier=dossier)

    assert (found.outcomes, found.points) == ({w.agency.pk: "early"}, 2)


def test_a_dossier_without_a_finished_step_takes_the_dossiers_own_time_for_the_receiving_agency():
    w = World()
    dossier = settled(w, forwarded=vn(2026, 3, 2, 9, 0), issued=vn(2026, 3, 9, 10, 0))
    dossier.steps.update(state=StepState.PENDING)

    found = selectors.dossier_agency_time(dossier=dossier)

    assert dossier.outcome == "late"
    assert (found.outcomes, found.points, found.late) == ({w.agency.pk: "late"}, 0, [w.agency])


def test_the_front_desks_step_is_the_receiving_agencys_wherever_the_template_puts_it():
    # Returned by another agency's desk in the template (a service centre), but handed over at the receiving
    # agency's counter: its late return is the receiving agency's, not the centre's.
    w = World()
    centre = AgencyFactory(name="Trung tâm Phục vụ hành chính công")
    template_add(
        w.procedure,
        [
            ("Thẩm định", "specialist", None, "30"),
            ("Phê duyệt", "leader", None, "8"),
            ("Trả kết quả", "front_desk", centre, "2"),
        ],
    )
    dossier = settled(w, forwarded=vn(2026, 3, 2, 9, 0), issued=vn(2026, 3, 9, 10, 0))

    found = selectors.dossier_agency_time(dossier=dossier)

    assert [(s.agency_id, s.outcome) for s in dossier.steps.order_by("order")] == [
        (w.agency.pk, "early"),
        (w.agency.pk, "late"),
        (centre.pk, "late"),
    ]
    assert (found.outcomes, found.late) == ({w.agency.pk: "late"}, [w.agency])


def test_steps_without_a_time_limit_count_as_the_time_allowed():
    w = World(days=None)
    dossier = settled(w, forwarded=vn(2026, 3, 2, 9, 0), issued=vn(2026, 3, 20, 10, 0))

    rating = rated(w, dossier)

    assert {s.outcome for s in dossier.steps.all()} == {""}
    assert (rating.total_time, rating.agency_time, rating.total) == (1, 1, OTHERS + 2)


@pytest.mark.parametrize(
    ("steps", "outcome"),
    [
        (["early", "early"], "early"),
        (["early", "on_time"], "on_time"),
        (["early", ""], "on_time"),
        (["", ""], ""),
        (["early", "late", ""], "late"),
    ],
    ids=["all-early", "one-on-time", "one-without-limit", "no-limit", "one-late"],
)
def test_an_agencys_outcome_over_its_steps(steps, outcome):
    assert agency_outcome(steps) == outcome


@pytest.mark.parametrize(
    ("agencies", "points"),
    [(["early", "early"], 2), (["early", "on_time"], 1), (["early", ""], 1), ([""], 1), (["early", "late"], 0)],
    ids=["all-faster-2", "one-on-time-1", "one-without-limit-1", "no-limit-1", "one-late-0"],
)
def test_points_per_agencies_outcomes(agencies, points):
    assert agency_time_points(agencies) == points


def test_a_rating_given_before_keeps_its_stored_agency_time():
    w = World()
    dossier = settled(w, forwarded=vn(2026, 3, 6, 9, 0), issued=vn(2026, 3, 6, 10, 0))
    stored = {**SCORES, "agency_time": 2}
    Rating.objects.create(
        dossier=dossier,
        applicant=dossier.applicant,
        agency=w.agency,
        procedure=w.procedure,
        by=w.applicant.user,
        total=sum(stored.values()),
        overall="satisfied",
        created_at=vn(2026, 3, 7, 9, 0),
        **stored,
    )

    summary = selectors.rating_summary(agency_ids=[w.agency.pk])

    assert Rating.objects.get(dossier=dossier).agency_time == 2
    assert (summary.criteria["agency_time"], summary.average_total) == (2, 14)


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_rating_form_states_agency_time_instead_of_asking_it(client, language):
    w = World()
    dossier, partner, answerer = consulted(w)
    dossier = dossier_forward(by=answerer, dossier=dossier, at=vn(2026, 3, 4, 9, 0))
    dossier = settled(w, forwarded=vn(2026, 3, 4, 10, 0), issued=vn(2026, 3, 4, 11, 0), dossier=dossier)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    client.force_login(w.applicant.user)

    html = client.get(reverse("portal:dossier_rate", args=[dossier.pk])).content.decode()

    assert 'name="agency_time"' not in html
    assert html.count('type="radio"') == 7 * 3 + 3  # seven questions and the overall rating
    assert 'id="agency-time-question"><span class="fb-number">2.</span>' in html
    assert '<span class="fb-number">3.</span>' in html  # the questions keep the Circular's numbers
    assert "Sở Tài nguyên và Môi trường" in html
    if language == "en":
        assert (
            "<strong>At least one agency took longer than allowed</strong>: An agency finished a step of your dossier "
            "after the step was due." in html
        )
        assert "<p>Agencies that finished a step late: Sở Tài nguyên và Môi trường</p>" in html


def test_an_agency_time_posted_on_the_rating_form_is_ignored_and_shown_as_recorded(client):
    w = World()
    dossier = settled(w, forwarded=vn(2026, 3, 6, 9, 0), issued=vn(2026, 3, 6, 10, 0))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(w.applicant.user)
    url = reverse("portal:dossier_rate", args=[dossier.pk])

    response = client.post(url, {**SCORES, "overall": "satisfied", "comment": ""})
    page = client.get(url).content.decode()

    rating = Rating.objects.get(dossier=dossier)
    assert response.status_code == 302
    assert (rating.agency_time, rating.total) == (0, OTHERS + 2)
    assert "Your rating gives the agency 12 points out of 18." in page
    assert "<td>At least one agency took longer than allowed</td>" in page


def test_the_form_is_valid_without_agency_time(client):
    w = World()
    dossier = settled(w, forwarded=vn(2026, 3, 2, 9, 0), issued=vn(2026, 3, 2, 10, 0))
    client.force_login(w.applicant.user)

    response = client.post(
        reverse("portal:dossier_rate", args=[dossier.pk]), {**ASKED, "overall": "satisfied", "comment": ""}
    )

    assert response.status_code == 302
    assert (Rating.objects.get(dossier=dossier).agency_time, Rating.objects.get(dossier=dossier).total) == (2, 14)


def test_the_api_ignores_an_agency_time_sent():
    w = World()
    dossier = settled(w, forwarded=vn(2026, 3, 6, 9, 0), issued=vn(2026, 3, 6, 10, 0))
    client = session_client(w.applicant.user)
    body = {"scores": {**SCORES, "agency_time": 2}, "overall": "satisfied"}

    response = post_json(client, f"/api/v1/dossiers/{dossier.pk}/rating", body, **{"X-CSRFToken": csrf_token(client)})

    assert response.status_code == 201, response.content
    assert response.json()["total"] == OTHERS + 2
    assert response.json()["scores"] == {**SCORES, "total_time": 2, "agency_time": 0}
    assert Rating.objects.get(dossier=dossier).agency_time == 0


def test_the_api_works_agency_time_out_when_not_sent():
    w = World()
    dossier = settled(w, forwarded=vn(2026, 3, 2, 9, 0), issued=vn(2026, 3, 2, 10, 0))
    client = session_client(w.applicant.user)
    body = {"scores": ASKED, "overall": "satisfied"}

    response = post_json(client, f"/api/v1/dossiers/{dossier.pk}/rating", body, **{"X-CSRFToken": csrf_token(client)})

    assert response.status_code == 201, response.content
    assert (response.json()["total"], response.json()["scores"]["agency_time"]) == (OTHERS + 4, 2)


@pytest.mark.parametrize(
    ("agencies", "fact"),
    [
        (["early"], "Every agency finished each of its steps on your dossier before the step was due."),
        (
            ["early", "on_time"],
            "Every agency finished each of its steps on your dossier by the time it was due, not all of them early.",
        ),
        (
            ["early", ""],
            "Every agency finished each of its steps on your dossier by the time it was due, not all of them early.",
        ),
        ([""], "The law sets no time limit for this procedure."),
        (["late", "early"], "An agency finished a step of your dossier after the step was due."),
    ],
    ids=["faster", "on-time", "one-without-limit", "no-limit", "late"],
)
def test_the_sentence_stated_for_agency_time(agencies, fact):
    with translation.override("en"):
        assert str(agency_time_fact(agencies)) == fact
