"""A petition form sent twice (Enter pressed again while the first send is on its way) files one petition:
the repeat ends on the same "sent" page with the same code, and the hourly limit counts it once."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from chinhquyen.core.models import AuditEntry
from chinhquyen.feedback import services
from chinhquyen.feedback.limits import PETITIONS_PER_HOUR
from chinhquyen.feedback.models import Petition, PetitionEvent
from tests.factories import UserFactory

from .helpers import vn

pytestmark = pytest.mark.django_db

KEY = "0123456789abcdef0123456789abcdef"
FIELDS = {
    "subject": "Chờ lâu",
    "content": "Tôi phải chờ hai giờ tại quầy tiếp nhận.",
    "sender_name": "Nguyễn Văn An",
    "sender_phone": "0912345678",
}


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def form_post(**overrides) -> dict[str, str]:
    return {
        **FIELDS,
        "procedure": "",
        "about_agency": "",
        "sender_address": "",
        "sender_email": "",
        "website": "",
        "key": KEY,
        **overrides,
    }


def code_shown(client: Client, response) -> str:
    page = client.get(response["Location"]).content.decode()
    found = re.search(r'id="petition-code">([^<]+)<', page)
    assert found is not None
    return found.group(1)


def test_the_form_carries_a_new_one_time_key_each_time_it_is_opened():
    client = Client()

    keys = [
        re.search(r'name="key" value="([0-9a-f]{32})"', client.get(reverse("portal:petition_file")).content.decode())
        for _ in range(2)
    ]

    assert all(keys)
    assert keys[0].group(1) != keys[1].group(1)


def test_the_same_form_sent_twice_files_one_petition_and_shows_its_code_both_times():
    first_client, second_client = Client(), Client()  # the repeat may leave before the first answer's cookie

    first = first_client.post(reverse("portal:petition_file"), form_post())
    second = second_client.post(reverse("portal:petition_file"), form_post())

    petition = Petition.objects.get()
    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == second["Location"] == reverse("portal:petition_filed")
    assert code_shown(first_client, first) == code_shown(second_client, second) == petition.code
    assert PetitionEvent.objects.filter(petition=petition, action="file").count() == 1
    assert AuditEntry.objects.filter(action="petition.file").count() == 1


def test_a_repeat_is_counted_once_by_the_hourly_limit_and_answered_even_at_the_limit():
    client = Client()
    client.post(reverse("portal:petition_file"), form_post())
    for n in range(PETITIONS_PER_HOUR - 1):
        sent = client.post(reverse("portal:petition_file"), form_post(key=f"{n:032x}", subject=f"Chờ lâu {n}"))
        assert sent.status_code == 302

    repeat = client.post(reverse("portal:petition_file"), form_post())
    over = client.post(reverse("portal:petition_file"), form_post(key="f" * 32, subject="Một lần nữa"))

    assert repeat.status_code == 302
    assert over.status_code == 429
    assert Petition.objects.count() == PETITIONS_PER_HOUR


def test_the_same_key_with_other_words_is_another_petition():
    client = Client()

    client.post(reverse("portal:petition_file"), form_post())
    changed = client.post(reverse("portal:petition_file"), form_post(content="Tôi phải chờ ba giờ tại quầy tiếp nhận."))

    assert changed.status_code == 302
    assert Petition.objects.count() == 2


def test_a_form_without_a_key_files_each_time():
    client = Client()

    for _ in range(2):
        client.post(reverse("portal:petition_file"), form_post(key=""))

    assert Petition.objects.count() == 2


def test_the_service_answers_a_repeat_with_the_petition_filed():
    user = UserFactory()

    first, new = services.petition_file_once(client_key=KEY, sender_user=user, at=vn(2026, 3, 2, 9, 0), **FIELDS)
    again, again_new = services.petition_file_once(client_key=KEY, sender_user=user, at=vn(2026, 3, 2, 9, 1), **FIELDS)
    other_sender, other_new = services.petition_file_once(client_key=KEY, at=vn(2026, 3, 2, 9, 2), **FIELDS)

    assert (new, again_new, other_new) == (True, False, True)
    assert again.pk == first.pk
    assert other_sender.pk != first.pk
    assert len(first.client_key) == 64
    assert KEY not in first.client_key  # stored as a digest of the key and the petition, not the key itself
    assert Petition.objects.count() == 2
