"""Webhooks go only to public addresses unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES (server-side request forgery)."""

import socket

import pytest

from chinhquyen.core.errors import InvalidInput
from chinhquyen.integrations import webhook_client
from chinhquyen.integrations.addresses import address_is_public, host_is_local, host_non_public_addresses
from chinhquyen.integrations.services import webhook_subscribe
from tests.api.helpers import system_make


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.5", False),
        ("192.168.1.10", False),
        ("169.254.169.254", False),  # a cloud's metadata service
        ("100.64.0.1", False),  # shared address space (carrier-grade NAT)
        ("0.0.0.0", False),  # noqa: S104 - an address checked, not bound
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped: the IPv4 address decides
        ("::ffff:93.184.216.34", True),
        ("not-an-address", False),
    ],
)
def test_address_is_public(address, public):
    assert address_is_public(address) is public


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("localhost", True),
        ("LOCALHOST.", True),
        ("api.localhost", True),
        ("printer.local", True),
        ("metadata.google.internal", True),
        ("[::1]", True),
        ("10.0.0.7", True),
        ("93.184.216.34", False),
        ("hooks.example.vn", False),  # a DNS name: checked at delivery against what it resolves to
    ],
)
def test_host_is_local(host, local):
    assert host_is_local(host) is local


def test_a_name_is_judged_by_every_address_it_resolves_to(monkeypatch):
    answers = {"mixed.example.vn": ["93.184.216.34", "10.0.0.8"], "public.example.vn": ["93.184.216.34"]}

    def resolve(host, port, type=0):  # noqa: A002 - getaddrinfo's own keyword
        if host not in answers:
            raise socket.gaierror("no such name")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)

    assert host_non_public_addresses("mixed.example.vn", 443) == ["10.0.0.8"]
    assert host_non_public_addresses("public.example.vn", 443) == []
    assert host_non_public_addresses("missing.example.vn", 443) == ["missing.example.vn"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["https://10.1.2.3/hook", "https://169.254.169.254/latest/meta-data/", "https://[::1]:8443/", "https://localhost/"],
)
def test_subscribing_a_private_address_is_refused(settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    system, _key = system_make(code="ssrf")

    with pytest.raises(InvalidInput) as refused:
        webhook_subscribe(by=system.account, system=system, url=url, events=[])

    assert (refused.value.code, refused.value.field) == ("webhook_url_private", "url")
    assert system.webhook_subscriptions.count() == 0


@pytest.mark.django_db
def test_http_and_local_addresses_are_allowed_when_the_settings_say_so(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES, settings.DEBUG = True, False
    system, _key = system_make(code="relay")

    subscription = webhook_subscribe(by=system.account, system=system, url="http://127.0.0.1:9000/in", events=[])

    assert subscription.url == "http://127.0.0.1:9000/in"


@pytest.mark.django_db
def test_plain_http_is_refused_in_production(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES, settings.DEBUG = False, False
    system, _key = system_make(code="plain")

    with pytest.raises(InvalidInput) as refused:
        webhook_subscribe(by=system.account, system=system, url="http://hooks.example.vn/in", events=[])

    assert refused.value.code == "webhook_url"


def test_a_delivery_to_a_private_address_is_refused_before_connecting(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False

    def no_socket(*args, **kwargs):
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket, "create_connection", no_socket)
    monkeypatch.setattr(socket.socket, "connect", no_socket)

    result = webhook_client.webhook_post(url="https://127.0.0.1:8443/in", body=b"{}", headers={})

    assert (result.ok, result.status_code) == (False, None)
    assert "127.0.0.1 resolves to 127.0.0.1, not a public address" in result.error


def test_the_default_session_checks_addresses_only_when_private_ones_are_not_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    assert isinstance(
        webhook_client._default_session().get_adapter("https://x.example.vn/"), webhook_client.PublicAddressAdapter
    )
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    assert not isinstance(
        webhook_client._default_session().get_adapter("https://x.example.vn/"), webhook_client.PublicAddressAdapter
    )
