"""Signing audit fixes: who signs an uploaded result, credentials checked before signing, renewed certificates
picked up without a restart, a refusal that names the missing certificate, expired test-CA certificates renewed."""

import io
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader

from chinhquyen.dossiers import services
from chinhquyen.dossiers.documents import pdf_sign, pdf_verify, signing, slip_pdf_for_applicant
from chinhquyen.dossiers.documents import pki as P
from chinhquyen.dossiers.documents.pki import SigningCertificateInvalid
from chinhquyen.dossiers.errors import SigningUnavailable
from chinhquyen.dossiers.models import DocumentKind, Dossier
from chinhquyen.dossiers.services import dossier_approve, dossier_forward, dossier_issue_result
from tests.api.helpers import api_client, place_make, post_json, token_for
from tests.dossiers.factories import AgencyFactory, World, officer, pdf_bytes, template_add, vn
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db

NOW = datetime.now(UTC).replace(microsecond=0)
SIGNING_UNAVAILABLE = "This agency has no valid signing certificate: ask the administrator to install one."
SIGNING_LOGGER = "chinhquyen.dossiers.documents.signing"


def _production_pki(settings, tmp_path: Path) -> tuple[Path, tuple[ec.EllipticCurvePrivateKey, x509.Certificate]]:
    """Production mode (no test CA, no TSA) over an empty PKI directory trusting a root of the test's own."""
    settings.PRODUCTION = True
    settings.SIGNING_TSA_URL = ""
    settings.SIGNING_PKI_DIR = tmp_path / "pki"
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Root CA test")])
    root = (
        _builder(
            name, key.public_key(), issuer=name, before=NOW - timedelta(days=3000), after=NOW + timedelta(days=3000)
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "pki" / "trust").mkdir(parents=True)
    (tmp_path / "pki" / "trust" / "root.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    return tmp_path / "pki", (key, root)


def _builder(subject, public_key, *, issuer, before, after) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(before)
        .not_valid_after(after)
    )


def _install(pki, ca, agency, *, before, after, key=None) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """Install ``agencies/<code>/{key,cert}.pem`` as an operator would: a key and a certificate of the root's."""
    ca_key, ca_cert = ca
    key = key or ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, agency.name)])
    cert = (
        _builder(subject, key.public_key(), issuer=ca_cert.subject, before=before, after=after)
        .add_extension(P._signing_key_usage(), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    folder = pki / "agencies" / agency.code
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    (folder / "key.pem").write_bytes(pem)
    return key, cert


def _approved() -> tuple[World, Dossier]:
    w = World()
    d = w.received(at=vn(2026, 3, 2, 8, 0))
    d = dossier_forward(by=w.specialist, dossier=d, at=vn(2026, 3, 3, 9, 0))
    return w, dossier_approve(by=w.leader, dossier=d, at=vn(2026, 3, 4, 9, 0))


def _signer_serial(pdf: bytes) -> int:
    return int(PdfFileReader(io.BytesIO(pdf)).embedded_signatures[-1].signer_cert.serial_number)


# 1. An uploaded result is signed by the agency that decided it, as a written one is.
def test_an_uploaded_result_is_signed_by_the_lead_agency_not_the_front_desks():
    w = World(days=10)
    department = AgencyFactory(name="Sở Tư pháp tỉnh Ninh Bình")
    specialist, leader = officer(department, "specialist"), officer(department, "leader")
    template_add(
        w.procedure,
        [
            ("Tiếp nhận", "front_desk", None, "4"),
            ("Thẩm định", "specialist", department, "56"),
            ("Phê duyệt", "leader", department, "16"),
            ("Trả kết quả", "front_desk", None, "4"),
        ],
    )
    d = w.received(at=vn(2026, 3, 2, 8, 0))
    d = dossier_forward(by=specialist, dossier=d, at=vn(2026, 3, 3, 8, 0))
    d = dossier_approve(by=leader, dossier=d, at=vn(2026, 3, 4, 8, 0))
    upload = SimpleUploadedFile("kq.pdf", pdf_bytes(), content_type="application/pdf")

    d = dossier_issue_result(by=w.front_desk, dossier=d, upload=upload, at=vn(2026, 3, 4, 9, 0))

    document = d.documents.get(kind=DocumentKind.RESULT)
    check = pdf_verify(pdf=document.file.read())
    assert (document.signed, check.valid, check.signer) == (True, True, "Sở Tư pháp tỉnh Ninh Bình")


# 2. Credentials outside their validity period, or a certificate not of the key, are refused before signing.
@pytest.mark.parametrize("case", ["expired", "not_yet_valid", "another_agencys_certificate"])
def test_unusable_credentials_refuse_the_result_and_store_nothing(settings, tmp_path, case, caplog):
    w, d = _approved()
    pki, ca = _production_pki(settings, tmp_path)
    folder = pki / "agencies" / w.agency.code
    if case == "expired":
        _, cert = _install(pki, ca, w.agency, before=NOW - timedelta(days=800), after=NOW - timedelta(days=1))
        reason = f"expired on {NOW - timedelta(days=1):%Y-%m-%d %H:%M:%S} UTC: install a renewed certificate"
    elif case == "not_yet_valid":
        _install(pki, ca, w.agency, before=NOW + timedelta(days=5), after=NOW + timedelta(days=800))
        reason = f"is valid only from {NOW + timedelta(days=5):%Y-%m-%d %H:%M:%S} UTC"
    else:
        _install(pki, ca, w.agency, before=NOW - timedelta(days=1), after=NOW + timedelta(days=800))
        other = SimpleNamespace(code="OTHER", name="UBND xã Khác")
        _install(pki, ca, other, before=NOW - timedelta(days=1), after=NOW + timedelta(days=800))
        (folder / "cert.pem").write_bytes((pki / "agencies" / "OTHER" / "cert.pem").read_bytes())
        reason = f"is not the certificate of the key {folder / 'key.pem'}: install the key and its certificate"
    expected = f"The signing certificate of agency {w.agency.code} ({folder / 'cert.pem'}) {reason}."
    upload = SimpleUploadedFile("kq.pdf", pdf_bytes(), content_type="application/pdf")

    with caplog.at_level(logging.ERROR, logger=SIGNING_LOGGER), pytest.raises(SigningUnavailable) as refused:
        dossier_issue_result(by=w.front_desk, dossier=d, upload=upload, at=vn(2026, 3, 4, 10, 0))

    assert (refused.value.code, refused.value.message, refused.value.field) == (
        "signing_unavailable",
        SIGNING_UNAVAILABLE,
        None,
    )
    assert isinstance(refused.value.__cause__, SigningCertificateInvalid)
    assert str(refused.value.__cause__) == expected
    assert [r.getMessage() for r in caplog.records] == [f"Agency {w.agency.code} cannot sign: {expected}"]
    fresh = Dossier.objects.get(pk=d.pk)
    assert (fresh.status, fresh.version, fresh.documents.filter(kind=DocumentKind.RESULT).count()) == (
        d.status,
        d.version,
        0,
    )


def test_a_cached_signer_whose_certificate_expired_since_is_not_used(settings, tmp_path, monkeypatch):
    pki, ca = _production_pki(settings, tmp_path)
    agency = SimpleNamespace(code="000.00.83.H37", name="UBND xã Hết Hạn")
    _install(pki, ca, agency, before=NOW - timedelta(days=800), after=NOW + timedelta(hours=1))
    pdf_sign(pdf=pdf_bytes(), agency=agency)  # cached while still valid
    later = NOW + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)

    with pytest.raises(SigningUnavailable) as refused:
        pdf_sign(pdf=pdf_bytes(), agency=agency)

    assert isinstance(refused.value.__cause__, SigningCertificateInvalid)


# 3. A renewed certificate (same key, new cert.pem) or a new chain.pem is used by the next signature.
@pytest.mark.parametrize("replaced", ["cert.pem", "chain.pem"])
def test_a_renewed_certificate_or_chain_is_used_without_a_restart(settings, tmp_path, replaced):
    pki, ca = _production_pki(settings, tmp_path)
    agency = SimpleNamespace(code="000.00.77.H37", name="UBND xã Thử")
    folder = pki / "agencies" / agency.code
    key, first = _install(pki, ca, agency, before=NOW - timedelta(days=800), after=NOW + timedelta(days=20))
    assert _signer_serial(pdf_sign(pdf=pdf_bytes(), agency=agency)) == first.serial_number  # now cached
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, agency.name)])
    renewed = (
        _builder(subject, key.public_key(), issuer=ca[1].subject, before=NOW, after=NOW + timedelta(days=800))
        .add_extension(P._signing_key_usage(), critical=True)
        .sign(ca[0], hashes.SHA256())
    )
    # key.pem is left untouched: only the certificate, or the chain sent with it, changes.
    target = "cert.pem" if replaced == "cert.pem" else "chain.pem"
    chained = renewed if replaced == "cert.pem" else ca[1]
    (folder / target).write_bytes(chained.public_bytes(serialization.Encoding.PEM))

    signed = pdf_sign(pdf=pdf_bytes(), agency=agency)

    embedded = PdfFileReader(io.BytesIO(signed)).embedded_signatures[-1].signed_data["certificates"]
    serials = {int(c.chosen.serial_number) for c in embedded}
    if replaced == "cert.pem":
        assert (_signer_serial(signed), serials) == (renewed.serial_number, {renewed.serial_number})
    else:
        assert (_signer_serial(signed), serials) == (first.serial_number, {first.serial_number, ca[1].serial_number})
    assert pdf_verify(pdf=signed).valid


# 4. No key or certificate: a refusal naming the cause, in both ways of issuing; slips are given unsigned.
@pytest.mark.parametrize("how", ["upload", "written"])
def test_an_agency_without_a_certificate_refuses_the_result_as_such(settings, tmp_path, how, caplog):
    w, d = _approved()
    pki, _ = _production_pki(settings, tmp_path)
    if how == "upload":
        source = {"upload": SimpleUploadedFile("kq.pdf", pdf_bytes(), content_type="application/pdf")}
    else:
        source = {"text": "Đồng ý"}

    with caplog.at_level(logging.ERROR, logger=SIGNING_LOGGER), pytest.raises(SigningUnavailable) as refused:
        dossier_issue_result(by=w.front_desk, dossier=d, at=vn(2026, 3, 4, 10, 0), **source)

    assert (refused.value.code, refused.value.message, refused.value.field) == (
        "signing_unavailable",
        SIGNING_UNAVAILABLE,
        None,
    )
    folder = pki / "agencies" / w.agency.code
    assert [r.getMessage() for r in caplog.records] == [
        f"Agency {w.agency.code} cannot sign: No signing key for agency {w.agency.code}: "
        f"install key.pem and cert.pem in {folder}."
    ]
    fresh = Dossier.objects.get(pk=d.pk)
    assert (fresh.version, fresh.documents.filter(kind=DocumentKind.RESULT).count()) == (d.version, 0)


def test_an_applicants_slip_that_cannot_be_signed_is_given_unsigned(settings, tmp_path, caplog):
    w, d = _approved()
    _production_pki(settings, tmp_path)

    with caplog.at_level(logging.WARNING):
        pdf = slip_pdf_for_applicant(dossier=d, kind="01")

    assert pdf_verify(pdf=pdf).summary == "unsigned"
    assert [(r.name, r.levelname) for r in caplog.records] == [
        (SIGNING_LOGGER, "ERROR"),
        ("chinhquyen.dossiers.documents.issue", "WARNING"),
    ]
    assert caplog.records[1].getMessage() == f"Slip 01 of dossier {d.pk} could not be signed; given unsigned."


# 5. The test CA renews an agency's certificate that expired or expires within 30 days; installed ones stay.
@pytest.mark.parametrize(
    ("days_left", "renewed"), [(-1, True), (29, True), (31, False)], ids=["expired", "29-days-left", "31-days-left"]
)
def test_the_test_ca_renews_a_certificate_expiring_within_30_days(days_left, renewed):
    agency = SimpleNamespace(code=f"000.00.{50 + days_left}.H37", name="UBND xã Cũ")
    P.agency_credentials(agency)
    root_key, root_cert = P._dev_root_key(), P._dev_root()
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, agency.name)])
    old = (
        _builder(
            subject,
            key.public_key(),
            issuer=root_cert.subject,
            before=NOW - timedelta(days=800),
            after=NOW + timedelta(days=days_left),
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(P._signing_key_usage(), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    folder = P._agency_dir(agency.code)
    P._write(folder / "cert.pem", old.public_bytes(serialization.Encoding.PEM))
    P._write(folder / "key.pem", P._key_pem(key), private=True)

    signed = pdf_sign(pdf=pdf_bytes(), agency=agency)

    assert pdf_verify(pdf=signed).valid
    assert (_signer_serial(signed) != old.serial_number) is renewed


def test_the_api_refuses_the_result_with_422_signing_unavailable(monkeypatch):
    place = place_make()
    dossier = services.dossier_create_at_counter(
        by=place.front_desk, procedure=place.procedure, applicant=CitizenFactory()
    )
    front, specialist, leader = (api_client(token_for(u)) for u in (place.front_desk, place.specialist, place.leader))
    base = f"/api/v1/dossiers/{dossier.pk}"
    post_json(front, f"{base}/receive", {})
    post_json(specialist, f"{base}/forward", {})
    approved = post_json(leader, f"{base}/approve", {})

    def no_credentials(agency):
        raise ImproperlyConfigured(f"No signing key for agency {agency.code}.")

    monkeypatch.setattr(signing, "agency_credentials", no_credentials)
    signing._signers.clear()  # a signer cached by an earlier test of this worker would sign without asking
    refused = front.post(f"{base}/issue-result", {"text": "Chấp thuận."}, HTTP_ACCEPT_LANGUAGE="en")

    assert (refused.status_code, refused.json()) == (
        422,
        {"code": "signing_unavailable", "message": SIGNING_UNAVAILABLE, "field": None, "errors": []},
    )
    assert Dossier.objects.get(pk=dossier.pk).version == approved.json()["version"]
