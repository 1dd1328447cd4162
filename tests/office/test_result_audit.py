"""The result sent by post from the office: the confirmation sent twice, and a result handed over meanwhile."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from chinhquyen.directory.services import staff_role_grant
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import DossierStatus, Substatus
from chinhquyen.postal.models import PostalShipment
from tests.factories import UserFactory
from tests.office.helpers import login, office_make
from tests.postal.helpers import FIRST_ITEM, RECEIVER, resolved

pytestmark = pytest.mark.django_db

SENT = f"The result was handed to the postal partner: item {FIRST_ITEM}."


@pytest.fixture
def office():
    return office_make(prefix="res")


def _form(dossier, version: int) -> dict:
    return {**RECEIVER, "cod_amount": "0", "expected_version": version}


def test_send_by_post_confirmed_twice_answers_the_second_as_the_first(client, office):
    # Given a result ready, and the officer's confirmation sent twice (Enter held) from the same page
    dossier = resolved(office)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, office.front_desk)
    url = reverse("office:postal_send", args=[dossier.pk])
    form = _form(dossier, dossier.version)

    first = client.post(url, form)
    second = client.post(url, form)
    page = client.get(second["Location"])

    # Then both land on the dossier, which says once that the result went with its item; one parcel, one return
    detail = reverse("office:dossier", args=[dossier.pk])
    assert (first.status_code, first["Location"]) == (302, detail)
    assert (second.status_code, second["Location"]) == (302, detail)
    assert [str(m) for m in get_messages(page.wsgi_request)] == [SENT]
    assert PostalShipment.objects.filter(dossier=dossier).count() == 1
    dossier.refresh_from_db()
    assert (dossier.status, dossier.substatus) == (DossierStatus.RETURNED, Substatus.RESULT_AWAITING_CONFIRMATION)
    assert dossier.events.filter(action="return").count() == 1


def test_a_result_a_colleague_handed_over_meanwhile_is_not_offered_by_post_again(client, office):
    # Given the page opened, then a colleague hands the result over at the counter
    dossier = resolved(office)
    version = dossier.version
    colleague = UserFactory(username="res.colleague")
    staff_role_grant(user=colleague, agency=office.agency, role="front_desk")
    services.dossier_return(by=colleague, dossier=dossier, method="counter")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, office.front_desk)

    # When the officer confirms the sending by post
    response = client.post(reverse("office:postal_send", args=[dossier.pk]), _form(dossier, version))

    # Then it is refused, nothing is sent, and the page no longer offers to send it
    body = response.content.decode()
    assert response.status_code == 409
    assert "The result was not sent; nothing was changed." in body
    assert "This action is not open to you on this dossier now." in body
    assert "Confirm: Send by post" not in body
    assert not PostalShipment.objects.filter(dossier=dossier).exists()
    dossier.refresh_from_db()
    assert (dossier.status, dossier.return_method) == (DossierStatus.RETURNED, "counter")
