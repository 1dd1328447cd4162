"""An officer at two counters chooses the receiving agency by keyboard, in real Chromium, checked by axe."""

import re

import pytest

from chinhquyen.directory.services import staff_role_grant
from chinhquyen.dossiers.models import Dossier
from tests.factories import CitizenFactory
from tests.office.browser import check, sign_in
from tests.office.helpers import office_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_officer_at_two_counters_chooses_the_receiving_agency_by_keyboard(request, browser, live_server):
    commune, department = office_make(prefix="xa"), office_make(prefix="so")
    commune.agency.name = "Ủy ban nhân dân xã Tân Phú, tỉnh Hưng Yên (Bộ phận Một cửa)"
    commune.agency.save()
    department.agency.name = "Sở Tư pháp tỉnh Hưng Yên"
    department.agency.save()
    staff_role_grant(user=commune.front_desk, agency=department.agency, role="front_desk")
    CitizenFactory(personal_id="037090001234", name="Lê Thị Hoa")
    page = sign_in(request, browser, live_server, commune.front_desk)

    page.goto(f"{live_server.url}/office/reception/")
    page.fill("#id_identifier", "037090001234")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Choose the receiving agency, then search among its procedures." in page.inner_text("main")
    assert page.get_by_role("button", name=re.compile("Open dossier")).count() == 0
    check(page, "reception-agency-choice")
    assert _fits_the_screen(page)

    # Searching without choosing: the browser stops at the agency, the words typed kept; so does the server.
    page.fill("#id_query", "khai sinh")
    url = page.url
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_agency"
    assert page.evaluate("document.activeElement.validity.valueMissing")
    assert (page.url, page.input_value("#id_query")) == (url, "khai sinh")
    page.goto(f"{url}&agency=&query=khai+sinh")
    assert page.locator("#id_agency").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_agency_errors").inner_text() == "Choose the receiving agency."
    assert page.input_value("#id_query") == "khai sinh"
    check(page, "reception-agency-required")

    # The keyboard alone: the agency from the list, then the search.
    page.focus("#id_agency")
    page.keyboard.press("ArrowDown")
    assert page.input_value("#id_agency") == str(department.agency.pk)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_query"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    main = page.inner_text("main")
    assert "Procedures that Sở Tư pháp tỉnh Hưng Yên receives" in main
    assert commune.procedure.name not in main
    check(page, "reception-agency-procedures")
    assert _fits_the_screen(page)

    page.get_by_role("button", name=re.compile(f"Open dossier for {department.procedure.name}")).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    dossier = Dossier.objects.get()
    assert dossier.receiving_agency_id == department.agency.pk
    assert "Sở Tư pháp tỉnh Hưng Yên" in page.inner_text("main")
    check(page, "reception-agency-dossier")
