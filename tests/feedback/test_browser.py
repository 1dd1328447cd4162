"""In real Chromium: an applicant rates a returned dossier; a visitor files a petition; axe finds nothing."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client

from chinhquyen.feedback.models import Petition, Rating

from .helpers import agency_with_staff, published, returned, world_with_template

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Set FEEDBACK_SHOTS to a folder to keep a screenshot of every page checked.
SHOTS = os.environ.get("FEEDBACK_SHOTS")


def check(page, name: str) -> None:
    results = Axe().run(page)
    found = [(v["id"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"]]
    assert found == [], name
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), name
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/feedback-{name}.png", full_page=True)


def sign_in(page, live_server, user) -> None:
    """Give the browser the session of a signed-in applicant (the portal's sign-in page is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_applicant_rates_a_returned_dossier(page, live_server):
    world = world_with_template()
    dossier = returned(world)
    sign_in(page, live_server, world.applicant.user)
    page.set_viewport_size({"width": 360, "height": 740})

    page.goto(f"{live_server.url}/ho-so-cua-toi/{dossier.pk}/danh-gia/")
    check(page, "rate-form")
    with page.expect_navigation():
        page.get_by_role("button").last.click()  # nothing chosen: the errors are listed and linked
    assert page.locator("#error-summary a").count() == 8  # seven questions asked and the overall rating
    check(page, "rate-errors")

    for group in page.locator("fieldset.fb-group").all():
        group.locator("label.fb-choice").first.click()
    page.fill("#id_comment", "Cán bộ nhiệt tình.")
    with page.expect_navigation():
        page.locator("form.fb-form button[type=submit]").click()

    assert page.locator(".fb-done h2").is_visible()
    check(page, "rate-done")
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.total, rating.overall, rating.comment) == (18, "very_satisfied", "Cán bộ nhiệt tình.")


def test_visitor_files_a_petition_and_reads_a_published_one(page, live_server):
    staffed = agency_with_staff()
    done = published(staffed)

    page.goto(f"{live_server.url}/phan-anh-kien-nghi/")
    check(page, "petition-list")
    page.fill("#id_q", "huong dan")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    with page.expect_navigation():
        page.click(f"a[href='/phan-anh-kien-nghi/{done.code}/']")
    assert page.locator("#petition-content").inner_text() == "Tôi là ***, gọi *** hoặc ***; CCCD ***."
    check(page, "petition-detail")

    page.goto(f"{live_server.url}/phan-anh-kien-nghi/gui/")
    check(page, "petition-form")
    assert not page.locator("#id_website").is_visible()
    page.fill("#id_subject", "Thiếu ghế chờ")
    page.fill("#id_content", "Khu vực chờ còn ít ghế, người cao tuổi phải đứng.")
    page.select_option("#id_about_agency", staffed.agency.code)
    page.fill("#id_sender_name", "Trần Thị Bình")
    with page.expect_navigation():
        page.locator("form.fb-form button[type=submit]").click()
    assert page.locator("#error-summary").is_visible()  # no way to reach the sender yet
    check(page, "petition-errors")
    page.fill("#id_sender_phone", "0987 654 321")
    with page.expect_navigation():
        page.locator("form.fb-form button[type=submit]").click()

    filed = Petition.objects.exclude(pk=done.pk).get()
    assert page.locator("#petition-code").inner_text() == filed.code
    assert (filed.agency, filed.sender_phone) == (staffed.agency, "0987 654 321")
    check(page, "petition-filed")


def test_officer_answers_and_publishes_in_the_office(request, browser, live_server):
    from tests.office.browser import sign_in as officer_sign_in

    from .helpers import agency_with_staff, petition

    staffed = agency_with_staff()
    filed = petition(about=staffed.agency)
    page = officer_sign_in(request, browser, live_server, staffed.leader)

    page.goto(f"{live_server.url}/office/petitions/")
    check(page, "office-petitions")
    with page.expect_navigation():
        page.click(f"text={filed.code}")
    check(page, "office-petition")
    for action, fill in (("assign", None), ("answer", "Đã bố trí thêm ghế chờ."), ("publish", None)):
        with page.expect_navigation():
            page.click(f"a[href$='/{action}/']")
        if action == "assign":
            page.select_option("#id_agency", str(staffed.agency.pk))
        if fill:
            page.fill("#id_answer", fill)
        check(page, f"office-{action}")
        with page.expect_navigation():
            page.click("form.confirm button[type=submit]")

    filed.refresh_from_db()
    assert (filed.status, filed.published_answer) == ("published", "Đã bố trí thêm ghế chờ.")
    page.goto(f"{live_server.url}/office/ratings/")
    check(page, "office-ratings")
