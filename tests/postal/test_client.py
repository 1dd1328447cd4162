"""The postal client against the local simulator: directly (SimulatorBackend) and over HTTP (HttpBackend)."""

import pytest
import requests

from chinhquyen.postal.client import DeliveryOrder, Party, PostalError, postal_client
from chinhquyen.postal.http import HttpBackend
from chinhquyen.postal.models import SimulatedPostalOrder
from chinhquyen.postal.simulator.backend import SimulatorBackend
from chinhquyen.postal.simulator.orders import item_code_for, s10_check_digit, sim_order_advance
from tests.identity.transport import DjangoClientAdapter

pytestmark = pytest.mark.django_db

SIM_API = "http://testserver/postal-sim/api/"


def _order(reference: str = "000.00.01.H37-260302-0001", phone: str = "0912345678", cod: int = 25000) -> DeliveryOrder:
    return DeliveryOrder(
        reference=reference,
        sender=Party(
            name="Trung tâm Phục vụ hành chính công",
            phone="02293871234",
            address="Hoa Lư",
            province_code="37",
            commune_code="14329",
        ),
        receiver=Party(
            name="Trần Thị Bình", phone=phone, address="Số 5, thôn Đông", province_code="37", commune_code="14464"
        ),
        description="Kết quả hồ sơ 000.00.01.H37-260302-0001",
        cod_amount=cod,
    )


def _http(adapter: requests.adapters.BaseAdapter | None = None, **kwargs) -> HttpBackend:
    session = requests.Session()
    session.mount("http://testserver/", adapter or DjangoClientAdapter())
    return HttpBackend(
        base_url=SIM_API, customer_code="BCCI-TEST", api_key="", session=session, sleep=lambda s: None, **kwargs
    )


@pytest.fixture(params=["simulator", "http"])
def backend(request):
    return SimulatorBackend(customer_code="BCCI-TEST") if request.param == "simulator" else _http()


def test_s10_check_digit_is_the_upu_one():
    # The UPU S10 standard's own example: RA 47312482 9 GB.
    assert s10_check_digit("47312482") == 9
    assert item_code_for(1) == "EB000000014VN"


def test_an_order_gets_a_number_and_a_barcode(backend):
    receipt = backend.order_create(_order())

    assert (receipt.order_number, receipt.item_code, receipt.state) == ("SIM00000001", "EB000000014VN", "created")
    stored = SimulatedPostalOrder.objects.get()
    assert stored.customer_code == "BCCI-TEST"
    assert stored.payload["receiver"] == {
        "name": "Trần Thị Bình",
        "phone": "0912345678",
        "address": "Số 5, thôn Đông",
        "province_code": "37",
        "commune_code": "14464",
    }
    assert stored.payload["item"] == {
        "description": "Kết quả hồ sơ 000.00.01.H37-260302-0001",
        "cod_amount": 25000,
        "currency": "VND",
    }


def test_ordering_the_same_reference_again_returns_the_first_order(backend):
    first = backend.order_create(_order())
    again = backend.order_create(_order())
    other = backend.order_create(_order(reference="000.00.01.H37-260302-0002"))

    assert again == first
    assert other.item_code == "EB000000028VN"
    assert SimulatedPostalOrder.objects.count() == 2


def test_tracking_follows_the_postal_service(backend):
    receipt = backend.order_create(_order())
    order = SimulatedPostalOrder.objects.get()

    sim_order_advance(order)
    picked = backend.order_track(order_number=receipt.order_number)
    sim_order_advance(order, note="Người nhận: Bình")
    delivered = backend.order_track(order_number=receipt.order_number)

    assert picked.state == "picked_up"
    assert delivered.state == "delivered"
    assert [(e["state"], e["note"]) for e in delivered.events] == [
        ("created", ""),
        ("picked_up", ""),
        ("delivered", "Người nhận: Bình"),
    ]
    assert delivered.item_code == "EB000000014VN"


def test_a_receiver_phone_ending_in_0000_is_refused(backend):
    with pytest.raises(PostalError) as refused:
        backend.order_create(_order(phone="0912340000"))

    assert (refused.value.code, refused.value.field, refused.value.retryable) == (
        "receiver_phone_refused",
        "receiver_phone",
        False,
    )
    assert refused.value.message == "Delivery to this phone number is not accepted."
    assert SimulatedPostalOrder.objects.count() == 0


def test_an_order_is_cancelled_only_before_pickup(backend):
    first = backend.order_create(_order())
    backend.order_cancel(order_number=first.order_number)
    backend.order_cancel(order_number=first.order_number)  # twice is not an error
    second = backend.order_create(_order())
    sim_order_advance(SimulatedPostalOrder.objects.get(order_number=second.order_number))

    with pytest.raises(PostalError) as refused:
        backend.order_cancel(order_number=second.order_number)

    assert backend.order_track(order_number=first.order_number).state == "cancelled"
    assert second.order_number == "SIM00000002"
    assert refused.value.code == "not_cancellable"


def test_an_unknown_order_is_reported(backend):
    with pytest.raises(PostalError) as missing:
        backend.order_track(order_number="SIM99999999")

    assert missing.value.code == "order_not_found"


def test_http_backend_sends_the_api_key_and_a_wrong_one_is_refused(settings):
    settings.POSTAL_API_KEY = "right-key"
    adapter = DjangoClientAdapter()
    good = _http(adapter)
    good.api_key = "right-key"
    bad = _http(adapter)
    bad.api_key = "wrong-key"

    receipt = good.order_create(_order())
    with pytest.raises(PostalError) as refused:
        bad.order_track(order_number=receipt.order_number)

    assert receipt.item_code == "EB000000014VN"
    assert (refused.value.code, refused.value.retryable) == ("unauthorised", False)
    assert adapter.calls == [("POST", "/postal-sim/api/orders"), ("GET", "/postal-sim/api/orders/SIM00000001")]


class _Busy(requests.adapters.BaseAdapter):
    """Answers 503 ``times`` times, then hands the request to the simulator."""

    def __init__(self, times: int) -> None:
        super().__init__()
        self.times = times
        self.inner = DjangoClientAdapter()

    def send(self, request, **kwargs):
        if self.times:
            self.times -= 1
            response = requests.Response()
            response.status_code = 503
            response._content = b"busy"
            response.request = request
            return response
        return self.inner.send(request, **kwargs)

    def close(self) -> None:
        pass


def test_http_backend_retries_a_busy_partner_then_succeeds():
    pauses: list[float] = []
    backend = _http(_Busy(times=2))
    backend.sleep = pauses.append

    receipt = backend.order_create(_order())

    assert receipt.item_code == "EB000000014VN"
    assert pauses == [0.5, 1.0]
    assert SimulatedPostalOrder.objects.count() == 1


def test_http_backend_gives_up_after_its_retries():
    backend = _http(_Busy(times=3), retries=2)

    with pytest.raises(PostalError) as busy:
        backend.order_create(_order())

    assert (busy.value.code, busy.value.retryable) == ("partner_busy", True)
    assert SimulatedPostalOrder.objects.count() == 0


def test_the_backend_is_chosen_by_the_setting(settings):
    settings.POSTAL_BACKEND = "simulator"
    assert isinstance(postal_client(), SimulatorBackend)
    settings.POSTAL_BACKEND = "http"
    settings.POSTAL_URL = "https://postal.example.vn/api/v1/"
    assert isinstance(postal_client(), HttpBackend)
    settings.POSTAL_BACKEND = ""
    with pytest.raises(PostalError) as disabled:
        postal_client()
    assert disabled.value.code == "postal_disabled"
