"""Every row of the office timeline names its event in words, in Vietnamese and in English."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from chinhquyen.dossiers.services import online_draft_save, online_draft_submit
from chinhquyen.dossiers.transitions import ACTIONS
from chinhquyen.office.actions import event_label
from tests.dossiers.factories import online_start, online_world
from tests.office.auth_helpers import officer_login

LANGUAGES = ["vi", "en"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_of_the_transitions_table_has_words(action, language):
    with translation.override(language):
        label = str(event_label(action))

    assert label.strip()
    assert label != action


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Save the draft"), ("vi", "Lưu hồ sơ nháp")],
    ids=["en", "vi"],
)
def test_an_action_without_a_button_is_named_as_the_refusals_name_it(language, expected):
    with translation.override(language):
        label = str(event_label("draft_save"))

    assert label == expected


def test_a_code_no_table_knows_is_shown_as_it_is():
    assert event_label("imported_from_old_system") == "imported_from_old_system"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "saved", "submitted"),
    [("en", "Save the draft", "Submit online"), ("vi", "Lưu hồ sơ nháp", "Nộp trực tuyến")],
    ids=["en", "vi"],
)
def test_the_dossier_page_shows_no_raw_event_code(language, saved, submitted):
    # Given an application saved as a draft, then submitted online
    world = online_world()
    draft = online_start(world)
    draft = online_draft_save(by=world.applicant.user, dossier=draft, form_data={})
    dossier = online_draft_submit(by=world.applicant.user, dossier=draft, client_key="k")
    client = Client(headers={"accept-language": language})
    officer_login(client, world.front_desk)

    # When the front desk opens it
    html = client.get(reverse("office:dossier", args=[dossier.pk])).content.decode()

    # Then its timeline rows are in words
    rows = re.findall(r"· <strong>([^<]*)</strong>", html)
    assert saved in rows
    assert submitted in rows
    assert not {"draft_save", "submit"} & set(rows)
