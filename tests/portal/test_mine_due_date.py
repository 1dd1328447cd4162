"""The due date the applicant is shown is the true one: paused while a supplement is awaited, none once closed."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.dossiers.services import (
    dossier_payment_confirmed,
    dossier_refuse,
    dossier_request_payment,
    dossier_request_supplement,
    dossier_stop,
    dossier_withdraw,
)
from tests.dossiers.factories import World, supplement_send, vn

pytestmark = pytest.mark.django_db

PAUSED = (
    "Paused since 03/03/2026 10:00 while the agency waits for the documents it asked you for. "
    "The due date will be moved later by the working time the dossier stays paused."
)
OLD_DUE = '<time datetime="2026-03-09T08:00:00+07:00">09/03/2026 08:00</time>'


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def signed_in(world: World) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.applicant.user)
    return client


def pages(world: World, dossier) -> dict[str, str]:
    """The dossier's page, the list and, once it has a code, the public lookup."""
    client = signed_in(world)
    shown = {
        "detail": text(client.get(reverse("portal:my_dossier", args=[dossier.pk]))),
        "list": text(client.get(reverse("portal:my_dossiers"))),
    }
    if dossier.code:
        lookup = Client(headers={"accept-language": "en"}, REMOTE_ADDR="198.51.100.7")
        shown["lookup"] = text(
            lookup.get(reverse("portal:dossier_lookup"), {"ma": dossier.code, "k": dossier.lookup_secret})
        )
    return shown


def test_while_a_supplement_is_awaited_the_pages_say_the_clock_is_paused_not_the_old_date():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))  # due Monday 9 March, 08:00
    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["Bản sao CCCD"], reason="Thiếu", at=vn(2026, 3, 3, 10, 0)
    )

    shown = pages(world, dossier)

    assert sorted(shown) == ["detail", "list", "lookup"]
    for name, html in shown.items():
        assert f'<dt>Due date for the result</dt> <dd class="due-paused">{PAUSED}</dd>' in html, name
        assert OLD_DUE not in html, name


def test_while_a_payment_is_awaited_the_clock_is_paused_and_once_confirmed_the_date_moves():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))  # due Monday 9 March, 08:00
    dossier = dossier_request_payment(by=world.specialist, dossier=dossier, amount=50000, at=vn(2026, 3, 3, 10, 0))

    waiting = pages(world, dossier)
    dossier = dossier_payment_confirmed(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 5, 10, 0))
    paid = pages(world, dossier)

    paused = (
        "Paused since 03/03/2026 10:00 while the agency waits for your payment. "
        "The due date will be moved later by the working time the dossier stays paused."
    )
    for name, html in waiting.items():
        assert f'<dt>Due date for the result</dt> <dd class="due-paused_payment">{paused}</dd>' in html, name
        assert OLD_DUE not in html, name
    # Paused two working days: due Wednesday 11 March, 08:00.
    for name, html in paid.items():
        assert '<time datetime="2026-03-11T08:00:00+07:00">11/03/2026 08:00</time>' in html, name


def test_once_supplied_the_moved_due_date_is_shown():
    world = World(days=5)
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["Bản sao CCCD"], reason="Thiếu", at=vn(2026, 3, 3, 10, 0)
    )
    dossier = supplement_send(world, dossier, at=vn(2026, 3, 4, 10, 0))

    shown = pages(world, dossier)

    for name, html in shown.items():
        assert (
            '<dt>Due date for the result</dt> <dd class="due-due">'
            '<time datetime="2026-03-10T08:00:00+07:00">10/03/2026 08:00</time></dd>'
        ) in html, name
        assert "Paused since" not in html, name


def test_a_supplement_asked_before_reception_has_no_due_date_yet():
    world = World(days=5)
    dossier = dossier_request_supplement(by=world.front_desk, dossier=world.draft(), items=["CCCD"], reason="Thiếu")

    shown = pages(world, dossier)

    assert '<dt>Due date for the result</dt> <dd class="due-unset">Not set yet</dd>' in shown["detail"]
    assert "Paused since" not in shown["detail"]


@pytest.mark.parametrize("ending", ["withdrawn", "stopped", "refused"])
def test_a_closed_dossier_shows_when_it_was_closed_and_no_due_date(ending):
    world = World(days=5)
    at = vn(2026, 3, 4, 9, 15)
    if ending == "refused":
        dossier = dossier_refuse(by=world.front_desk, dossier=world.draft(), reasons=["Sai thẩm quyền"], at=at)
    else:
        dossier = world.received(at=vn(2026, 3, 2, 8, 0))
        if ending == "withdrawn":
            dossier = dossier_withdraw(by=world.applicant.user, dossier=dossier, reason="Không cần nữa", at=at)
        else:
            dossier = dossier_stop(by=world.leader, dossier=dossier, reason="Vi phạm", at=at)

    shown = pages(world, dossier)

    assert sorted(shown) == (["detail", "list"] if ending == "refused" else ["detail", "list", "lookup"])
    for name, html in shown.items():
        assert '<dt>Closed on</dt><dd><time datetime="2026-03-04T09:15:00+07:00">04/03/2026 09:15</time></dd>' in html
        assert "Due date for the result" not in html, name
        assert OLD_DUE not in html, name
