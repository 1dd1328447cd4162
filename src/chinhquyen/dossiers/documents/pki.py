"""Keys and certificates that sign the slips: one per agency, plus the trust roots used to verify.

Files under :func:`pki_dir` (``settings.SIGNING_PKI_DIR`` when set, else ``VAR_DIR / "pki"``, which is
never committed and never served to the web):

- ``agencies/<agency code>/key.pem``: the agency's private key (PEM, PKCS#8, unencrypted, mode 0600);
- ``agencies/<agency code>/cert.pem``: its certificate; ``chain.pem`` (optional): the intermediates;
- ``trust/*.pem``: the roots a signature must chain to (in production, the national CA's roots).

Production installs those files (e.g. from the Government Cipher Committee's CA). Anywhere else a local
test certificate authority is generated on first use: ``dev-root/`` holds its key and certificate,
``trust/dev-root.pem`` a copy of the certificate, and each agency gets a certificate named after it.
ECDSA P-256 keeps generation to milliseconds.
"""

import fcntl
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data

DEV_ROOT_NAME = "CA thử nghiệm chinhquyen - không dùng thật"  # CN: at most 64 characters
_SAFE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class SigningAgency(Protocol):
    """What signing needs of an agency (``directory.Agency`` fits)."""

    @property
    def code(self) -> str: ...

    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class AgencyCredentials:
    """An agency's signing key and certificate chain, as pyhanko (asn1crypto) objects."""

    key: Any
    cert: Any
    chain: tuple[Any, ...]


def pki_dir() -> Path:
    """Return the directory holding keys, certificates and trust roots."""
    configured = getattr(settings, "SIGNING_PKI_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "pki"


def dev_ca_allowed() -> bool:
    # A generated CA signs anything for anyone: never let production fall back to it silently.
    return not getattr(settings, "PRODUCTION", False)


def agency_credentials(agency: SigningAgency) -> AgencyCredentials:
    """Load the agency's key and certificate; in development, issue them from the test CA first.

    This is the production hook: install ``agencies/<code>/{key,cert,chain}.pem`` and nothing is generated.
    """
    folder = _agency_dir(agency.code)
    if not dev_ca_allowed():
        return _load_credentials(agency, folder)
    root = _dev_root()  # outside the lock: flock is not re-entrant within a process
    # Checked, issued and read under one lock: another worker may be re-issuing the pair right now.
    with _locked():
        if _dev_certificate_stale(agency, folder, root[1]):
            _issue_dev_certificate(agency, folder, root=root)
        return _load_credentials(agency, folder)


def _load_credentials(agency: SigningAgency, folder: Path) -> AgencyCredentials:
    if not (folder / "key.pem").exists() or not (folder / "cert.pem").exists():
        raise ImproperlyConfigured(
            f"No signing key for agency {agency.code}: install key.pem and cert.pem in {folder}."
        )
    chain_file = folder / "chain.pem"
    chain = tuple(load_certs_from_pemder_data(chain_file.read_bytes())) if chain_file.exists() else ()
    certs = list(load_certs_from_pemder_data((folder / "cert.pem").read_bytes()))
    return AgencyCredentials(
        key=load_private_key_from_pemder_data((folder / "key.pem").read_bytes(), passphrase=None),
        cert=certs[0],
        chain=chain,
    )


def trust_roots() -> list[Any]:
    """Return the certificates a signature must chain to (``trust/*.pem``)."""
    if dev_ca_allowed():
        _dev_root()
    roots: list[Any] = []
    for path in sorted((pki_dir() / "trust").glob("*.pem")):
        roots.extend(load_certs_from_pemder_data(path.read_bytes()))
    return roots


def _dev_certificate_stale(agency: SigningAgency, folder: Path, root_cert: x509.Certificate) -> bool:
    """Missing, or issued by the test CA to a name the agency no longer has (renamed, or a reused test code)."""
    if not (folder / "key.pem").exists() or not (folder / "cert.pem").exists():
        return True
    cert = x509.load_pem_x509_certificate((folder / "cert.pem").read_bytes())
    if cert.issuer != root_cert.subject:
        return False  # installed by hand: never replace it
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return not names or names[0].value != agency.name[:64]


def _agency_dir(code: str) -> Path:
    if not _SAFE_CODE.match(code):
        raise ValueError(f"Agency code {code!r} cannot name a folder.")
    return pki_dir() / "agencies" / code


@contextmanager
def _locked() -> Iterator[None]:
    # Two processes (test or web workers) must not each generate a root: one would orphan the other's certificates.
    pki_dir().mkdir(parents=True, exist_ok=True)
    with open(pki_dir() / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _dev_root() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    folder = pki_dir() / "dev-root"
    if not (folder / "cert.pem").exists():
        with _locked():
            if not (folder / "cert.pem").exists():
                _create_dev_root(folder)
    key = serialization.load_pem_private_key((folder / "key.pem").read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)  # noqa: S101 - written by _create_dev_root
    return key, x509.load_pem_x509_certificate((folder / "cert.pem").read_bytes())


def _create_dev_root(folder: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, DEV_ROOT_NAME)]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_ca_key_usage(), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write(folder / "key.pem", _key_pem(key), private=True)
    _write(folder / "cert.pem", cert.public_bytes(serialization.Encoding.PEM))
    _write(pki_dir() / "trust" / "dev-root.pem", cert.public_bytes(serialization.Encoding.PEM))


def _issue_dev_certificate(
    agency: SigningAgency, folder: Path, *, root: tuple[ec.EllipticCurvePrivateKey, x509.Certificate]
) -> None:
    root_key, root_cert = root
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, agency.name[:64]),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, agency.code),
            x509.NameAttribute(NameOID.COMMON_NAME, agency.name[:64]),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(root_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_signing_key_usage(), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    # Certificate first: key.pem is the marker that the folder is complete.
    _write(folder / "cert.pem", cert.public_bytes(serialization.Encoding.PEM))
    _write(folder / "key.pem", _key_pem(key), private=True)


def _ca_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=False,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


def _signing_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,  # non-repudiation: the agency stands behind the slip it signed
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write(path: Path, content: bytes, *, private: bool = False) -> None:
    # Write then rename, so a reader never sees half a file.
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
    os.replace(tmp, path)
