"""The total time of ``request_within`` covers the status line and headers too, not only the body.

Real sockets on this machine: a receiver sending its headers a byte at a time (each read well within the per-read
timeout) is cut off at the deadline, its connection shut, over plain HTTP and TLS, through both client modules.
"""

import datetime
import ipaddress
import select
import socket
import ssl
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from chinhquyen.core.http_deadline import TotalTimeout, deadline_session, request_within
from chinhquyen.integrations import webhook_client
from chinhquyen.postal.client import DeliveryOrder, Party, PostalError
from chinhquyen.postal.http import HttpBackend

Answering = Callable[[socket.socket], None]


def _serve(answer: Answering, *, tls: ssl.SSLContext | None = None) -> tuple[int, threading.Thread]:
    """A receiver on this machine for one connection; the port and its thread."""
    server = socket.create_server(("127.0.0.1", 0))

    def run() -> None:
        with server:
            conn, _address = server.accept()
        if tls is not None:
            conn = tls.wrap_socket(conn, server_side=True)
        with conn:
            try:
                answer(conn)
            except OSError:
                pass  # the client closed the connection: the test looks at what the receiver saw before

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return server.getsockname()[1], thread


def _request_read(conn: socket.socket) -> None:
    """The request's head and its body (of a Content-Length), so that nothing of it is left to read."""
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = conn.recv(65536)
        if not chunk:
            return
        received += chunk
    head, _blank, body = received.partition(b"\r\n\r\n")
    lengths = [line.split(b":", 1)[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")]
    left = int(lengths[0]) - len(body) if lengths else 0
    while left > 0:
        left -= len(conn.recv(left))


def _closed_by_client(conn: socket.socket, *, within: float) -> bool:
    readable, _writable, _failed = select.select([conn], [], [], within)
    try:
        return bool(readable) and conn.recv(1) == b""
    except OSError:
        return True  # reset rather than closed: closed all the same


def _dripping_headers(closed: threading.Event) -> Answering:
    """The status line at once, then a header byte every 0.2 s for 3 s."""

    def answer(conn: socket.socket) -> None:
        _request_read(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        for _byte in range(15):
            conn.sendall(b"X")
            if _closed_by_client(conn, within=0.2):
                closed.set()
                return

    return answer


def _silent(closed: threading.Event) -> Answering:
    def answer(conn: socket.socket) -> None:
        _request_read(conn)
        if _closed_by_client(conn, within=3):
            closed.set()

    return answer


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, Path]:
    """A server context with a self-signed certificate for 127.0.0.1, and the certificate to trust."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context, cert_file


def test_headers_sent_a_byte_at_a_time_end_at_the_deadline_and_the_connection_is_shut():
    closed = threading.Event()
    port, _thread = _serve(_dripping_headers(closed))

    with pytest.raises(TotalTimeout) as late:
        request_within(deadline_session(), "GET", f"http://127.0.0.1:{port}/", seconds=0.6, max_bytes=100)

    assert str(late.value) == "no complete answer within 0.6 s"
    assert closed.wait(5)  # the client shut the connection before the receiver's 3 s were over


def test_a_receiver_that_never_answers_ends_at_the_deadline():
    closed = threading.Event()
    port, _thread = _serve(_silent(closed))

    with pytest.raises(TotalTimeout):
        request_within(deadline_session(), "GET", f"http://127.0.0.1:{port}/", seconds=0.4, max_bytes=100)

    assert closed.wait(5)  # the client shut the connection before the receiver's 3 s were over


def test_a_quick_answer_is_returned_whole_and_leaves_no_watchdog_running():
    def answer(conn: socket.socket) -> None:
        _request_read(conn)
        conn.sendall(
            b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-Order: 7\r\n"
            b'Content-Length: 11\r\nConnection: close\r\n\r\n{"ok":true}'
        )

    threads = threading.active_count()
    port, thread = _serve(answer)

    answered = request_within(deadline_session(), "GET", f"http://127.0.0.1:{port}/", seconds=2, max_bytes=100)
    thread.join(1)

    assert (answered.status_code, answered.headers["X-Order"], answered.body, answered.complete) == (
        201,
        "7",
        b'{"ok":true}',
        True,
    )
    assert threading.active_count() == threads


def test_a_connection_kept_from_an_earlier_answer_is_cut_off_too():
    """The session's pooled connection, reused: its headers are watched as a new connection's are."""
    second_on_same_connection, closed = threading.Event(), threading.Event()

    def answer(conn: socket.socket) -> None:
        _request_read(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
        _request_read(conn)
        second_on_same_connection.set()
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        for _byte in range(15):
            conn.sendall(b"X")
            if _closed_by_client(conn, within=0.2):
                closed.set()
                return

    port, _thread = _serve(answer)
    session = deadline_session()
    assert session.get(f"http://127.0.0.1:{port}/", timeout=2).content == b"{}"

    with pytest.raises(TotalTimeout):
        request_within(session, "GET", f"http://127.0.0.1:{port}/", seconds=0.4, max_bytes=100)

    assert second_on_same_connection.is_set()
    assert closed.wait(5)  # the client shut the connection before the receiver's 3 s were over


def test_over_tls_headers_sent_a_byte_at_a_time_end_at_the_deadline(tls):
    context, cert_file = tls
    closed = threading.Event()
    port, _thread = _serve(_dripping_headers(closed), tls=context)

    with pytest.raises(TotalTimeout):
        request_within(
            deadline_session(), "GET", f"https://127.0.0.1:{port}/", seconds=0.4, max_bytes=100, verify=str(cert_file)
        )

    assert closed.wait(5)  # the client shut the connection before the receiver's 3 s were over


def test_a_tls_handshake_sent_a_byte_at_a_time_ends_at_the_deadline():
    closed = threading.Event()

    def answer(conn: socket.socket) -> None:
        conn.recv(65536)  # the client's hello
        conn.sendall(b"\x16\x03\x03\x40\x00")  # a handshake record of 16 KB announced, then a byte every 0.2 s
        for _byte in range(15):
            conn.sendall(b"\x02")
            if _closed_by_client(conn, within=0.2):
                closed.set()
                return

    port, _thread = _serve(answer)

    with pytest.raises(TotalTimeout):
        request_within(deadline_session(), "GET", f"https://127.0.0.1:{port}/", seconds=0.4, max_bytes=100)

    assert closed.wait(5)  # the client shut the connection before the receiver's 3 s were over


def test_a_webhook_receiver_sending_its_headers_slowly_is_a_timed_out_attempt(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False  # through PublicAddressAdapter, its check passed for 127.0.0.1
    monkeypatch.setattr(webhook_client, "host_non_public_addresses", lambda host, port: [])
    monkeypatch.setattr(webhook_client, "TIMEOUT_SECONDS", 0.4)
    closed = threading.Event()
    port, _thread = _serve(_dripping_headers(closed))

    result = webhook_client.webhook_post(url=f"http://127.0.0.1:{port}/hook", body=b"{}", headers={})

    assert result == webhook_client.SendResult(status_code=None, error="TotalTimeout: no complete answer within 0.4 s")
    assert closed.wait(5)  # the client shut the connection before the receiver's 3 s were over


def test_the_postal_partner_sending_its_headers_slowly_did_not_answer():
    closed = threading.Event()
    port, _thread = _serve(_dripping_headers(closed))
    backend = HttpBackend(
        base_url=f"http://127.0.0.1:{port}/", customer_code="BCCI", api_key="k", timeout=0.4, retries=0
    )
    party = Party(name="A", phone="0900000000", address="B", province_code="37")
    order = DeliveryOrder(reference="R1", sender=party, receiver=party, description="x")

    with pytest.raises(PostalError) as failed:
        backend.order_create(order)

    assert (str(failed.value), failed.value.code, failed.value.retryable) == (
        "The postal partner did not answer (TotalTimeout).",
        "partner_unreachable",
        True,
    )
    assert closed.wait(5)  # the client shut the connection before the receiver's 3 s were over
