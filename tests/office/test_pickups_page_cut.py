"""The pickups page shows a page of items at a time and says when it leaves some out: which ones, and how many."""

import re

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from chinhquyen.office.views import postal as postal_views
from chinhquyen.postal.models import OrderState
from tests.office.helpers import draft, login, office_make
from tests.postal.helpers import pickup_shipment

pytestmark = pytest.mark.django_db

ALL_ON_THEIR_WAY = (
    "Showing %(shown)s of %(total)s items: all those still on their way, then the latest that arrived or stopped. "
    "The older ones that arrived or stopped are on the next pages."
)
MORE_ON_THEIR_WAY = (
    "Showing %(shown)s of %(total)s items, those still on their way first: more of them are on the next pages."
)


def _items(body):
    """The item codes listed in ``body``, in the page's order."""
    return re.findall(r"<td><strong>(E[A-Z][0-9]{9}VN)</strong>", body)


@pytest.fixture
def page_of_three(monkeypatch):
    monkeypatch.setattr(postal_views, "PICKUPS_PAGE_SIZE", 3)


def test_a_cut_list_says_only_items_that_arrived_or_stopped_are_left_out_and_pages_on(client, page_of_three):
    office = office_make()
    dossier = draft(office)
    on_way = [
        pickup_shipment(dossier, state=OrderState.CREATED, days_ago=9),
        pickup_shipment(dossier, state=OrderState.PICKED_UP, days_ago=8),
    ]
    done = [
        pickup_shipment(dossier, state=state, days_ago=days)
        for state, days in ((OrderState.DELIVERED, 3), (OrderState.CANCELLED, 2))
    ]
    newest_done = pickup_shipment(dossier, state=OrderState.RETURNED_TO_SENDER, days_ago=1)
    login(client, office.front_desk)
    url = reverse("office:postal_pickups")

    first = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    second = client.get(url, {"page": "2"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert gettext(ALL_ON_THEIR_WAY) % {"shown": 3, "total": 5} in first
    assert _items(first) == [on_way[1].item_code, on_way[0].item_code, newest_done.item_code]
    assert '<a href="?page=2" rel="next">Next page</a>' in first
    assert _items(second) == [done[1].item_code, done[0].item_code]
    assert '<a href="?page=1" rel="prev">Previous page</a>' in second
    assert "Page 2 of 2" in second


def test_a_cut_among_items_still_on_their_way_says_more_of_them_follow(client, page_of_three):
    office = office_make()
    dossier = draft(office)
    for days in range(4, 0, -1):
        pickup_shipment(dossier, state=OrderState.CREATED, days_ago=days)
    pickup_shipment(dossier, state=OrderState.DELIVERED, days_ago=0)
    login(client, office.front_desk)

    first = client.get(reverse("office:postal_pickups"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert gettext(MORE_ON_THEIR_WAY) % {"shown": 3, "total": 5} in first
    assert gettext(ALL_ON_THEIR_WAY) % {"shown": 3, "total": 5} not in first


def test_a_list_shown_whole_says_nothing_of_a_cut(client, page_of_three):
    office = office_make()
    dossier = draft(office)
    for days in (3, 2, 1):
        pickup_shipment(dossier, state=OrderState.DELIVERED, days_ago=days)
    login(client, office.front_desk)

    body = client.get(reverse("office:postal_pickups"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert len(_items(body)) == 3
    assert "Showing " not in body
    assert 'class="pagination"' not in body


def test_the_page_size_is_200(client):
    assert postal_views.PICKUPS_PAGE_SIZE == 200
