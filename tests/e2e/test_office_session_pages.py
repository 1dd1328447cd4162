"""Pages this round changed, in Chromium and checked by axe: the confirmation of withdrawing a published petition
answer, and the pickups page cut into pages with its note."""

import pytest

from chinhquyen.office.views import postal as postal_views
from chinhquyen.postal.models import OrderState
from tests.feedback.helpers import agency_with_staff, published
from tests.office.browser import sign_in, violations
from tests.office.helpers import draft, office_make
from tests.postal.helpers import pickup_shipment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_leader_confirms_withdrawing_a_published_answer_on_a_page_that_passes_axe(request, browser, live_server):
    staffed = agency_with_staff(prefix="gok")
    done = published(staffed)
    page = sign_in(request, browser, live_server, staffed.leader)

    page.goto(f"{live_server.url}/office/petitions/{done.pk}/unpublish/")

    assert page.locator("#published-answer").count() == 1
    assert violations(page) == []
    page.fill("textarea[name=reason]", "Còn sót số điện thoại của người gửi.")
    with page.expect_navigation():
        page.click("form.confirm button[type=submit]")
    done.refresh_from_db()
    assert (done.status, done.published_at) == ("answered", None)


def test_the_pickups_page_cut_into_pages_passes_axe(request, browser, live_server, monkeypatch):
    monkeypatch.setattr(postal_views, "PICKUPS_PAGE_SIZE", 2)
    o = office_make(prefix="pgk")
    dossier = draft(o)
    for days in (3, 2, 1):
        pickup_shipment(dossier, state=OrderState.DELIVERED, days_ago=days)
    page = sign_in(request, browser, live_server, o.front_desk)

    page.goto(f"{live_server.url}/office/postal/pickups/")

    assert "Showing 2 of 3 items" in page.inner_text("main")
    assert violations(page) == []
    page.click("a[rel=next]")
    assert "Page 2 of 2" in page.inner_text("main")
    assert violations(page) == []
