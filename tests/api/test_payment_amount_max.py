"""The amount of a payment asked for through the API: the service judges every finite number (422 ``amount``,
as docs/api.md says, above the maximum too, whatever its digits); what is no number stays a 400."""

import pytest

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import DossierStatus
from tests.api.helpers import api_client, place_make, post_json, token_for
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db


def _ask(amount):
    place = place_make()
    dossier = services.dossier_create_at_counter(
        by=place.front_desk, procedure=place.procedure, applicant=CitizenFactory()
    )
    dossier = services.dossier_receive(by=place.front_desk, dossier=dossier)
    response = post_json(
        api_client(token_for(place.specialist)), f"/api/v1/dossiers/{dossier.pk}/request-payment", {"amount": amount}
    )
    dossier.refresh_from_db()
    return response, dossier


@pytest.mark.parametrize(
    "amount",
    [
        pytest.param(1_000_000_000_001, id="just-above-the-maximum"),
        pytest.param("100000000000000000", id="17-digits-string"),
        pytest.param(10**17, id="17-digits-integer"),
        pytest.param(1e17, id="17-digits-float"),
        pytest.param("1e17", id="exponent-string"),
        pytest.param("1e999999999", id="huge-exponent"),
        pytest.param("12345678901234567.5", id="17-digits-and-a-fraction"),
        pytest.param("-100000000000000000", id="17-digits-negative"),
        pytest.param("1e-999999999", id="tiny-exponent"),
    ],
)
def test_any_finite_amount_out_of_range_is_422_amount(amount):
    response, dossier = _ask(amount)

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("amount", "amount")
    assert dossier.status == DossierStatus.RECEIVED


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        pytest.param("abc", "not_a_number", id="letters"),
        pytest.param("", "not_a_number", id="empty"),
        pytest.param(None, "not_a_number", id="null"),
        pytest.param(True, "not_a_number", id="boolean"),
        pytest.param("NaN", "invalid", id="nan"),
        pytest.param("Infinity", "invalid", id="infinity"),
        pytest.param(1e400, "invalid", id="float-overflowing-to-infinity"),
    ],
)
def test_what_is_no_finite_number_stays_400_invalid_request(amount, error):
    response, dossier = _ask(amount)

    assert response.status_code == 400
    body = response.json()
    assert (body["code"], [(e["code"], e["field"]) for e in body["errors"]]) == (
        "invalid_request",
        [(error, "amount")],
    )
    assert dossier.status == DossierStatus.RECEIVED


def test_the_maximum_itself_is_asked():
    response, dossier = _ask("1000000000000")

    assert response.status_code == 200
    assert dossier.status == DossierStatus.PAYMENT_REQUIRED
    assert dossier.events.get(action="request_payment").data == {"amount": "1000000000000", "currency": "VND"}
