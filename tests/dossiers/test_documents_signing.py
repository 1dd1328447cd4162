"""PAdES signing of slips with the agency's key (test CA) and verification against the trust roots."""

import asyncio
import io
import stat
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from cryptography import x509
from django.core.exceptions import ImproperlyConfigured
from pypdf import PdfReader

from chinhquyen.dossiers.documents import pdf_sign, pdf_verify
from chinhquyen.dossiers.documents.pki import agency_credentials, trust_roots
from tests.dossiers.signers import COMMUNE, DEPARTMENT


@pytest.fixture(scope="session")
def pki_path(tmp_path_factory):
    # One test CA for the whole session: generated once, like the one under var/ in development.
    return tmp_path_factory.mktemp("pki")


@pytest.fixture(autouse=True)
def _pki(settings, pki_path):
    settings.SIGNING_PKI_DIR = pki_path


def test_signed_slip_is_intact_and_trusted_and_names_the_agency(slip):
    signed = pdf_sign(pdf=slip, agency=COMMUNE)

    check = pdf_verify(pdf=signed)

    assert (check.signed, check.intact, check.trusted, check.valid) == (True, True, True, True)
    assert check.signer == "Ủy ban nhân dân xã Đông Sơn"
    assert check.summary == "INTACT:TRUSTED,UNTOUCHED"
    assert signed.startswith(slip)  # an incremental update: the rendered bytes are untouched
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in PdfReader(io.BytesIO(signed)).pages[0].extract_text()


def test_signature_is_pades_with_sha256(slip):
    signed = pdf_sign(pdf=slip, agency=COMMUNE)

    sig = PdfReader(io.BytesIO(signed)).trailer["/Root"]["/AcroForm"]["/Fields"][0].get_object()["/V"]
    assert (sig["/Filter"], sig["/SubFilter"]) == ("/Adobe.PPKLite", "/ETSI.CAdES.detached")


def test_one_byte_tamper_breaks_the_signature(slip):
    signed = bytearray(pdf_sign(pdf=slip, agency=COMMUNE))
    signed[len(slip) // 2] ^= 0x01  # inside the signed byte range

    check = pdf_verify(pdf=bytes(signed))

    assert check.signed
    assert not check.intact
    assert not check.valid


def test_signature_from_an_unknown_ca_is_intact_but_untrusted(slip, settings, tmp_path):
    settings.SIGNING_PKI_DIR = tmp_path / "elsewhere"  # another CA, unknown to the platform
    foreign = pdf_sign(pdf=slip, agency=COMMUNE)
    settings.SIGNING_PKI_DIR = tmp_path / "platform"

    check = pdf_verify(pdf=foreign)

    assert (check.signed, check.intact, check.trusted, check.valid) == (True, True, False, False)
    assert check.signer == "Ủy ban nhân dân xã Đông Sơn"


def test_countersignature_keeps_both_signatures_valid(slip):
    twice = pdf_sign(pdf=pdf_sign(pdf=slip, agency=COMMUNE), agency=DEPARTMENT)

    check = pdf_verify(pdf=twice)

    assert check.valid
    assert check.signers == ("Ủy ban nhân dân xã Đông Sơn", "Sở Tư pháp tỉnh Thanh Hóa")
    assert check.signer == "Sở Tư pháp tỉnh Thanh Hóa"


def test_unsigned_and_unreadable_files_are_not_valid(slip):
    assert pdf_verify(pdf=slip).summary == "unsigned"
    assert not pdf_verify(pdf=slip).valid
    assert not pdf_verify(pdf=b"not a pdf").signed


def test_verify_works_inside_a_running_event_loop(slip):
    signed = pdf_sign(pdf=slip, agency=COMMUNE)

    async def in_async_view():
        return pdf_verify(pdf=signed)

    # A thread of its own: Playwright's session browser may already run a loop in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, in_async_view()).result().valid


def test_test_ca_issues_a_certificate_named_after_the_agency_and_its_code(pki_path):
    creds = agency_credentials(DEPARTMENT)

    cert = x509.load_der_x509_certificate(creds.cert.dump())
    subject = {a.oid._name: a.value for a in cert.subject}
    assert subject == {
        "countryName": "VN",
        "organizationName": "Sở Tư pháp tỉnh Thanh Hóa",
        "organizationalUnitName": "000.00.02.H37",
        "commonName": "Sở Tư pháp tỉnh Thanh Hóa",
    }
    assert [r.subject.native["common_name"] for r in trust_roots()] == ["CA thử nghiệm chinhquyen - không dùng thật"]
    key_mode = stat.S_IMODE((pki_path / "agencies" / "000.00.02.H37" / "key.pem").stat().st_mode)
    assert key_mode == 0o600


def test_test_ca_reissues_when_the_agency_is_renamed(slip):
    renamed = SimpleNamespace(code="000.00.21.H37", name="Ủy ban nhân dân xã An Hòa")
    pdf_sign(pdf=slip, agency=renamed)
    renamed.name = "Ủy ban nhân dân xã An Hòa Mới"

    assert pdf_verify(pdf=pdf_sign(pdf=slip, agency=renamed)).signer == "Ủy ban nhân dân xã An Hòa Mới"


def test_production_never_generates_keys(settings, tmp_path):
    settings.PRODUCTION = True
    settings.SIGNING_PKI_DIR = tmp_path

    with pytest.raises(ImproperlyConfigured, match="No signing key for agency 000.00.01.H37"):
        agency_credentials(COMMUNE)
    assert not (tmp_path / "dev-root").exists()


def test_installed_credentials_are_used_as_they_are(settings, tmp_path, pki_path):
    # The production hook: files dropped in agencies/<code>/ are loaded, nothing is generated.
    source = pki_path / "agencies" / COMMUNE.code
    agency_credentials(COMMUNE)
    target = tmp_path / "agencies" / COMMUNE.code
    target.mkdir(parents=True)
    for name in ("key.pem", "cert.pem"):
        (target / name).write_bytes((source / name).read_bytes())
    (tmp_path / "trust").mkdir()
    (tmp_path / "trust" / "root.pem").write_bytes((pki_path / "trust" / "dev-root.pem").read_bytes())
    settings.PRODUCTION = True
    settings.SIGNING_PKI_DIR = tmp_path

    assert agency_credentials(COMMUNE).cert.subject.native["common_name"] == COMMUNE.name
    assert len(trust_roots()) == 1


@pytest.mark.django_db
def test_signs_with_a_directory_agency(slip):
    from tests.factories import AgencyFactory

    agency = AgencyFactory(code="000.00.09.H37", name="Ủy ban nhân dân phường Hạc Thành")

    assert pdf_verify(pdf=pdf_sign(pdf=slip, agency=agency)).signer == "Ủy ban nhân dân phường Hạc Thành"


def test_bad_agency_code_cannot_escape_the_pki_folder(slip):
    with pytest.raises(ValueError, match="cannot name a folder"):
        pdf_sign(pdf=slip, agency=SimpleNamespace(code="../../etc", name="x"))


@pytest.mark.django_db
def test_dev_ca_command_issues_certificates_to_agencies(pki_path):
    from django.core.management import call_command

    from tests.factories import AgencyFactory

    AgencyFactory(code="000.00.11.H37", name="Ủy ban nhân dân xã Yên Mô")
    out = io.StringIO()

    call_command("signing_dev_ca", "000.00.11.H37", stdout=out)

    assert out.getvalue().splitlines() == ["000.00.11.H37  Ủy ban nhân dân xã Yên Mô", f"PKI directory: {pki_path}"]
    assert (pki_path / "agencies" / "000.00.11.H37" / "cert.pem").exists()


@pytest.mark.django_db
def test_dev_ca_command_refuses_unknown_codes_and_production(settings):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Unknown agency codes: 999"):
        call_command("signing_dev_ca", "999")
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="Production installs real certificates"):
        call_command("signing_dev_ca")
