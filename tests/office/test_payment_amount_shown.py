"""The front desk sees the payment it must confirm (status 6): the amount asked and what it is for, on the
dossier page and on the confirmation page, as the applicant sees them on the portal."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chinhquyen.dossiers import services
from tests.office.helpers import received

pytestmark = pytest.mark.django_db

AMOUNT_VI = '<dd id="payment-amount"><strong>1.234.567 VND</strong></dd>'
NOTE = '<dd id="payment-for">Lệ phí trước bạ</dd>'


def _asked(office, note="Lệ phí trước bạ"):
    dossier = received(office)
    return services.dossier_request_payment(by=office.specialist, dossier=dossier, amount=1234567, note=note)


def _page(client, dossier, *, language="vi"):
    return client.get(reverse("office:dossier", args=[dossier.pk]), HTTP_ACCEPT_LANGUAGE=language).content.decode()


def _confirm_page(client, dossier, *, language="vi"):
    url = reverse("office:dossier_action", args=[dossier.pk, "payment_confirmed"])
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_the_dossier_page_shows_the_amount_and_what_it_is_for(as_user, office):
    dossier = _asked(office)

    page = _page(as_user(office.front_desk), dossier)

    assert (page.count(AMOUNT_VI), page.count(NOTE)) == (1, 1)


def test_the_confirmation_page_shows_the_amount_and_what_it_is_for(as_user, office):
    dossier = _asked(office)

    page = _confirm_page(as_user(office.front_desk), dossier)

    form = page[page.index('<form method="post" class="stack confirm"') :]
    form = form[: form.index("</form>")]
    # In the confirmation form, read before its button.
    assert (form.count(AMOUNT_VI), form.count(NOTE)) == (1, 1)
    assert form.index(AMOUNT_VI) < form.index("<button")


def test_the_amount_is_grouped_as_the_language_writes_it(as_user, office):
    dossier = _asked(office)
    client = as_user(office.front_desk)

    pages = (_page(client, dossier, language="en"), _confirm_page(client, dossier, language="en"))

    assert [p.count('<dd id="payment-amount"><strong>1,234,567 VND</strong></dd>') for p in pages] == [1, 1]


def test_without_a_note_the_page_says_it_is_the_procedures_fees(as_user, office):
    dossier = _asked(office, note="")

    page = _page(as_user(office.front_desk), dossier, language="en")

    assert page.count('<dd id="payment-for">The fees or charges of this procedure.</dd>') == 1


def test_once_confirmed_no_payment_is_shown(as_user, office):
    dossier = _asked(office)
    dossier = services.dossier_payment_confirmed(by=office.front_desk, dossier=dossier)
    client = as_user(office.front_desk)

    page = _page(client, dossier)

    assert (dossier.status, page.count('id="payment-amount"')) == (4, 0)


def test_the_payment_costs_one_query_and_only_while_it_is_awaited(as_user, office):
    client = as_user(office.front_desk)
    dossier = received(office)
    client.get(reverse("office:dossier", args=[dossier.pk]))  # warm the per-process caches
    url = reverse("office:dossier", args=[dossier.pk])

    with CaptureQueriesContext(connection) as before:
        client.get(url)
    services.dossier_request_payment(by=office.specialist, dossier=dossier, amount=1234567)
    with CaptureQueriesContext(connection) as awaited:
        client.get(url)

    assert len(awaited) == len(before) + 1
