"""The office's header shows only links its reader may follow: a province administrator, who reads petitions and
ratings but no dossiers, is not offered the inbox or the search (which would refuse it)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.feedback.helpers import agency_with_staff, province_admin
from tests.office.auth_helpers import officer_login

pytestmark = pytest.mark.django_db


def _header(user) -> str:
    client = Client(headers={"accept-language": "en"})
    officer_login(client, user)
    html = client.get(reverse("office:petitions")).content.decode()
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def test_a_province_administrator_is_not_offered_the_inbox_or_the_search():
    header = _header(province_admin())

    assert f'href="{reverse("office:inbox")}"' not in header
    assert f'href="{reverse("office:search")}"' not in header
    assert f'<a class="brand" href="{reverse("office:petitions")}">' in header
    assert f'href="{reverse("office:ratings")}"' in header


def test_a_leader_is_offered_them():
    header = _header(agency_with_staff().leader)

    assert f'<a class="brand" href="{reverse("office:inbox")}">' in header
    assert f'href="{reverse("office:search")}"' in header
