"""A receipt's QR code scanned into the search's code field finds its dossier.

The QR code printed on every slip holds the public lookup address (``?ma=<code>&k=<secret>``); a scanner at the
counter types it whole into the field that has the focus.
"""

import pytest
from django.urls import reverse

from chinhquyen.dossiers.documents.data import lookup_url_for

from .helpers import received

pytestmark = pytest.mark.django_db


def test_the_scanned_lookup_address_finds_the_dossier_and_shows_its_code(as_user, office):
    dossier = received(office)
    other = received(office)
    client = as_user(office.front_desk)

    response = client.get(reverse("office:search"), {"code": lookup_url_for(dossier)})

    body = response.content.decode()
    assert response.status_code == 200
    assert "1 dossier found" in body
    assert f'href="{reverse("office:dossier", args=[dossier.pk])}"' in body
    assert other.code not in body
    # The field shows the code read from it, not the address with the receipt's secret.
    assert f'name="code" value="{dossier.code}"' in body
    assert dossier.lookup_secret not in body


def test_a_scan_through_htmx_finds_it_too(as_user, office):
    dossier = received(office)
    client = as_user(office.front_desk)

    response = client.get(reverse("office:search"), {"code": lookup_url_for(dossier)}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "1 dossier found" in response.content.decode()


def test_another_agencys_receipt_scanned_finds_nothing(as_user, office, other_office):
    foreign = received(other_office)
    client = as_user(office.front_desk)

    response = client.get(reverse("office:search"), {"code": lookup_url_for(foreign)})

    assert "0 dossiers found" in response.content.decode()


@pytest.mark.parametrize(
    "typed",
    ["https://example.org/tra-cuu-ho-so/?k=7KQ2M-X9PDA", "x" * 41],
    ids=["an-address-without-a-code", "too-long"],
)
def test_anything_else_too_long_is_still_refused_at_the_field(as_user, office, typed):
    client = as_user(office.front_desk)

    response = client.get(reverse("office:search"), {"code": typed})

    body = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in body
    assert "found" not in body
