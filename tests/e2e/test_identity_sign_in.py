"""Citizens' sign-in in real Chromium: the portal, the identity provider simulator, back signed in; axe on each page.

It lives here, not in tests/identity, to use this folder's one Playwright instance (a second one in the same
process fails).
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import UserFactory
from tests.identity.helpers import AN, demo_citizen, point_at_simulator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_idp(settings, live_server, tmp_path):
    # The portal calls the simulator over real HTTP on localhost, as `make run` does.
    point_at_simulator(settings, f"{live_server.url}/idp-sim")
    settings.IDP_SIMULATOR_KEY_FILE = tmp_path / "idp-sim" / "key.pem"


def violations(p) -> list[tuple[str, list]]:
    results = Axe().run(p)
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"]]


def test_the_demo_citizen_signs_in_through_the_simulator(page, live_server, live_idp):
    demo_citizen(AN, user=UserFactory(username="congdan"))

    page.goto(f"{live_server.url}/thu-tuc/")
    with page.expect_navigation():
        page.click("#account-sign-in")
    assert page.url == f"{live_server.url}/tai-khoan/dang-nhap/?next=/thu-tuc/"
    assert violations(page) == []

    with page.expect_navigation():
        page.click("#vneid-sign-in")
    assert page.url.startswith(f"{live_server.url}/idp-sim/authorize?")
    assert violations(page) == []

    with page.expect_navigation(url=f"{live_server.url}/thu-tuc/"):
        page.click("#person-congdan")
    assert page.inner_text("#account-name") == "Nguyễn Văn An"

    with page.expect_navigation():
        page.click("#account-name")
    assert "037090001234" in page.inner_text("#identity-details")
    assert violations(page) == []


def test_the_sign_up_page_and_a_refused_typed_identity_are_accessible(page, live_server, live_idp):
    page.goto(f"{live_server.url}/tai-khoan/dang-ky/")
    assert violations(page) == []

    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
    with page.expect_navigation():
        page.click("#vneid-sign-in")
    page.fill("#id_personal_id", "037090001234")
    page.fill("#id_name", "Nguyễn Văn An")
    page.fill("#id_birthdate", "1991-03-15")
    with page.expect_navigation():
        page.click("form.idp-form button[type=submit]")
    assert page.locator("#custom-errors").get_attribute("role") == "alert"
    assert violations(page) == []
