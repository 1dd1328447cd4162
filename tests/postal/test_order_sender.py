"""The agency's side of a postal order (Decision 45/2016, spec §7): province, commune, address and phone, checked
before the partner is called; and the partner's answer read within the timeout, whatever its pace."""

import socket
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from chinhquyen.demo import province
from chinhquyen.directory.models import Agency
from chinhquyen.dossiers.models import DossierStatus
from chinhquyen.postal.client import KIND_DELIVERY, KIND_PICKUP, DeliveryOrder, Party, PostalError
from chinhquyen.postal.errors import PostalSenderIncomplete
from chinhquyen.postal.http import HttpBackend
from chinhquyen.postal.models import SimulatedPostalOrder
from chinhquyen.postal.pickups import postal_pickup_order
from chinhquyen.postal.services import agency_party, postal_result_send
from chinhquyen.postal.simulator.orders import sim_order_create

from .helpers import RECEIVER, resolved
from .test_pickups import PLACE, submitted

pytestmark = pytest.mark.django_db

HOA_LU = "14329"  # Phường Hoa Lư, Ninh Bình


def _province_level(agency: Agency, **fields: str) -> Agency:
    """``agency`` as the provincial service centre is in the directory: division "37", then ``fields``."""
    values = {"division_code": "37", "address": "Số 2 đường Lê Hồng Phong", "phone": "0229 3871 234"}
    values["address_division_code"] = HOA_LU
    for name, value in {**values, **fields}.items():
        setattr(agency, name, value)
    agency.save()
    return agency


def test_a_result_order_names_the_province_level_agency_in_full(office, settings):
    settings.POSTAL_BACKEND = "simulator"
    agency = _province_level(office.agency)

    postal_result_send(by=office.front_desk, dossier=resolved(office), **RECEIVER)

    assert SimulatedPostalOrder.objects.get().payload["sender"] == {
        "name": agency.name,
        "phone": "02293871234",
        "address": "Số 2 đường Lê Hồng Phong",
        "province_code": "37",
        "commune_code": HOA_LU,
    }


def test_a_commune_agency_without_an_address_commune_is_in_its_own_commune():
    agency = Agency(
        name="Ủy ban nhân dân xã Gia Viễn", division_code="14464", address="Thôn Đông", phone="0229 3860 111"
    )

    assert agency_party(agency) == Party(
        name="Ủy ban nhân dân xã Gia Viễn",
        phone="02293860111",
        address="Thôn Đông",
        province_code="37",
        commune_code="14464",
    )


@pytest.mark.parametrize(
    ("blank", "missing"),
    [
        ({"phone": ""}, "phone number"),
        ({"phone": "12345"}, "phone number"),
        ({"address": " "}, "address"),
        ({"address_division_code": ""}, "commune of the address"),
        (
            {"phone": "", "address": "", "address_division_code": ""},
            "phone number, address, commune of the address",
        ),
    ],
    ids=["no-phone", "wrong-phone", "no-address", "province-division-only", "nothing"],
)
def test_a_result_is_not_sent_for_an_agency_the_directory_does_not_locate(office, settings, blank, missing):
    settings.POSTAL_BACKEND = "simulator"
    agency = _province_level(office.agency, **blank)
    dossier = resolved(office)

    with pytest.raises(PostalSenderIncomplete) as refused:
        postal_result_send(by=office.front_desk, dossier=dossier, **RECEIVER)

    assert (refused.value.code, refused.value.field, refused.value.message) == (
        "postal_sender_incomplete",
        None,
        f"The post office needs the {missing} of {agency.name}, which the directory does not give: an"
        " administrator must complete the agency's address in the directory first.",
    )
    assert SimulatedPostalOrder.objects.count() == 0
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED


def test_a_pickup_is_not_ordered_to_an_agency_the_directory_does_not_locate(office, settings):
    settings.POSTAL_BACKEND = "simulator"
    _province_level(office.agency, address_division_code="")
    dossier = submitted(office)

    with pytest.raises(PostalSenderIncomplete) as refused:
        postal_pickup_order(by=dossier.applicant.user, dossier=dossier, **PLACE)

    assert refused.value.code == "postal_sender_incomplete"
    assert SimulatedPostalOrder.objects.count() == 0


def test_a_pickup_order_is_received_by_the_agency_in_full(office, settings):
    settings.POSTAL_BACKEND = "simulator"
    agency = _province_level(office.agency)
    dossier = submitted(office)

    postal_pickup_order(by=dossier.applicant.user, dossier=dossier, **PLACE)

    assert SimulatedPostalOrder.objects.get().payload["receiver"] == {
        "name": agency.name,
        "phone": "02293871234",
        "address": "Số 2 đường Lê Hồng Phong",
        "province_code": "37",
        "commune_code": HOA_LU,
    }


def test_the_office_page_says_why_the_result_cannot_go_by_post(office, settings, as_user):
    settings.POSTAL_BACKEND = "simulator"
    agency = _province_level(office.agency, phone="")
    dossier = resolved(office)

    page = as_user(office.front_desk).post(
        reverse("office:postal_send", args=[dossier.pk]),
        {**RECEIVER, "cod_amount": "0", "expected_version": dossier.version},
    )

    assert page.status_code == 409
    assert (
        f"The post office needs the phone number of {agency.name}, which the directory does not give"
        in page.content.decode().replace("&#x27;", "'")
    )


def _party(**fields: str) -> dict[str, str]:
    party = {"name": "Trung tâm", "phone": "0229387123", "address": "Số 2", "province_code": "37"}
    return {**party, "commune_code": HOA_LU, **fields}


@pytest.mark.parametrize(
    ("kind", "sender", "receiver", "field"),
    [
        (KIND_DELIVERY, _party(commune_code=""), _party(), "sender_commune_code"),
        (KIND_DELIVERY, _party(phone=" "), _party(), "sender_phone"),
        (KIND_PICKUP, _party(), _party(address=""), "receiver_address"),
        (KIND_PICKUP, _party(), _party(province_code=""), "receiver_province_code"),
    ],
    ids=["delivery-sender-commune", "delivery-sender-phone", "pickup-receiver-address", "pickup-receiver-province"],
)
def test_the_simulator_checks_both_parties(kind, sender, receiver, field):
    order = DeliveryOrder(
        reference="R1", sender=Party(**sender), receiver=Party(**receiver), description="x", kind=kind
    )

    with pytest.raises(PostalError) as refused:
        sim_order_create(customer_code="BCCI", payload=order.as_json())

    assert (refused.value.code, refused.value.field) == ("invalid_order", field)
    assert SimulatedPostalOrder.objects.count() == 0


@pytest.mark.parametrize("code", ["37", "99999", "1432a"], ids=["province", "unknown", "not-digits"])
def test_the_directory_refuses_an_address_commune_that_is_not_one(office, code):
    office.agency.address_division_code = code

    with pytest.raises(ValidationError) as refused:
        office.agency.full_clean()

    assert refused.value.message_dict == {
        "address_division_code": [f"{code} is not a commune code of the 2025 divisions (5 digits)."]
    }


def test_every_demo_agency_can_send_and_receive_by_post():
    for spec in province.AGENCIES:
        agency = Agency(
            name=spec.name,
            division_code=spec.division,
            address=spec.address,
            address_division_code=spec.address_division,
            phone=spec.phone,
        )
        assert agency_party(agency).commune_code == spec.address_division, spec.code


# --- The partner's answer within the timeout ----------------------------------------------------


def _dripping_partner(seconds: int) -> int:
    """A partner on this machine that answers headers at once, then a byte a second."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def serve() -> None:
        conn, _address = server.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
        for _second in range(seconds):
            time.sleep(1)
            try:
                conn.sendall(b" ")
            except OSError:
                break
        conn.close()
        server.close()

    threading.Thread(target=serve, daemon=True).start()
    return server.getsockname()[1]


def test_a_partner_dripping_its_answer_is_cut_off_at_the_timeout():
    port = _dripping_partner(12)
    backend = HttpBackend(base_url=f"http://127.0.0.1:{port}/", customer_code="BCCI", api_key="k", timeout=2, retries=0)
    order = DeliveryOrder(reference="R1", sender=Party(**_party()), receiver=Party(**_party()), description="x")

    with pytest.raises(PostalError) as failed:
        backend.order_create(order)

    assert (str(failed.value), failed.value.code, failed.value.retryable) == (
        "The postal partner did not answer (TotalTimeout).",
        "partner_unreachable",
        True,
    )
