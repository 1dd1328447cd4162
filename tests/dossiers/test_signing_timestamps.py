"""Signature timestamps (RFC 3161, PAdES B-T): the test CA's TSA in tests, the TSA at SIGNING_TSA_URL in production."""

import asyncio
import hashlib
import io
import logging
import stat
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID
from django.core.checks import run_checks
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper, TimestampRequestError

from chinhquyen.dossiers.checks import check_signing_tsa_url
from chinhquyen.dossiers.documents import pdf_sign, pdf_verify, signing
from chinhquyen.dossiers.documents.pki import agency_credentials, dev_tsa_credentials, signing_keys_encrypt
from chinhquyen.dossiers.documents.timestamps import LocalTimeStamper, signing_timestamper
from tests.dossiers.signers import COMMUNE, DEPARTMENT

TSA_URL = "https://tsa.example.gov.vn/tsa"
ENCRYPTED_PEM = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"


@pytest.fixture(scope="session")
def pki_path(tmp_path_factory):
    # One test CA (and TSA) for the whole session.
    return tmp_path_factory.mktemp("pki-tsa")


@pytest.fixture(autouse=True)
def _pki(settings, pki_path):
    settings.SIGNING_PKI_DIR = pki_path
    settings.SIGNING_KEY_PASSPHRASE = ""
    settings.SIGNING_TSA_URL = ""
    settings.SIGNING_TSA_USERNAME = ""
    settings.SIGNING_TSA_PASSWORD = ""


def _signer_info(pdf: bytes, index: int = 0) -> cms.SignerInfo:
    return PdfFileReader(io.BytesIO(pdf)).embedded_signatures[index].signer_info


def _tokens(signer_info: cms.SignerInfo) -> list[cms.ContentInfo]:
    return [
        token
        for attr in signer_info["unsigned_attrs"]
        if attr["type"].native == "signature_time_stamp_token"
        for token in attr["values"]
    ]


def _with_token(pdf: bytes, token: cms.ContentInfo) -> bytes:
    """``pdf`` with its one signature's timestamp token replaced: the signed bytes and signature stay as they are."""
    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    signed_data = sig.signed_data.copy()
    signer_info = signed_data["signer_infos"][0]
    signer_info["unsigned_attrs"] = cms.CMSAttributes(
        [cms.CMSAttribute({"type": "signature_time_stamp_token", "values": [token]})]
    )
    blob = cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump().hex().encode()
    start, end = sig.byte_range[1] + 1, sig.byte_range[2] - 1  # inside the <...> of /Contents
    assert len(blob) <= end - start
    return pdf[:start] + blob.ljust(end - start, b"0") + pdf[end:]


def test_a_signed_slip_carries_a_token_of_the_test_tsa_and_verifies_timestamped(slip):
    before = datetime.now(UTC)

    signed = pdf_sign(pdf=slip, agency=COMMUNE)
    check = pdf_verify(pdf=signed)

    tokens = _tokens(_signer_info(signed))
    assert len(tokens) == 1
    tsa_cert = dev_tsa_credentials().cert
    token_certs = tokens[0]["content"]["certificates"]
    assert [c.chosen.dump() for c in token_certs] == [tsa_cert.dump()]
    assert tokens[0]["content"]["signer_infos"][0]["sid"].chosen["serial_number"].native == tsa_cert.serial_number
    assert (check.signed, check.intact, check.trusted, check.valid, check.timestamped) == (True,) * 5
    assert check.summary == "INTACT:TRUSTED,UNTOUCHED"
    assert check.timestamps == (check.timestamp_at,)
    assert check.timestamp_at is not None
    assert before - timedelta(seconds=1) <= check.timestamp_at <= datetime.now(UTC)
    assert abs(check.timestamp_at - datetime.now(UTC)) < timedelta(minutes=1)


def test_the_token_imprint_is_the_sha256_of_the_signature_value(slip):
    signer_info = _signer_info(pdf_sign(pdf=slip, agency=COMMUNE))

    tst_info = _tokens(signer_info)[0]["content"]["encap_content_info"]["content"].parsed
    imprint = tst_info["message_imprint"]

    assert imprint["hash_algorithm"]["algorithm"].native == "sha256"
    assert imprint["hashed_message"].native == hashlib.sha256(signer_info["signature"].native).digest()
    assert tst_info["policy"].dotted == "2.999.3161.1"


def test_one_byte_tamper_makes_the_timestamped_signature_invalid(slip):
    signed = bytearray(pdf_sign(pdf=slip, agency=COMMUNE))
    signed[len(slip) // 2] ^= 0x01

    check = pdf_verify(pdf=bytes(signed))

    assert (check.signed, check.intact, check.valid) == (True, False, False)


def test_a_token_taken_from_another_signature_is_refused(slip):
    signed = pdf_sign(pdf=slip, agency=COMMUNE)
    other = _tokens(_signer_info(pdf_sign(pdf=slip, agency=COMMUNE)))[0]  # ECDSA: another signature value

    check = pdf_verify(pdf=_with_token(signed, other))

    # pyhanko trusts only an intact token, as it trusts only an intact signature.
    assert (check.intact, check.trusted, check.valid, check.timestamped) == (False, False, False, True)
    assert check.summary == "INTACT:TRUSTED,TIMESTAMP_TOKEN<INVALID>,UNTOUCHED"


def test_a_token_from_a_tsa_outside_the_trust_roots_is_untrusted(slip, settings, tmp_path, pki_path):
    signed = pdf_sign(pdf=slip, agency=COMMUNE)
    signature = _signer_info(signed)["signature"].native
    settings.SIGNING_PKI_DIR = tmp_path  # another test CA, unknown to the platform
    foreign = signing_timestamper()
    token = signing.async_run(lambda: foreign.async_timestamp(hashlib.sha256(signature).digest(), "sha256"))
    settings.SIGNING_PKI_DIR = pki_path

    check = pdf_verify(pdf=_with_token(signed, token))

    assert (check.intact, check.trusted, check.valid, check.timestamped) == (True, False, False, True)
    assert check.summary == "INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:UNTRUSTED>,UNTOUCHED"


def test_the_tsa_certificate_is_for_timestamping_only_from_the_test_ca(pki_path):
    dev_tsa_credentials()

    cert = x509.load_pem_x509_certificate((pki_path / "tsa" / "cert.pem").read_bytes())
    root = x509.load_pem_x509_certificate((pki_path / "trust" / "dev-root.pem").read_bytes())
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert (eku.critical, list(eku.value)) == (True, [ExtendedKeyUsageOID.TIME_STAMPING])
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert {a.oid._name: a.value for a in cert.subject} == {
        "countryName": "VN",
        "organizationName": "chinhquyen",
        "commonName": "TSA thử nghiệm chinhquyen - không dùng thật",
    }
    assert cert.issuer == root.subject
    cert.verify_directly_issued_by(root)
    public_key = cert.public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    assert public_key.curve.name == "secp256r1"
    assert stat.S_IMODE((pki_path / "tsa" / "key.pem").stat().st_mode) == 0o600


def test_the_tsa_key_is_encrypted_with_the_passphrase_like_the_others(settings, tmp_path, slip):
    settings.SIGNING_PKI_DIR = tmp_path / "with"
    settings.SIGNING_KEY_PASSPHRASE = "mật khẩu ký số 2026"

    assert pdf_verify(pdf=pdf_sign(pdf=slip, agency=COMMUNE)).timestamped
    assert (tmp_path / "with" / "tsa" / "key.pem").read_bytes().startswith(ENCRYPTED_PEM)

    settings.SIGNING_PKI_DIR = tmp_path / "without"
    settings.SIGNING_KEY_PASSPHRASE = ""
    pdf_sign(pdf=slip, agency=COMMUNE)  # keys in clear, the TSA's included
    settings.SIGNING_KEY_PASSPHRASE = "mật khẩu ký số 2026"
    result = signing_keys_encrypt()

    assert [p.relative_to(tmp_path / "without").as_posix() for p in result.encrypted] == [
        "agencies/000.00.01.H37/key.pem",
        "dev-root/key.pem",
        "tsa/key.pem",
    ]
    assert (tmp_path / "without" / "tsa" / "key.pem").read_bytes().startswith(ENCRYPTED_PEM)


def test_countersignatures_are_each_timestamped(slip):
    twice = pdf_sign(pdf=pdf_sign(pdf=slip, agency=COMMUNE), agency=DEPARTMENT)

    check = pdf_verify(pdf=twice)

    assert (check.valid, check.timestamped, len(check.timestamps)) == (True, True, 2)
    first, second = check.timestamps
    assert first is not None
    assert second is not None
    assert first <= second == check.timestamp_at


def test_a_b_b_signature_among_timestamped_ones_is_reported(slip, monkeypatch):
    monkeypatch.setattr(signing, "signing_timestamper", lambda: None)
    plain = pdf_sign(pdf=slip, agency=COMMUNE)
    monkeypatch.undo()

    check = pdf_verify(pdf=pdf_sign(pdf=plain, agency=DEPARTMENT))

    assert (check.valid, check.timestamped) == (True, False)
    assert check.timestamps[0] is None
    assert check.timestamps[1] == check.timestamp_at
    assert check.timestamp_at is not None


def test_signing_inside_a_running_event_loop_is_timestamped(slip):
    async def in_async_view():
        return pdf_sign(pdf=slip, agency=COMMUNE)

    with ThreadPoolExecutor(max_workers=1) as pool:
        signed = pool.submit(asyncio.run, in_async_view()).result()

    assert (pdf_verify(pdf=signed).valid, pdf_verify(pdf=signed).timestamped) == (True, True)


class _SilentTSA(TimeStamper):
    async def async_request_tsa_response(self, req):
        raise TimestampRequestError("Error while contacting timestamp service")


def test_a_tsa_that_does_not_answer_leaves_a_b_b_signature_and_an_error(slip, monkeypatch, caplog):
    monkeypatch.setattr(signing, "signing_timestamper", _SilentTSA)

    with caplog.at_level(logging.ERROR, logger="chinhquyen.dossiers.documents.signing"):
        signed = pdf_sign(pdf=slip, agency=COMMUNE)

    check = pdf_verify(pdf=signed)
    assert (check.valid, check.timestamped, check.timestamp_at, check.timestamps) == (True, False, None, (None,))
    assert _tokens(_signer_info(signed)) == []
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        (
            "ERROR",
            "The timestamp authority did not answer: 000.00.01.H37 signed without a timestamp (PAdES B-B).",
        )
    ]


def test_outside_production_the_local_tsa_is_chosen_even_with_a_url(settings, pki_path):
    settings.SIGNING_TSA_URL = TSA_URL

    timestamper = signing_timestamper()

    assert type(timestamper) is LocalTimeStamper
    assert timestamper.cert.dump() == dev_tsa_credentials().cert.dump()


def test_production_without_a_tsa_url_signs_b_b_with_installed_credentials(settings, tmp_path, pki_path, slip):
    # As test_documents_signing's installed credentials: copied from the test CA, then production reads them.
    agency_credentials(COMMUNE)
    target = tmp_path / "agencies" / COMMUNE.code
    target.mkdir(parents=True)
    for name in ("key.pem", "cert.pem"):
        (target / name).write_bytes((pki_path / "agencies" / COMMUNE.code / name).read_bytes())
    (tmp_path / "trust").mkdir()
    (tmp_path / "trust" / "root.pem").write_bytes((pki_path / "trust" / "dev-root.pem").read_bytes())
    settings.PRODUCTION = True
    settings.SIGNING_PKI_DIR = tmp_path

    signed = pdf_sign(pdf=slip, agency=COMMUNE)
    check = pdf_verify(pdf=signed)

    assert signing_timestamper() is None
    assert _tokens(_signer_info(signed)) == []
    assert (check.valid, check.signer, check.summary) == (True, COMMUNE.name, "INTACT:TRUSTED,UNTOUCHED")
    assert (check.timestamped, check.timestamp_at, check.timestamps) == (False, None, (None,))
    assert not (tmp_path / "tsa").exists()  # production never issues a TSA certificate


@pytest.mark.parametrize(
    ("username", "password", "auth"),
    [
        pytest.param("", "", None, id="anonymous"),
        pytest.param("chinhquyen", "bí mật", ("chinhquyen", "bí mật"), id="basic-auth"),
    ],
)
def test_production_with_a_tsa_url_chooses_the_http_client(settings, username, password, auth):
    settings.PRODUCTION = True
    settings.SIGNING_TSA_URL = TSA_URL
    settings.SIGNING_TSA_USERNAME = username
    settings.SIGNING_TSA_PASSWORD = password

    timestamper = signing_timestamper()  # built only: no request is made

    assert type(timestamper) is HTTPTimeStamper
    assert (timestamper.url, timestamper.timeout) == (TSA_URL, 10)
    assert (None if timestamper.auth is None else (timestamper.auth.login, timestamper.auth.password)) == auth


def test_check_deploy_warns_only_without_a_tsa_url(settings, db):
    unset = [m.id for m in run_checks(include_deployment_checks=True)]
    plain = [m.id for m in run_checks(include_deployment_checks=False)]
    settings.SIGNING_TSA_URL = TSA_URL
    set_ = [m.id for m in run_checks(include_deployment_checks=True)]

    assert ("dossiers.W002" in unset, "dossiers.W002" in plain, "dossiers.W002" in set_) == (True, False, False)
    assert check_signing_tsa_url() == []
    settings.SIGNING_TSA_URL = ""
    assert [(m.level, m.msg) for m in check_signing_tsa_url()] == [
        (30, "SIGNING_TSA_URL is not set: signatures carry no trusted timestamp (PAdES B-B, not B-T).")
    ]
