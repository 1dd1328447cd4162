"""Criterion 1 of Circular 01/2018 (total time against the time allowed) comes from the dossier's record:
early 2, on time 1, late 0. The applicant is not asked it, and a value sent for it is ignored."""

from datetime import timedelta

import pytest
from django.urls import reverse

from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services import dossier_forward, dossier_issue_result, dossier_return
from chinhquyen.feedback import selectors, services
from chinhquyen.feedback.criteria import total_time_points
from chinhquyen.feedback.models import Rating
from tests.api.helpers import csrf_token, post_json, session_client
from tests.dossiers.factories import World, template_add

from .helpers import SCORES, STEPS, vn

pytestmark = pytest.mark.django_db

RECEIVED = vn(2026, 3, 2, 9, 0)  # a Monday
# The criteria asked (criterion 2, each agency's time, is the steps' record: test_rating_agency_time.py).
ASKED = sum(points for key, points in SCORES.items() if key not in ("total_time", "agency_time"))  # 10


def settled(world: World, *, when: str) -> Dossier:
    """A dossier of ``world`` received on RECEIVED, its result issued early, on its due instant or late, returned."""
    dossier = dossier_forward(
        by=world.specialist, dossier=world.received(at=RECEIVED), at=RECEIVED + timedelta(hours=1)
    )
    due = dossier.due_at
    issued_at = {
        "early": RECEIVED + timedelta(hours=2),
        "on_time": due,
        "late": None if due is None else due + timedelta(days=7),
        "no_limit": RECEIVED + timedelta(days=30),
    }[when]
    dossier = dossier_issue_result(by=world.leader, dossier=dossier, at=issued_at)
    return dossier_return(by=world.front_desk, dossier=dossier, method="counter", at=issued_at + timedelta(hours=1))


def world(days: int | None = 5) -> World:
    w = World(days=days)
    template_add(w.procedure, STEPS)
    return w


@pytest.mark.parametrize(
    ("when", "outcome", "points"),
    [
        pytest.param("early", "early", 2, id="early-2"),
        pytest.param("on_time", "on_time", 1, id="on-time-1"),
        pytest.param("late", "late", 0, id="late-0"),
    ],
)
def test_total_time_follows_the_dossiers_outcome_whatever_was_sent(when, outcome, points):
    # The leader's step ends with the dossier, so each agency's time (criterion 2) gets the same points here.
    w = world()
    dossier = settled(w, when=when)

    rating = services.rating_submit(
        dossier=dossier, by=w.applicant.user, scores={**SCORES, "total_time": 2 - points}, overall="satisfied"
    )

    assert dossier.outcome == outcome
    assert (rating.total_time, rating.total) == (points, ASKED + 2 * points)


def test_a_late_dossier_rated_shorter_than_allowed_gets_zero_for_total_time():
    w = world()
    dossier = settled(w, when="late")

    rating = services.rating_submit(dossier=dossier, by=w.applicant.user, scores=SCORES, overall="satisfied")

    rating.refresh_from_db()
    assert (rating.total_time, rating.total) == (0, 10)
    summary = selectors.rating_summary(agency_ids=[w.agency.pk])
    assert (summary.criteria["total_time"], summary.average_total) == (0, 10)


def test_total_time_need_not_be_sent():
    w = world()
    dossier = settled(w, when="early")
    asked = {key: points for key, points in SCORES.items() if key != "total_time"}

    rating = services.rating_submit(dossier=dossier, by=w.applicant.user, scores=asked, overall="satisfied")

    assert (rating.total_time, rating.total) == (2, 14)


def test_a_procedure_without_a_time_limit_counts_as_the_time_allowed():
    w = world(days=None)
    dossier = settled(w, when="no_limit")

    rating = services.rating_submit(dossier=dossier, by=w.applicant.user, scores=SCORES, overall="satisfied")

    assert (dossier.due_at, dossier.outcome) == (None, "")
    assert (rating.total_time, rating.agency_time, rating.total) == (1, 1, 12)


@pytest.mark.parametrize(
    ("outcome", "points"),
    [("early", 2), ("on_time", 1), ("late", 0), ("", 1)],
    ids=["early", "on-time", "late", "none"],
)
def test_points_per_outcome(outcome, points):
    assert total_time_points(outcome) == points


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_rating_form_states_total_time_instead_of_asking_it(client, language):
    w = world()
    dossier = settled(w, when="late")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    client.force_login(w.applicant.user)

    html = client.get(reverse("portal:dossier_rate", args=[dossier.pk])).content.decode()

    assert 'name="total_time"' not in html
    assert html.count('type="radio"') == 7 * 3 + 3  # seven questions and the overall rating
    assert '<span class="fb-number">1.</span>' in html
    assert '<span class="fb-number">2.</span>' in html  # the questions keep the Circular's numbers
    if language == "en":  # the words are checked in English: the Vietnamese catalogue is the translators'
        assert "<strong>Longer than allowed</strong>: Your dossier was settled after its due date." in html


def test_a_total_time_posted_on_the_rating_form_is_ignored(client):
    w = world()
    dossier = settled(w, when="late")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(w.applicant.user)
    url = reverse("portal:dossier_rate", args=[dossier.pk])

    response = client.post(url, {**SCORES, "overall": "satisfied", "comment": ""})
    page = client.get(url).content.decode()

    rating = Rating.objects.get(dossier=dossier)
    assert response.status_code == 302
    assert (rating.total_time, rating.total) == (0, 10)
    assert "Your rating gives the agency 10 points out of 18." in page


def test_the_api_ignores_a_total_time_sent():
    w = world()
    dossier = settled(w, when="late")
    client = session_client(w.applicant.user)
    body = {"scores": SCORES, "overall": "satisfied"}

    response = post_json(client, f"/api/v1/dossiers/{dossier.pk}/rating", body, **{"X-CSRFToken": csrf_token(client)})

    assert response.status_code == 201, response.content
    assert response.json()["total"] == 10
    assert Rating.objects.get(dossier=dossier).total_time == 0
