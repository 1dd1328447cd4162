"""A system's name that holds nothing once cleaned (invisible marks only) is a form error, not a server error."""

import pytest
from django.utils.translation import gettext

from chinhquyen.integrations.models import System
from tests.api.helpers import admin_user, system_make
from tests.office.auth_helpers import officer_login

pytestmark = pytest.mark.django_db

INCOMPLETE = "Give the system a code and a name."


@pytest.fixture
def admin(client):
    officer_login(client, admin_user())
    return client


@pytest.mark.parametrize(
    "name", ["\u200b", "\ufeff\u200d", "\u200b \u200c"], ids=["zero-width-space", "marks", "mixed"]
)
def test_a_new_system_whose_name_is_only_invisible_marks_is_a_form_error(admin, name):
    response = admin.post("/admin/integrations/system/add/", {"code": "motcua", "name": name, "is_active": "on"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors.as_data()["name"][0].code == "system_incomplete"
    assert response.context["adminform"].form.errors["name"] == [gettext(INCOMPLETE)]
    assert not System.objects.exists()


def test_renaming_a_system_to_invisible_marks_is_a_form_error(admin):
    system, _secret = system_make(code="motcua")
    url = f"/admin/integrations/system/{system.pk}/change/"

    response = admin.post(url, {"name": "\u200b", "contact_email": "", "is_active": "on"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors.as_data()["name"][0].code == "system_incomplete"
    system.refresh_from_db()
    assert system.name == "Hệ thống motcua"


def test_a_name_is_stored_cleaned(admin):
    response = admin.post(
        "/admin/integrations/system/add/", {"code": "motcua", "name": "  Một\u200b cửa  ", "is_active": "on"}
    )

    assert response.status_code == 302
    assert list(System.objects.values_list("name", flat=True)) == ["Một cửa"]
