"""In real Chromium: an e-form number typed Vietnamese-style ("1,5") reaches the server as typed and saves
again unchanged; a petition sent with Enter pressed twice is filed once; the rating page states the total
time criterion and passes axe."""

import threading

import pytest
from axe_playwright_python.sync_playwright import Axe

from chinhquyen.catalog.services import procedure_save
from chinhquyen.dossiers.services import online_draft_start
from chinhquyen.feedback import services as feedback_services
from chinhquyen.feedback.models import Petition, Rating
from tests.e2e.test_portal_apply import applicant_page
from tests.feedback.helpers import returned, world_with_template
from tests.portal.apply_world import OnlineWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {"area": {"type": "number", "title": "Diện tích (m²)", "x-en": {"title": "Area (m²)"}}},
}


def axe_clean(page, name: str) -> None:
    results = Axe().run(page)
    found = [(v["id"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"]]
    assert found == [], name


def test_a_number_typed_with_a_decimal_comma_is_stored_and_saves_again_unchanged(request, browser, live_server):
    world = OnlineWorld()
    world.procedure.eform_schema = SCHEMA
    procedure_save(procedure=world.procedure)
    draft = online_draft_start(
        by=world.applicant.user, procedure=world.procedure, receiving_agency=world.agency, client_key="k"
    )
    page = applicant_page(request, browser, live_server, world, locale="vi-VN")
    url = f"{live_server.url}/ho-so-cua-toi/{draft.pk}/thong-tin/"

    page.goto(url)
    page.fill("#id_area", "1,5")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu nháp").click()
    draft.refresh_from_db()
    assert draft.form_data == {"area": 1.5}
    assert page.input_value("#id_area") == "1,5"

    page.fill("#id_area", "1500")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu nháp").click()
    assert page.input_value("#id_area") == "1.500"
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu nháp").click()  # saved again as shown

    draft.refresh_from_db()
    assert draft.form_data == {"area": 1500.0}
    assert page.locator("#error-summary").count() == 0


def test_enter_twice_on_send_the_petition_files_it_once(browser, live_server, monkeypatch):
    # The first request's answer is held until Enter is pressed again, as on a slow network.
    filed, release = threading.Event(), threading.Event()
    file_once = feedback_services.petition_file_once

    def file_then_hold(**kwargs):
        result = file_once(**kwargs)
        if not filed.is_set():
            filed.set()
            release.wait(timeout=30)
        return result

    monkeypatch.setattr(feedback_services, "petition_file_once", file_then_hold)
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    try:
        page.goto(f"{live_server.url}/phan-anh-kien-nghi/gui/")
        page.fill("#id_subject", "Thiếu ghế chờ")
        page.fill("#id_content", "Khu vực chờ còn ít ghế, người cao tuổi phải đứng.")
        page.fill("#id_sender_name", "Trần Thị Bình")
        page.fill("#id_sender_phone", "0987 654 321")
        page.get_by_role("button", name="Send the petition").focus()

        page.keyboard.press("Enter")
        assert filed.wait(timeout=30)
        page.keyboard.press("Enter")
        release.set()
        page.wait_for_url(f"{live_server.url}/phan-anh-kien-nghi/gui/da-gui/")

        petition = Petition.objects.get()
        assert page.locator("#petition-code").inner_text() == petition.code
        assert posts == [f"{live_server.url}/phan-anh-kien-nghi/gui/"]
    finally:
        release.set()
        context.close()


def test_the_rating_page_states_the_total_time_and_passes_axe(request, browser, live_server):
    world = world_with_template()
    dossier = returned(world)
    page = applicant_page(request, browser, live_server, world)

    page.goto(f"{live_server.url}/ho-so-cua-toi/{dossier.pk}/danh-gia/")
    assert page.locator("#total-time-question").inner_text().startswith("1. Total time")
    axe_clean(page, "rate-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Send my rating").click()
    assert page.locator("#error-summary a").count() == 8  # seven questions and the overall rating
    axe_clean(page, "rate-errors")
    for group in page.locator("fieldset.fb-group").all():
        group.locator("label.fb-choice").first.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Send my rating").click()

    rating = Rating.objects.get(dossier=dossier)
    assert (rating.total_time, rating.total) == (2, 18)  # settled early: 2, from the record
