"""The sign-up page: a signed-in applicant is sent on, as the sign-in page does (finishing a sign-up there would
silently swap the account they are using for a new one); an ID number typed in groups is taken."""

from datetime import date

import pytest
from django.urls import reverse

from chinhquyen.identity.models import LocalAccount
from tests.portal.apply_world import OnlineWorld

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def local_accounts(settings):
    settings.LOCAL_ACCOUNTS_ENABLED = True


def test_a_signed_in_applicant_is_sent_to_where_they_were_going():
    client = OnlineWorld().client()
    signup = reverse("portal:signup")

    plain = client.get(signup)
    onward = client.get(signup, {"next": reverse("portal:my_dossiers")})

    assert (plain.status_code, plain["Location"]) == (302, reverse("portal:profile"))
    assert (onward.status_code, onward["Location"]) == (302, reverse("portal:my_dossiers"))


def test_someone_not_signed_in_gets_the_form(client):
    response = client.get(reverse("portal:signup"))

    assert response.status_code == 200
    assert 'name="password_again"' in response.content.decode()


def test_an_id_number_typed_in_groups_is_taken(client):
    response = client.post(
        reverse("portal:signup"),
        {
            "name": "Phạm Thị Hoa",
            "personal_id": "037 199 001 111",
            "birth_date": date(1999, 1, 2).strftime("%d/%m/%Y"),
            "login": "hoa@example.vn",
            "password": "Hoa-sen-2026-ninh-binh",
            "password_again": "Hoa-sen-2026-ninh-binh",
        },
    )

    assert (response.status_code, response["Location"]) == (302, reverse("portal:signup_verify"))
    assert LocalAccount.objects.get(login="hoa@example.vn").pending_profile["personal_id"] == "037199001111"


@pytest.mark.parametrize("page", ["portal:login", "portal:signup"])
def test_a_refused_form_keeps_where_the_person_was_going_for_the_language_switch(client, page):
    going = reverse("portal:my_dossiers")

    refused = client.post(reverse(page), {"next": going, "login": "x"})

    assert refused.status_code == 400
    html = refused.content.decode()
    expected = f"{reverse(page)}?next={going.replace('/', '%2F')}"
    assert f'<input type="hidden" name="next" value="{expected}">' in html
