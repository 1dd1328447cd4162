"""Refusals name the action in words, never by its code: every action of the table has its words."""

import pytest
from django.utils import translation

from chinhquyen.dossiers.action_names import ACTION_NAMES
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.services import dossier_receive
from chinhquyen.dossiers.transitions import TRANSITIONS
from chinhquyen.feedback.transitions import PETITION_ACTION_NAMES
from chinhquyen.feedback.transitions import TRANSITIONS as PETITION_TRANSITIONS
from tests.dossiers.factories import World

pytestmark = pytest.mark.django_db


def test_every_action_of_the_tables_has_its_words():
    assert {row.action for row in TRANSITIONS} == set(ACTION_NAMES)
    assert {row.action for row in PETITION_TRANSITIONS} == set(PETITION_ACTION_NAMES)


def test_a_vietnamese_refusal_names_the_action_in_vietnamese():
    world = World()
    dossier = world.received()

    with translation.override("vi"), pytest.raises(TransitionRefused) as refused:
        dossier_receive(by=world.front_desk, dossier=dossier)

    assert refused.value.message == (
        "Không được thực hiện thao tác “tiếp nhận hồ sơ” khi hồ sơ đang ở trạng thái “Được tiếp nhận”."
    )
