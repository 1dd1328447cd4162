"""A payment asked for (status 6) is shown with its amount, what it is for and whom to pay; no pay button."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.dossiers.services import (
    dossier_forward,
    dossier_payment_confirmed,
    dossier_request_payment,
    dossier_send_back,
)
from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db

NOTE = "Lệ phí đăng ký khai sinh"
ADDRESS = "Số 1 Đinh Tiên Hoàng, phường Hoa Lư"
PHONE = "02293871234"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def signed_in(world: World, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(world.applicant.user)
    return client


def lookup(dossier, language: str = "en") -> str:
    client = Client(headers={"accept-language": language}, REMOTE_ADDR="198.51.100.7")
    return text(client.get(reverse("portal:dossier_lookup"), {"ma": dossier.code, "k": dossier.lookup_secret}))


def paying(note: str = NOTE):
    """A dossier of an agency with an address and a phone, waiting for 1,250,000 VND from its applicant."""
    world = World(days=5)
    world.agency.address, world.agency.phone = ADDRESS, PHONE
    world.agency.save()
    dossier = dossier_forward(by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)))
    dossier = dossier_send_back(by=world.leader, dossier=dossier, reason="Tính phí")
    dossier = dossier_request_payment(by=world.specialist, dossier=dossier, amount=1250000, note=note)
    return world, dossier


def section(html: str, heading_id: str) -> str:
    found = re.search(rf'<section class="action-box" aria-labelledby="{heading_id}">(.*?)</section>', html)
    assert found, heading_id
    return found.group(1)


def test_the_dossier_page_shows_the_amount_what_it_is_for_and_how_to_pay():
    world, dossier = paying()

    html = text(signed_in(world).get(reverse("portal:my_dossier", args=[dossier.pk])))

    box = section(html, "payment-heading")
    assert '<h2 id="payment-heading">Fees or charges to pay</h2>' in box
    assert '<dt>Amount</dt><dd id="payment-amount"><strong>1,250,000 VND</strong></dd>' in box
    assert f'<dt>What it is for</dt><dd id="payment-for">{NOTE}</dd>' in box
    assert (
        f"<p>Online payment is not available yet: pay as {world.agency.name} instructs you. "
        "Processing goes on once the agency has confirmed the payment.</p>"
    ) in box
    assert (
        f'<p class="agency-contact">{world.agency.name}, {ADDRESS}. Phone: <a href="tel:{PHONE}">{PHONE}</a></p>'
    ) in box
    assert "<form" not in box  # nothing to pay online with
    assert "<button" not in box
    assert "Waiting for you to pay the fees or charges due." in html


def test_the_list_and_the_lookup_show_the_amount_and_the_lookup_keeps_the_note_private():
    world, dossier = paying()

    listed = text(signed_in(world).get(reverse("portal:my_dossiers")))
    public = lookup(dossier)

    assert "<dt>Amount to pay</dt><dd><strong>1,250,000 VND</strong></dd>" in listed
    assert (
        '<dt>Amount to pay</dt> <dd id="lookup-payment"><strong>1,250,000 VND</strong>: '
        "the fees or charges due for this dossier. <p>Online payment is not available yet: pay as the receiving "
        "agency instructs you. Processing goes on once the agency has confirmed the payment.</p> "
        f'<p class="agency-contact">{world.agency.name}, {ADDRESS}. Phone: <a href="tel:{PHONE}">{PHONE}</a></p> </dd>'
    ) in public
    assert NOTE not in public  # the officer's note may name the applicant: the receipt's holder sees the amount


def test_amounts_are_grouped_by_thousands_in_vietnamese_too():
    world, dossier = paying()

    html = text(signed_in(world, "vi").get(reverse("portal:my_dossier", args=[dossier.pk])))

    assert '<dd id="payment-amount"><strong>1.250.000 VND</strong></dd>' in html
    assert "<strong>1.250.000 VND</strong>" in lookup(dossier, "vi")


def test_without_a_note_the_payment_is_for_the_procedures_fees():
    world, dossier = paying(note="")

    html = text(signed_in(world).get(reverse("portal:my_dossier", args=[dossier.pk])))

    assert '<dd id="payment-for">The fees or charges of this procedure.</dd>' in html


def test_once_the_payment_is_confirmed_nothing_is_asked_any_more():
    world, dossier = paying()
    dossier_payment_confirmed(by=world.front_desk, dossier=dossier)

    html = text(signed_in(world).get(reverse("portal:my_dossier", args=[dossier.pk])))

    assert "Fees or charges to pay" not in html
    assert "lookup-payment" not in lookup(dossier)
    assert f"Payment of fees requested: {NOTE}" in html  # the timeline keeps it
    assert "Payment confirmed" in html
