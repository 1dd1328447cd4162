"""In real Chromium, each checked by axe: a procedure not offered online and its draft, and a supplement sent
with nothing attached."""

import pytest

from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services import dossier_claim, dossier_receive, dossier_request_supplement
from tests.e2e.test_portal_apply import applicant_page, clean
from tests.portal.apply_world import OnlineWorld
from tests.portal.test_my_dossiers import submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_procedure_no_longer_offered_online_and_its_draft(request, browser, live_server):
    world = OnlineWorld()
    page = applicant_page(request, browser, live_server, world)
    page.goto(f"{live_server.url}/nop-truc-tuyen/{world.procedure.code}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the application").click()
    world.procedure.online_level = "none"
    world.procedure.save(update_fields=["online_level"])
    draft = Dossier.objects.get()

    page.reload()
    clean(page, "apply-form-not-online")
    assert "This procedure is not offered online" in page.inner_text("#procedure-not-online")
    page.goto(f"{live_server.url}/ho-so-cua-toi/{draft.pk}/xem-lai/")
    clean(page, "apply-review-not-online")
    assert page.get_by_role("button", name="Submit the application").count() == 0
    draft.delete()
    page.goto(f"{live_server.url}/nop-truc-tuyen/{world.procedure.code}/")
    clean(page, "apply-start-not-online")
    assert "This procedure is not offered online" in page.inner_text("#procedure-not-online")


def test_sending_a_supplement_with_nothing_attached_says_why(request, browser, live_server):
    world = OnlineWorld()
    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))
    dossier_claim(by=world.specialist, dossier=dossier)
    dossier_request_supplement(by=world.specialist, dossier=dossier, items=["Bản sao CCCD"], reason="Thiếu")
    page = applicant_page(request, browser, live_server, world)

    page.goto(f"{live_server.url}/ho-so-cua-toi/{dossier.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the supplement").click()

    assert "Attach the documents the agency asked for before sending the supplement." in page.inner_text("main")
    clean(page, "my-dossier-supplement-empty")
