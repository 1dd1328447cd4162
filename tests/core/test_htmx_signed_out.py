"""An htmx request whose session has ended sends the whole page to sign in, not the sign-in page into a fragment.

A 302 to the sign-in page is followed by the browser's XMLHttpRequest, and htmx swaps the whole sign-in page
into the search results (two headers, two ``main``). ``HX-Redirect`` makes htmx load the sign-in page instead.
"""

import pytest
from django.contrib.sessions.models import Session

from tests.factories import CitizenFactory, UserFactory
from tests.office.browser import sign_in
from tests.office.helpers import office_make, received

pytestmark = pytest.mark.django_db

SEARCH = "/office/search/"
OFFICE_LOGIN = "/office/auth/login/"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/office/search/?status=2"}


def test_an_htmx_search_without_a_session_is_sent_to_sign_in_from_the_page_shown(client):
    response = client.get(SEARCH, {"code": "H99"}, **HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{OFFICE_LOGIN}?next=/office/search/%3Fstatus%3D2"
    assert response.content == b""


def test_an_htmx_request_from_another_origin_returns_to_the_path_it_asked_for(client):
    response = client.get(
        SEARCH, {"code": "H99"}, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="https://elsewhere.example/office/"
    )

    assert response["HX-Redirect"] == f"{OFFICE_LOGIN}?next=/office/search/%3Fcode%3DH99"


def test_an_htmx_request_of_an_official_without_the_second_factor_is_sent_to_sign_in(client):
    office = office_make(prefix="hx")
    client.force_login(office.specialist)  # password only: the TOTP step not passed

    response = client.get(SEARCH, {"code": "H99"}, **HTMX)

    assert response["HX-Redirect"] == f"{OFFICE_LOGIN}?next=/office/search/%3Fstatus%3D2"


def test_a_page_load_without_a_session_is_still_a_plain_redirect(client):
    response = client.get(SEARCH, {"code": "H99"})

    assert response.status_code == 302
    assert response["Location"] == f"{OFFICE_LOGIN}?next=/office/search/%3Fcode%3DH99"
    assert "HX-Redirect" not in response


def test_an_htmx_request_on_the_portal_is_sent_to_the_portal_sign_in(client):
    client.force_login(UserFactory())  # signed in, but not an applicant

    response = client.get("/tai-khoan/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/tai-khoan/")

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/tai-khoan/dang-nhap/?next=/tai-khoan/"


def test_a_signed_in_applicant_is_not_redirected(client):
    client.force_login(CitizenFactory(user=UserFactory()).user)

    response = client.get("/tai-khoan/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "HX-Redirect" not in response


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_search_after_the_session_ended_loads_the_sign_in_page(request, browser, live_server):
    office = office_make(prefix="he")
    received(office)
    page = sign_in(request, browser, live_server, office.front_desk)
    page.goto(f"{live_server.url}{SEARCH}")
    Session.objects.all().delete()  # the session ended: idle limit, or signed out in another tab

    page.fill("#id_code", "H99")
    with page.expect_navigation(url=f"{live_server.url}{OFFICE_LOGIN}?next=/office/search/"):
        page.keyboard.press("Enter")

    shown = page.evaluate(
        """() => ({mains: document.querySelectorAll('main').length,
        headers: document.querySelectorAll('body > header').length, results: document.querySelector('#results')})"""
    )
    assert shown == {"mains": 1, "headers": 1, "results": None}
    assert page.locator("#id_username").is_visible()
