"""A letter past the last day it could be sent is no longer to approve or send: the leader's inbox links it to its
withdrawal, labelled so (selectors.apology_letters_too_late)."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.dossiers import selectors
from chinhquyen.dossiers.services import apology_letter_approve, apology_letter_draft
from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db


def _drafted(world: World):
    """Received Monday 2 March 2026 08:00 with five days (due Monday 9 March 08:00, a letter sent by Friday 6 March
    at the latest); a letter drafted on Thursday 5 March."""
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    letter = apology_letter_draft(
        by=world.specialist, dossier=dossier, reason="Cần xác minh", new_due_at=vn(2026, 3, 20, 8, 0), at=vn(2026, 3, 5)
    )
    return dossier, letter


def _page(as_user, world: World, monkeypatch, now) -> str:
    monkeypatch.setattr(timezone, "now", lambda: now)
    return as_user(world.leader).get(reverse("office:inbox")).content.decode()


@pytest.mark.parametrize("approved", [False, True], ids=["draft", "approved"])
def test_a_letter_too_late_to_send_links_to_its_withdrawal(as_user, monkeypatch, approved):
    world = World(days=5)
    dossier, letter = _drafted(world)
    if approved:
        apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 5, 10, 0))
    assert selectors.apology_letters_too_late(dossier=dossier, now=vn(2026, 3, 9, 7, 0)).isoformat() == "2026-03-06"

    page = _page(as_user, world, monkeypatch, vn(2026, 3, 9, 7, 0))

    withdraw = f"{reverse('office:dossier_action', args=[dossier.pk, 'letter_withdraw'])}?letter={letter.pk}"
    assert f'<a href="{withdraw}">{_("Apology letter to withdraw: too late to send")}</a>' in page
    assert "letter_approve" not in page
    assert "letter_send" not in page


def test_the_row_says_so_only_once_the_last_day_is_past():
    world = World(days=5)
    _drafted(world)

    [on_the_day] = selectors.dossier_inbox(officer=world.leader, now=vn(2026, 3, 6, 23, 0))
    [after] = selectors.dossier_inbox(officer=world.leader, now=vn(2026, 3, 7, 0, 1))

    assert (on_the_day.letter_too_late, after.letter_too_late) == (False, True)


def test_on_the_last_day_the_letter_still_links_to_its_approval(as_user, monkeypatch):
    world = World(days=5)
    dossier, letter = _drafted(world)

    page = _page(as_user, world, monkeypatch, vn(2026, 3, 6, 16, 0))

    approve = f"{reverse('office:dossier_action', args=[dossier.pk, 'letter_approve'])}?letter={letter.pk}"
    assert f'<a href="{approve}">{_("Apology letter to approve")}</a>' in page
    assert "letter_withdraw" not in page
