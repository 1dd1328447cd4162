"""Every sign-out answer tells the browser to drop its copies of the site's pages and what its scripts stored
(``Clear-Site-Data``): on a shared computer, Back after signing out must not show the last person's e-form.
Cookies are kept (the language choice is one); other answers clear nothing."""

import pytest
from django.test import Client

from tests.dossiers.factories import OwnedCitizenFactory, officer
from tests.factories import AgencyFactory
from tests.office.auth_helpers import officer_login

pytestmark = pytest.mark.django_db

SIGN_OUT = '"cache", "storage"'


def _applicant_client() -> Client:
    client = Client()
    client.force_login(OwnedCitizenFactory().user)
    return client


def _official_client() -> Client:
    client = Client()
    officer_login(client, officer(AgencyFactory(), "front_desk"))
    return client


def test_the_portals_sign_out_clears_the_sites_data():
    client = _applicant_client()

    response = client.post("/tai-khoan/dang-xuat/")

    assert (response.status_code, response["Location"], response["Clear-Site-Data"]) == (302, "/", SIGN_OUT)
    assert "_auth_user_id" not in client.session


def test_the_offices_sign_out_clears_the_sites_data():
    client = _official_client()

    response = client.post("/office/auth/logout/")

    assert (response.status_code, response["Location"], response["Clear-Site-Data"]) == (
        302,
        "/office/auth/login/",
        SIGN_OUT,
    )
    assert "_auth_user_id" not in client.session


def test_the_admins_sign_out_clears_the_sites_data(admin_client):
    response = admin_client.post("/admin/logout/")

    assert (response.status_code, response["Clear-Site-Data"]) == (200, SIGN_OUT)
    assert "_auth_user_id" not in admin_client.session


def test_a_sign_out_with_nobody_signed_in_clears_it_too():
    response = Client().post("/tai-khoan/dang-xuat/")

    assert (response.status_code, response["Clear-Site-Data"]) == (302, SIGN_OUT)


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        pytest.param("nobody", "/", 200, id="portal-home"),
        pytest.param("nobody", "/tai-khoan/dang-nhap/", 200, id="portal-sign-in"),
        pytest.param("nobody", "/office/auth/login/", 200, id="office-sign-in"),
        # A session ended by the idle timeout looks like a first visit (its cookie ended with it): not marked.
        pytest.param("nobody", "/ho-so-cua-toi/", 302, id="signed-out-sent-to-sign-in"),
        pytest.param("applicant", "/ho-so-cua-toi/", 200, id="my-dossiers"),
        pytest.param("applicant", "/tai-khoan/dang-xuat/", 405, id="portal-sign-out-by-get"),
        pytest.param("official", "/office/auth/logout/", 405, id="office-sign-out-by-get"),
        pytest.param("official", "/admin/logout/", 405, id="admin-sign-out-by-get"),
    ],
)
def test_other_answers_clear_nothing(who, path, status):
    client = {"nobody": Client, "applicant": _applicant_client, "official": _official_client}[who]()

    response = client.get(path)

    assert (response.status_code, response.has_header("Clear-Site-Data")) == (status, False)
