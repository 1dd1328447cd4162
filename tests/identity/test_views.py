"""The portal's account pages: sign-in in both languages, next handling, sign-up, profile, sign-out."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client

from chinhquyen.directory.models import Applicant
from tests.factories import StaffRoleFactory, UserFactory

from .helpers import AN, PASSWORD, demo_citizen, local_sign_up, local_user, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def en():
    return Client(headers={"accept-language": "en"})


def page(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_sign_in_page_renders_in_both_languages(language):
    client = Client(headers={"accept-language": language})

    response = client.get("/tai-khoan/dang-nhap/?next=/ho-so-cua-toi/")

    assert response.status_code == 200
    html = page(response)
    assert f'<html lang="{language}">' in html
    assert 'href="/oidc/authenticate/?next=/ho-so-cua-toi/"' in html
    assert 'name="next" value="/ho-so-cua-toi/"' in html
    assert 'href="/tai-khoan/dang-ky/?next=/ho-so-cua-toi/"' in html


def test_the_sign_in_page_in_english_says_what_the_buttons_do(en):
    html = page(en.get("/tai-khoan/dang-nhap/"))

    assert "<h1>Sign in</h1>" in html
    assert "Sign in with the national identity (VNeID)" in html
    assert "With a portal account" in html


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/", "javascript:alert(1)"],
    ids=["other-host", "scheme-relative", "js"],
)
def test_an_unsafe_next_becomes_the_profile(next_url):
    html = page(Client().get("/tai-khoan/dang-nhap/", {"next": next_url}))

    assert 'href="/oidc/authenticate/?next=/tai-khoan/"' in html


def test_without_local_accounts_only_the_national_identity_is_offered(settings, en):
    settings.LOCAL_ACCOUNTS_ENABLED = False

    html = page(en.get("/tai-khoan/dang-nhap/"))

    assert "Sign in with the national identity (VNeID)" in html
    assert 'name="password"' not in html
    assert en.post("/tai-khoan/dang-nhap/", {"login": "a@example.vn", "password": "x"}).status_code == 404
    assert en.get("/tai-khoan/dang-ky/").status_code == 404


def test_without_a_provider_the_button_is_hidden(settings, en):
    settings.OIDC_OP_ISSUER = ""

    html = page(en.get("/tai-khoan/dang-nhap/"))

    assert "VNeID" not in html
    assert en.get("/oidc/authenticate/").status_code == 404


def test_sign_up_then_code_signs_in_and_goes_to_next(en, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = local_sign_up(en)
    assert response["Location"] == "/tai-khoan/dang-ky/xac-minh/"
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)
    assert "Your verification code for the public service portal is" in mail.outbox[0].body

    response = en.post("/tai-khoan/dang-ky/xac-minh/", {"code": f"{code[:3]} {code[3:]}"})

    assert response["Location"] == "/ho-so-cua-toi/"
    applicant = Applicant.objects.get(personal_id="037199001111")
    assert en.session[SESSION_KEY] == str(applicant.user_id)


def test_sign_up_errors_are_shown_on_their_fields(en):
    response = local_sign_up(en, password_again="something-else", login="hoa@")

    assert response.status_code == 400
    html = page(response)
    assert "The two passwords are not the same." in html
    assert "Enter an e-mail address or a Vietnamese mobile number such as 0912345678." not in html  # form first

    response = local_sign_up(en, login="hoa@")
    assert "Enter an e-mail address or a Vietnamese mobile number such as 0912345678." in page(response)
    assert "<title>Error: Create a portal account" in page(response)


def test_a_wrong_code_is_shown_and_counted(en, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        local_sign_up(en)
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)
    wrong = "000000" if code != "000000" else "111111"

    response = en.post("/tai-khoan/dang-ky/xac-minh/", {"code": wrong})

    assert response.status_code == 400
    assert "The code is not correct. Check the latest message and try again." in page(response)
    assert SESSION_KEY not in en.session


def test_the_code_page_needs_a_sign_up_first(en):
    response = en.get("/tai-khoan/dang-ky/xac-minh/")

    assert response["Location"] == "/tai-khoan/dang-ky/"


def test_asking_again_at_once_says_to_wait(en, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        local_sign_up(en)

    response = en.post("/tai-khoan/dang-ky/gui-lai-ma/", follow=True)

    assert re.search(r"Please wait \d+ seconds before asking for a new code\.", page(response))


def test_local_sign_in_goes_back_to_next(en, django_capture_on_commit_callbacks):
    local_user(en, django_capture_on_commit_callbacks)

    response = en.post("/tai-khoan/dang-nhap/", {"login": "hoa@example.vn", "password": PASSWORD, "next": "/thu-tuc/"})

    assert response["Location"] == "/thu-tuc/"
    assert en.session["_auth_user_backend"] == "django.contrib.auth.backends.ModelBackend"


def test_a_wrong_password_is_refused_in_words(en):
    response = en.post("/tai-khoan/dang-nhap/", {"login": "hoa@example.vn", "password": "nope"})

    assert response.status_code == 400
    assert "The e-mail address, phone number or password is not correct." in page(response)


def test_sign_out_is_a_post(idp_transport, en):
    sign_in(en, "congdan")

    assert en.get("/tai-khoan/dang-xuat/").status_code == 405
    response = en.post("/tai-khoan/dang-xuat/")

    assert response["Location"] == "/"
    assert SESSION_KEY not in en.session


def test_the_header_shows_the_signed_in_citizen(idp_transport, en):
    sign_in(en, "congdan")

    html = page(en.get("/"))

    assert '<a href="/tai-khoan/" id="account-name">Nguyễn Văn An</a>' in html
    assert '<a href="/ho-so-cua-toi/">My dossiers</a>' in html
    assert 'action="/tai-khoan/dang-xuat/"' in html


def test_the_header_offers_sign_in_to_visitors_and_officials(en):
    assert 'id="account-sign-in"' in page(en.get("/thu-tuc/"))
    en.force_login(StaffRoleFactory().user)

    html = page(en.get("/thu-tuc/"))

    assert 'href="/tai-khoan/dang-nhap/?next=/thu-tuc/" id="account-sign-in"' in html
    assert "My dossiers" not in html


def test_the_profile_shows_what_the_identity_filled_in(idp_transport, en):
    sign_in(en, "congdan")

    html = page(en.get("/tai-khoan/"))

    assert "Filled in from the national identity (VNeID)" in html
    assert "<dd>037090001234</dd>" in html
    assert '<time datetime="1990-03-15">15/03/1990</time>' in html
    # Identity details are shown, not offered for editing; contact details are a form.
    assert 'name="personal_id"' not in html
    assert 'name="phone" value="0912345678"' in html


def test_the_profile_saves_contact_details(idp_transport, en):
    sign_in(en, "congdan")

    response = en.post("/tai-khoan/", {"phone": "0987 000 111", "email": "an@example.vn", "address": "Số 1"})

    assert response["Location"] == "/tai-khoan/"
    applicant = Applicant.objects.get(personal_id=AN.personal_id)
    assert (applicant.phone, applicant.email, applicant.address) == ("0987000111", "an@example.vn", "Số 1")


def test_the_profile_refuses_a_bad_phone(idp_transport, en):
    sign_in(en, "congdan")

    response = en.post("/tai-khoan/", {"phone": "12345", "email": "", "address": ""})

    assert response.status_code == 400
    assert "Enter a Vietnamese mobile number such as 0912345678." in page(response)


def test_the_profile_needs_a_signed_in_applicant(en):
    assert en.get("/tai-khoan/")["Location"] == "/tai-khoan/dang-nhap/?next=/tai-khoan/"


def test_an_official_in_the_office_is_not_an_applicant_on_the_portal(en):
    official = StaffRoleFactory().user
    demo_citizen(AN, user=official)
    en.force_login(official)

    assert en.get("/tai-khoan/")["Location"] == "/tai-khoan/dang-nhap/?next=/tai-khoan/"


def test_an_account_without_applicant_record_is_not_an_applicant(en):
    en.force_login(UserFactory())

    assert en.get("/tai-khoan/").status_code == 302
