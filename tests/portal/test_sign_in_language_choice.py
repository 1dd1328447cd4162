"""The language a visitor chose with the switch before signing in is the one their notifications are written in."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chinhquyen.core.models import AuditEntry
from chinhquyen.identity.models import LocalAccount
from chinhquyen.notifications.models import Preference
from chinhquyen.notifications.selectors import language_for
from tests.factories import CitizenFactory, UserFactory
from tests.identity import helpers as national_identity
from tests.identity.conftest import _identity_settings, _idp_key_file, idp_transport  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

PASSWORD = "pw-test-123"  # UserFactory's


@pytest.fixture(autouse=True)
def _national_identity_and_local_accounts(_identity_settings):  # noqa: F811 - the fixture imported above
    """The national identity's simulator, and local accounts on."""


def local_applicant(login: str = "an@example.vn"):
    user = UserFactory(email=login)
    CitizenFactory(user=user, verified=False)
    LocalAccount.objects.create(user=user, login=login, channel="email", verified_at=timezone.now())
    return user


def sign_in(client: Client, login: str = "an@example.vn"):
    return client.post(reverse("portal:login"), {"login": login, "password": PASSWORD})


def language_audits(user) -> list[dict]:
    entries = AuditEntry.objects.filter(action="notification.language", target=f"user:{user.pk}").order_by("pk")
    return list(entries.values_list("data", flat=True))


def test_english_chosen_before_signing_in_is_the_notifications_language():
    user = local_applicant()
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = sign_in(client)

    assert response.status_code == 302
    assert language_for(user=user) == "en"
    assert language_audits(user) == [{"language": "en"}]


def test_without_a_choice_the_notifications_language_stays_as_it_was():
    user = local_applicant()
    Preference.objects.create(user=user, language="en")
    client = Client(headers={"accept-language": "vi"})  # the browser's language is no choice made on the site

    response = sign_in(client)

    assert response.status_code == 302
    assert language_for(user=user) == "en"
    assert language_audits(user) == []


def test_signing_in_again_in_the_language_already_chosen_records_nothing():
    user = local_applicant()
    Preference.objects.create(user=user, language="en")
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    sign_in(client)

    assert list(Preference.objects.filter(user=user).values_list("language", flat=True)) == ["en"]
    assert language_audits(user) == []


def test_a_language_not_offered_in_the_cookie_changes_nothing():
    user = local_applicant()
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    response = sign_in(client)

    assert response.status_code == 302
    assert not Preference.objects.filter(user=user).exists()


def test_a_refused_sign_in_changes_nothing():
    user = local_applicant()
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(reverse("portal:login"), {"login": "an@example.vn", "password": "wrong"})

    assert response.status_code == 400
    assert not Preference.objects.filter(user=user).exists()


def test_english_chosen_before_signing_in_with_the_national_identity_is_the_notifications_language(
    idp_transport,  # noqa: F811 - the fixture imported above
):
    user = UserFactory(username="congdan")
    national_identity.demo_citizen(national_identity.AN, user=user)
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = national_identity.sign_in(client, "congdan")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert language_for(user=user) == "en"
    assert language_audits(user) == [{"language": "en"}]
