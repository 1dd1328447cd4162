"""An applicant who switches the portal's language gets their notifications in it; nobody else's choice counts."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from chinhquyen.core.models import AuditEntry
from chinhquyen.notifications.models import Preference
from chinhquyen.notifications.selectors import language_for
from tests.dossiers.factories import World
from tests.notifications import helpers as h

pytestmark = pytest.mark.django_db

SETLANG = "/i18n/setlang/"
MINE = "/ho-so-cua-toi/"


def signed_in(user, *, csrf_checks: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf_checks)
    client.force_login(user)
    return client


def switch(client: Client, language: str, next_url: str = MINE):
    return client.post(SETLANG, {"language": language, "next": next_url})


def language_audits(user) -> list[dict]:
    return list(
        AuditEntry.objects.filter(action="notification.language", target=f"user:{user.pk}")
        .order_by("pk")
        .values_list("data", flat=True)
    )


def test_an_applicant_switching_to_english_gets_the_next_email_in_english():
    # Given an applicant who can be reached and never chose a language
    world = h.reachable_world()
    user = world.applicant.user
    assert language_for(user=user) == "vi"

    # When they switch the portal to English
    response = switch(signed_in(user), "en")
    with h.committed():
        dossier = h.received(world)
    h.run_queued()

    # Then the site switches as before, and their notifications follow
    assert response.status_code == 302
    assert response["Location"] == MINE
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert language_for(user=user) == "en"
    assert [m.subject for m in mail.outbox] == [f"Dossier {dossier.code} has been received"]
    assert language_audits(user) == [{"language": "en"}]


def test_switching_back_to_vietnamese_is_recorded_too():
    user = World().applicant.user
    client = signed_in(user)

    switch(client, "en")
    switch(client, "vi")

    assert language_for(user=user) == "vi"
    assert language_audits(user) == [{"language": "en"}, {"language": "vi"}]


def test_switching_to_the_language_already_chosen_records_nothing_new():
    user = World().applicant.user
    client = signed_in(user)

    switch(client, "en")
    switch(client, "en")

    assert list(Preference.objects.filter(user=user).values_list("language", flat=True)) == ["en"]
    assert language_audits(user) == [{"language": "en"}]


def test_an_official_switching_language_changes_no_preference():
    world = World()
    client = signed_in(world.front_desk)

    response = switch(client, "en", next_url="/office/")

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert not Preference.objects.filter(user=world.front_desk).exists()
    assert language_audits(world.front_desk) == []


def test_a_visitor_switches_language_as_before():
    response = Client().post(SETLANG, {"language": "en", "next": "/thu-tuc/"})

    assert response.status_code == 302
    assert response["Location"] == "/thu-tuc/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert not Preference.objects.exists()


def test_a_language_not_offered_leaves_the_notifications_as_they_were():
    user = World().applicant.user

    response = switch(signed_in(user), "fr")

    assert response.status_code == 302
    assert language_for(user=user) == "vi"
    assert not Preference.objects.filter(user=user).exists()


def test_a_get_changes_nothing():
    user = World().applicant.user

    response = signed_in(user).get(SETLANG, {"language": "en", "next": MINE})

    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert not Preference.objects.filter(user=user).exists()


def test_a_switch_without_the_csrf_token_is_refused():
    user = World().applicant.user

    response = switch(signed_in(user, csrf_checks=True), "en")

    assert response.status_code == 403
    assert not Preference.objects.filter(user=user).exists()
