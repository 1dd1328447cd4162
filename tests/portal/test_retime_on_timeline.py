"""The applicant's dossier page says when a change to the working calendar moved the due date, from what to what
and why; officials keep their own line and the first due date."""

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.selectors import dossier_timeline
from chinhquyen.workcal.models import OverrideKind
from chinhquyen.workcal.services import date_override_add
from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db

NOTE = "Quyết định 12/QĐ-UBND"
MOVED = f"Due date moved from 09/03/2026 08:00 to 10/03/2026 08:00: 05/03/2026 is a day off ({NOTE})"


@pytest.fixture(autouse=True)
def _site_in_english(settings):
    settings.LANGUAGE_CODE = "en"  # the officials' record, written in the site's language


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def signed_in(world: World) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.applicant.user)
    return client


def moved_by_a_day_off(world: World) -> Dossier:
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))  # a Monday: due Monday 9 March 08:00
    date_override_add(date=date(2026, 3, 5), kind=OverrideKind.DAY_OFF, reason=NOTE)
    return Dossier.objects.get(pk=dossier.pk)


def test_the_applicant_reads_the_move_of_the_due_date_on_their_timeline():
    world = World(days=5)
    dossier = moved_by_a_day_off(world)

    html = text(signed_in(world).get(reverse("portal:my_dossier", args=[dossier.pk])))

    assert MOVED in html
    assert '<time datetime="2026-03-10T08:00:00+07:00">10/03/2026 08:00</time>' in html
    assert {e.action for e in dossier_timeline(dossier=dossier, for_applicant=True)} == {
        "create",
        "receive",
        "calendar_retime",
    }


def test_officials_keep_their_line_and_the_first_due_date():
    from tests.office.auth_helpers import officer_login

    world = World(days=5)
    dossier = moved_by_a_day_off(world)
    client = Client()
    officer_login(client, world.front_desk)

    html = text(client.get(reverse("office:dossier", args=[dossier.pk]), headers={"accept-language": "en"}))

    assert (dossier.original_due_at, dossier.due_at) == (vn(2026, 3, 9, 8, 0), vn(2026, 3, 10, 8, 0))
    assert "(originally 09/03/2026 08:00)" in html
    assert (
        "A change to the working calendar from 05/03/2026 moves the due date from 09/03/2026 08:00 to 10/03/2026 08:00."
    ) in html


def test_a_change_that_moves_nothing_the_applicant_was_shown_stays_off_their_timeline():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    date_override_add(date=date(2026, 3, 10), kind=OverrideKind.DAY_OFF, reason=NOTE)  # after the due date

    html = text(signed_in(world).get(reverse("portal:my_dossier", args=[dossier.pk])))

    assert "Due date moved" not in html
    assert '<time datetime="2026-03-09T08:00:00+07:00">09/03/2026 08:00</time>' in html
