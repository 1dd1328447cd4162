"""The credentials admin shows the services' refusals as form errors, and nothing is made."""

import pytest

from chinhquyen.integrations.models import OfficerToken, System
from tests.api.helpers import admin_user, system_make
from tests.factories import UserFactory
from tests.office.auth_helpers import officer_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    officer_login(client, admin_user())
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_a_token_for_an_account_without_a_role_is_a_form_error(admin):
    citizen = UserFactory(username="citizen")

    response = admin.post("/admin/integrations/officertoken/add/", {"user": citizen.pk, "name": "x"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["user"] == [
        "Only an active official holding a role in an agency can have an API token."
    ]
    assert not OfficerToken.objects.exists()


@pytest.mark.parametrize("code", ["Motcua", " MOTCUA "])
def test_a_system_code_taken_in_another_case_is_a_form_error(admin, code):
    system_make(code="motcua")

    response = admin.post("/admin/integrations/system/add/", {"code": code, "name": "Other", "is_active": "on"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["code"] == ["Another system already has this code."]
    assert list(System.objects.values_list("code", flat=True)) == ["motcua"]


def test_a_code_whose_account_name_is_taken_is_a_form_error(admin):
    UserFactory(username="system.sotuphap")

    response = admin.post("/admin/integrations/system/add/", {"code": "SoTuPhap", "name": "Sở Tư pháp"})

    assert response.context["adminform"].form.errors["code"] == ["Another system already has this code."]
    assert not System.objects.exists()


def test_a_new_code_is_stored_in_lower_case(admin):
    response = admin.post("/admin/integrations/system/add/", {"code": "SoTuPhap", "name": "Sở Tư pháp"})

    assert response.status_code == 302
    assert list(System.objects.values_list("code", "account__username")) == [("sotuphap", "system.sotuphap")]
