"""An online application whose paper documents the post is still collecting cannot be received yet: the inbox
lists it after the work that can be done now, marked as waiting for the post with the pickup's state."""

import itertools

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from chinhquyen.dossiers import selectors
from chinhquyen.dossiers.services import dossier_pickup_arrival_record, dossier_pickup_request, dossier_submit_online
from chinhquyen.postal.models import OrderState
from tests.dossiers.factories import World, vn
from tests.postal.helpers import pickup_shipment

pytestmark = pytest.mark.django_db

NOW = vn(2026, 3, 16, 9, 0)
SEQ = itertools.count()


def _submitted(world):
    return dossier_submit_online(
        by=world.applicant.user,
        applicant=world.applicant,
        procedure=world.procedure,
        receiving_agency=world.agency,
        form_data={},
    )


def _collecting(world, state=OrderState.CREATED):
    """Submitted online; the applicant had the post collect the papers, the order now in ``state``."""
    k = next(SEQ)
    dossier = _submitted(world)
    dossier = dossier_pickup_request(by=world.applicant.user, dossier=dossier, order={"item_code": f"EB{k:09d}VN"})
    pickup_shipment(dossier, state=state, item_code=f"EB{k:09d}VN")
    return dossier


def test_applications_the_post_collects_come_after_the_work_and_are_marked_as_waiting_for_the_post():
    world = World(days=5)
    collecting = _collecting(world)
    to_receive = _submitted(world)
    at_counter = world.draft()

    rows = selectors.dossier_inbox(officer=world.front_desk, now=NOW)

    assert [(r.dossier.pk, r.waiting, r.post_collecting, r.due_soon, r.overdue) for r in rows] == [
        (to_receive.pk, False, False, False, False),
        (at_counter.pk, False, False, False, False),
        (collecting.pk, True, True, False, False),  # visible, after what can be done now
    ]


def test_papers_arrived_make_the_application_work_again():
    world = World(days=5)
    collecting = _collecting(world)
    arrived = dossier_pickup_arrival_record(dossier=collecting.pk, arrived=True)
    assert arrived is not None

    [row] = selectors.dossier_inbox(officer=world.front_desk, now=NOW)

    assert (row.dossier.pk, row.waiting, row.post_collecting) == (collecting.pk, False, False)


def test_the_inbox_page_shows_the_pickups_state_in_a_waiting_for_the_post_badge(as_user):
    world = World(days=5)
    created = _collecting(world)
    picked_up = _collecting(world, state=OrderState.PICKED_UP)

    page = as_user(world.front_desk).get(reverse("office:inbox")).content.decode()

    for dossier, state in ((created, "Order created"), (picked_up, "Picked up by the postal service")):
        badge = gettext("Waiting for the post: %(state)s") % {"state": state}
        assert f'<span class="badge badge-status">{badge}</span>' in page
        assert f"#{dossier.pk}" in page
    assert page.count("badge badge-status") == 2  # no other row is marked
    assert gettext("Waiting for the applicant") not in page


def test_the_pickups_cost_one_query_only_when_the_post_collects_something(as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world = World(days=5)
    _submitted(world)
    client = as_user(world.front_desk)
    url = reverse("office:inbox")
    client.get(url)  # the session's first read out of the way
    with CaptureQueriesContext(connection) as without:
        client.get(url)
    _collecting(world)
    _collecting(world)
    with CaptureQueriesContext(connection) as with_two:
        client.get(url)

    assert len(with_two) == len(without) + 1
    assert sum("postal_postalshipment" in q["sql"] for q in without) == 0
    assert sum("postal_postalshipment" in q["sql"] for q in with_two) == 1
