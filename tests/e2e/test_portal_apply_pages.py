"""In real Chromium: change the receiving agency, discard a draft, a withdrawn procedure; axe finds nothing."""

import pytest

from chinhquyen.dossiers.models import Dossier
from tests.dossiers.factories import AgencyFactory
from tests.portal.apply_world import OnlineWorld

from .test_portal_apply import applicant_page, clean

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_change_the_agency_keeping_what_was_typed_then_discard(request, browser, live_server):
    world = OnlineWorld()
    other = AgencyFactory(name="UBND phường Tây Hoa Lư")
    world.procedure.agencies.add(other)
    page = applicant_page(request, browser, live_server, world)

    page.goto(f"{live_server.url}/nop-truc-tuyen/{world.procedure.code}/")
    page.get_by_label(world.agency.name).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Start the application").click()
    clean(page, "apply-form-two-agencies")
    page.fill("#id_child_name", "Nguyễn Minh Khang")
    with page.expect_navigation():
        page.get_by_role("button", name="Change the receiving agency").click()
    clean(page, "apply-agency")
    page.get_by_label(other.name).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()

    assert page.input_value("#id_child_name") == "Nguyễn Minh Khang"
    assert f"Your application goes to {other.name}." in page.inner_text("main")
    # Enter in a field still presses "Save and continue", not the change of agency placed after it.
    page.fill("#id_mother_name", "Trần Thị Bích")
    with page.expect_navigation():
        page.press("#id_mother_name", "Enter")
    assert page.url.endswith("/thong-tin/")  # required fields are missing: the form comes back with them
    assert "Where do you want to apply?" not in page.inner_text("main")

    with page.expect_navigation():
        page.get_by_role("link", name="Discard this application").click()
    clean(page, "apply-discard")
    with page.expect_navigation():
        page.get_by_role("button", name="Discard the application").click()
    clean(page, "my-dossiers-after-discard")
    assert "Your draft application has been discarded." in page.inner_text("main")
    assert Dossier.objects.count() == 0


def test_a_withdrawn_procedure_and_its_draft(request, browser, live_server):
    world = OnlineWorld()
    page = applicant_page(request, browser, live_server, world)
    page.goto(f"{live_server.url}/nop-truc-tuyen/{world.procedure.code}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the application").click()
    world.procedure.is_active = False
    world.procedure.save(update_fields=["is_active"])
    draft = Dossier.objects.get()

    page.reload()
    clean(page, "apply-form-withdrawn")
    assert "This procedure has been withdrawn" in page.inner_text("#procedure-withdrawn")
    page.goto(f"{live_server.url}/ho-so-cua-toi/{draft.pk}/xem-lai/")
    clean(page, "apply-review-withdrawn")
    assert page.get_by_role("button", name="Submit the application").count() == 0
    draft.delete()
    page.goto(f"{live_server.url}/nop-truc-tuyen/{world.procedure.code}/")
    clean(page, "apply-start-withdrawn")
