"""The SMS client module: text and numbers, the HTTP gateway tried against the simulator, the simulator's page."""

import json
import os
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from chinhquyen.notifications.models import SimulatedSms
from chinhquyen.notifications.sms import SmsError, phone_normalise, sms_backend, sms_plain
from chinhquyen.notifications.sms.http import HttpBackend
from chinhquyen.notifications.sms.simulator import SimulatorBackend

GATEWAY = "http://sms-gateway.test/sms-sim/api/messages"


class TestClientAdapter(BaseAdapter):
    """Hands requests' calls to Django's test client: the HTTP backend talks to the simulator, offline."""

    __test__ = False

    def __init__(self, client) -> None:
        super().__init__()
        self.client = client
        self.sent: list[requests.PreparedRequest] = []

    def send(self, request, **kwargs):
        self.sent.append(request)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in {"content-length", "content-type"}}
        answer = self.client.generic(
            request.method,
            urlsplit(request.url).path,
            data=request.body or b"",
            content_type=request.headers.get("Content-Type", ""),
            headers=headers,
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = answer.content
        response.headers = CaseInsensitiveDict(answer.headers)
        response.url, response.request = request.url, request
        return response

    def close(self) -> None:
        pass


@pytest.fixture
def gateway(client):
    adapter = TestClientAdapter(client)
    session = requests.Session()
    session.mount("http://sms-gateway.test/", adapter)
    backend = HttpBackend(url=GATEWAY, api_key="key-123", brandname="UBND-NB", timeout=2, session=session)
    return backend, adapter


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("Hồ sơ đã được tiếp nhận", "Ho so da duoc tiep nhan"),
        ("ĐĂNG KÝ khai sinh “lần đầu”…", 'DANG KY khai sinh "lan dau"...'),
        ("  Mã   hồ sơ:\n H37 ", "Ma ho so: H37"),
    ],
    ids=["accents", "capitals-and-quotes", "spaces"],
)
def test_sms_text_has_no_diacritics(text, plain):
    assert sms_plain(text) == plain


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("0912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84.987.654.321", "0987654321"),
        ("(039) 123-4567", "0391234567"),
        ("024 3825 1234", ""),  # a landline takes no SMS
        ("12345", ""),
        ("", ""),
    ],
)
def test_phone_numbers_are_normalised_to_mobiles(raw, normalised):
    assert phone_normalise(raw) == normalised


def test_backend_is_chosen_by_the_setting(settings):
    settings.SMS_BACKEND = "simulator"
    assert isinstance(sms_backend(), SimulatorBackend)
    settings.SMS_BACKEND = ""
    assert sms_backend() is None
    settings.SMS_BACKEND, settings.SMS_URL, settings.SMS_API_KEY = "http", GATEWAY, "k"
    http = sms_backend()
    assert isinstance(http, HttpBackend)
    assert (http.url, http.api_key, http.brandname, http.timeout) == (GATEWAY, "k", "CHINHQUYEN", 10.0)


@pytest.mark.django_db
def test_http_backend_posts_json_with_the_brandname_and_key(settings, gateway):
    settings.SMS_API_KEY = "key-123"
    backend, adapter = gateway

    reference = backend.send(phone="0912345678", message="Ho so da duoc tiep nhan", ref="notification-7")

    sms = SimulatedSms.objects.get()
    assert reference == f"sim-{sms.pk}"
    assert (sms.phone, sms.message, sms.brandname) == ("0912345678", "Ho so da duoc tiep nhan", "UBND-NB")
    [request] = adapter.sent
    assert json.loads(request.body) == {
        "phone": "0912345678",
        "message": "Ho so da duoc tiep nhan",
        "brandname": "UBND-NB",
    }
    assert (request.headers["Authorization"], request.headers["Idempotency-Key"]) == (
        "Bearer key-123",
        "notification-7",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("api_key", "phone", "message", "retryable"),
    [
        ("key-123", "0912340000", "Simulated failure -> 503", True),
        ("another-key", "0912345678", "Wrong key -> 401", False),
        ("key-123", "", "Missing number -> 400", False),
    ],
    ids=["gateway-failing", "wrong-key", "bad-request"],
)
def test_http_backend_raises_a_typed_error(settings, gateway, api_key, phone, message, retryable):
    settings.SMS_API_KEY = api_key
    backend, _adapter = gateway

    with pytest.raises(SmsError) as info:
        backend.send(phone=phone, message=message, ref="r")

    assert info.value.retryable is retryable
    assert SimulatedSms.objects.count() == 0


def test_http_backend_unreachable_gateway_is_retryable():
    class Unreachable(BaseAdapter):
        def send(self, request, **kwargs):
            raise requests.ConnectionError("no route")

        def close(self) -> None:
            pass

    session = requests.Session()
    session.mount("http://", Unreachable())
    backend = HttpBackend(url=GATEWAY, api_key="k", brandname="B", session=session)

    with pytest.raises(SmsError) as info:
        backend.send(phone="0912345678", message="x", ref="r")

    assert (str(info.value), info.value.retryable) == ("SMS gateway unreachable: ConnectionError", True)


@pytest.mark.django_db
def test_simulator_page_lists_the_messages(client):
    SimulatedSms.objects.create(phone="0912345678", message="Ho so 000.00.01.H37-260302-0001 da duoc tiep nhan")

    response = client.get("/sms-sim/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response.resolver_match.func.access_policy.public
    text = response.content.decode()
    assert "<h1>SMS simulator</h1>" in text
    assert "<td>0912345678</td><td>Ho so 000.00.01.H37-260302-0001 da duoc tiep nhan</td>" in text


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ENV", "SMS_BACKEND", "DATABASE_URL"}}
    environ.update(env, DJANGO_SETTINGS_MODULE="chinhquyen.config.settings")
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=False
    )


def test_simulator_page_is_not_mounted_without_debug():
    result = _python(
        "import django; django.setup()\n"
        "from django.urls import Resolver404, resolve\n"
        "try:\n    resolve('/sms-sim/'); print('mounted')\n"
        "except Resolver404:\n    print('absent')\n",
        DEBUG="false",
    )
    assert result.stdout.strip() == "absent", result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SMS_BACKEND": "http"}, "SMS_BACKEND=http needs SMS_URL and SMS_API_KEY."),
        (
            {"SMS_BACKEND": "simulator", "DJANGO_ENV": "production", "SECRET_KEY": "k" * 60},
            "SMS_BACKEND=simulator only stores messages",
        ),
    ],
    ids=["http-without-url", "simulator-in-production"],
)
def test_settings_refuse_an_unusable_sms_gateway(env, message):
    result = _python("import chinhquyen.config.settings", **env)
    assert result.returncode == 1
    assert message in result.stderr


def test_production_has_sms_off_unless_configured():
    result = _python(
        "import chinhquyen.config.settings as s; print(repr(s.SMS_BACKEND), s.SMS_SIMULATOR_PAGE)",
        DJANGO_ENV="production",
        SECRET_KEY="k" * 60,
    )
    assert result.stdout.strip() == "'' False", result.stderr
