"""Keys and certificates that sign the slips: one per agency, plus the trust roots used to verify.

Files under :func:`pki_dir` (``settings.SIGNING_PKI_DIR`` when set, else ``VAR_DIR / "pki"``, which is
never committed and never served to the web):

- ``agencies/<agency code>/key.pem``: the agency's private key (PEM, mode 0600);
- ``agencies/<agency code>/cert.pem``: its certificate; ``chain.pem`` (optional): the intermediates;
- ``trust/*.pem``: the roots a signature must chain to (in production, the national CA's roots);
- ``tsa/key.pem``, ``tsa/cert.pem``: the test CA's timestamping key and certificate, outside production only
  (:func:`dev_tsa_credentials`; production asks the TSA at ``settings.SIGNING_TSA_URL``).

Keys written here (the test CA's, its TSA's and each agency's) are PKCS#8, encrypted with
``settings.SIGNING_KEY_PASSPHRASE`` when it is set, in clear when it is empty; keys are read with it. A key
still in clear is read too, with a warning, until ``manage.py signing_keys_encrypt``
(:func:`signing_keys_encrypt`) encrypts it. An encrypted key without the setting, or one the setting does not
open, raises ``ImproperlyConfigured`` naming the agency, the file and the setting (never the passphrase).

Production installs those files (e.g. from the Government Cipher Committee's CA). Anywhere else a local
test certificate authority is generated on first use: ``dev-root/`` holds its key and certificate,
``trust/dev-root.pem`` a copy of the certificate, each agency gets a certificate named after it, and the
in-process timestamp authority a certificate for timestamping alone (extended key usage id-kp-timeStamping,
critical, as RFC 3161 requires).
ECDSA P-256 keeps generation to milliseconds. The test CA renews an agency's certificate 30 days before it
expires (825 days after issue).

An agency's credentials are checked when read: a certificate outside its validity period, or one that is not
the certificate of ``key.pem``, raises ``SigningCertificateInvalid`` (an ``ImproperlyConfigured``) naming the
agency and the file, rather than giving signatures that never verify.
"""

import fcntl
import logging
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data

DEV_ROOT_NAME = "CA thử nghiệm chinhquyen - không dùng thật"  # CN: at most 64 characters
DEV_TSA_NAME = "TSA thử nghiệm chinhquyen - không dùng thật"
_SAFE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# The test CA renews an agency's certificate this long before it expires: a signature never meets an expired one.
DEV_RENEW_BEFORE = timedelta(days=30)

logger = logging.getLogger(__name__)
K = TypeVar("K")


class SigningAgency(Protocol):
    """What signing needs of an agency (``directory.Agency`` fits)."""

    @property
    def code(self) -> str: ...

    @property
    def name(self) -> str: ...


class SigningCertificateInvalid(ImproperlyConfigured):
    """An agency's certificate outside its validity period, or not the certificate of the key beside it."""


@dataclass(frozen=True)
class KeysEncrypted:
    """The outcome of :func:`signing_keys_encrypt`: the key files rewritten, and those found encrypted already."""

    encrypted: tuple[Path, ...]
    already_encrypted: tuple[Path, ...]


@dataclass(frozen=True)
class AgencyCredentials:
    """A signing key and its certificate chain (an agency's, or the test TSA's), as pyhanko (asn1crypto) objects."""

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
    root_cert = _dev_root()  # outside the lock: flock is not re-entrant within a process
    # Checked, issued and read under one lock: another worker may be re-issuing the pair right now.
    with _locked():
        if _dev_certificate_stale(agency, folder, root_cert):
            _issue_dev_certificate(agency, folder, root=(_dev_root_key(), root_cert))
        return _load_credentials(agency, folder)


def _load_credentials(agency: SigningAgency, folder: Path) -> AgencyCredentials:
    if not (folder / "key.pem").exists() or not (folder / "cert.pem").exists():
        raise ImproperlyConfigured(
            f"No signing key for agency {agency.code}: install key.pem and cert.pem in {folder}."
        )
    chain_file = folder / "chain.pem"
    chain = tuple(load_certs_from_pemder_data(chain_file.read_bytes())) if chain_file.exists() else ()
    certs = list(load_certs_from_pemder_data((folder / "cert.pem").read_bytes()))
    key = _read_private_key(
        folder / "key.pem",
        owner=f"agency {agency.code}",
        load=lambda data, passphrase: load_private_key_from_pemder_data(data, passphrase=passphrase),
    )
    _credentials_check(agency, folder, cert=certs[0], key=key)
    return AgencyCredentials(key=key, cert=certs[0], chain=chain)


def _credentials_check(agency: SigningAgency, folder: Path, *, cert: Any, key: Any) -> None:
    """Raise SigningCertificateInvalid unless ``cert`` is valid now and is the certificate of ``key``.

    pyhanko signs with either, and the signature then fails every verification: refuse before signing.
    """
    certificate = x509.load_der_x509_certificate(cert.dump())
    where = f"The signing certificate of agency {agency.code} ({folder / 'cert.pem'})"
    now = timezone.now()
    if now > certificate.not_valid_after_utc:
        raise SigningCertificateInvalid(
            f"{where} expired on {certificate.not_valid_after_utc:%Y-%m-%d %H:%M:%S} UTC: "
            "install a renewed certificate."
        )
    if now < certificate.not_valid_before_utc:
        raise SigningCertificateInvalid(
            f"{where} is valid only from {certificate.not_valid_before_utc:%Y-%m-%d %H:%M:%S} UTC."
        )
    private_key = serialization.load_der_private_key(key.dump(), password=None)
    if _public_der(private_key.public_key()) != _public_der(certificate.public_key()):
        raise SigningCertificateInvalid(
            f"{where} is not the certificate of the key {folder / 'key.pem'}: install the key and its certificate."
        )


def _public_der(public_key: Any) -> bytes:
    return bytes(public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))


def dev_tsa_credentials() -> AgencyCredentials:
    """Load the test CA's timestamping key and certificate, issuing them first if there are none.

    Outside production only: a TSA of the test CA's vouches for any time. Production timestamps at the TSA
    of ``settings.SIGNING_TSA_URL``.
    """
    if not dev_ca_allowed():
        raise ImproperlyConfigured("The development TSA is never used in production: set SIGNING_TSA_URL.")
    folder = pki_dir() / "tsa"
    root_cert = _dev_root()  # outside the lock, as for agencies
    with _locked():
        if not (folder / "key.pem").exists() or not (folder / "cert.pem").exists():
            _issue_dev_tsa_certificate(folder, root=(_dev_root_key(), root_cert))
        certs = list(load_certs_from_pemder_data((folder / "cert.pem").read_bytes()))
        key = _read_private_key(
            folder / "key.pem",
            owner="the development TSA",
            load=lambda data, passphrase: load_private_key_from_pemder_data(data, passphrase=passphrase),
        )
    return AgencyCredentials(key=key, cert=certs[0], chain=())


def trust_roots() -> list[Any]:
    """Return the certificates a signature must chain to (``trust/*.pem``)."""
    if dev_ca_allowed():
        _dev_root()
    roots: list[Any] = []
    for path in sorted((pki_dir() / "trust").glob("*.pem")):
        roots.extend(load_certs_from_pemder_data(path.read_bytes()))
    return roots


def signing_keys_encrypt() -> KeysEncrypted:
    """Encrypt with ``SIGNING_KEY_PASSPHRASE`` every private key under :func:`pki_dir` still in clear.

    Covers each ``agencies/<code>/key.pem``, the test CA's ``dev-root/key.pem`` and its TSA's ``tsa/key.pem``;
    each file is replaced atomically (mode 0600) and keys already encrypted are left as they are, so running it
    twice is harmless.
    Meant for operators migrating an installation, production included.
    """
    passphrase = _passphrase()
    if passphrase is None:
        raise ImproperlyConfigured("SIGNING_KEY_PASSPHRASE is not set: there is nothing to encrypt the keys with.")
    root = pki_dir()
    if not root.is_dir():
        return KeysEncrypted(encrypted=(), already_encrypted=())
    encrypted: list[Path] = []
    already: list[Path] = []
    # Under the lock: a development worker may be issuing a key right now.
    with _locked():
        files = [
            *sorted((root / "agencies").glob("*/key.pem")),
            root / "dev-root" / "key.pem",
            root / "tsa" / "key.pem",
        ]
        for path in files:
            if not path.is_file():
                continue
            try:
                key = _load_any_private_key(path.read_bytes(), None)
            except TypeError:  # cryptography's answer when a key needs a passphrase
                already.append(path)
                continue
            _write(path, _key_pem(key), private=True)
            encrypted.append(path)
    return KeysEncrypted(encrypted=tuple(encrypted), already_encrypted=tuple(already))


def _dev_certificate_stale(agency: SigningAgency, folder: Path, root_cert: x509.Certificate) -> bool:
    """Missing, or issued by the test CA to a name the agency no longer has (renamed, or a reused test code), or
    expired or expiring within :data:`DEV_RENEW_BEFORE`."""
    if not (folder / "key.pem").exists() or not (folder / "cert.pem").exists():
        return True
    cert = x509.load_pem_x509_certificate((folder / "cert.pem").read_bytes())
    if cert.issuer != root_cert.subject:
        return False  # installed by hand: never replace it
    if cert.not_valid_after_utc <= timezone.now() + DEV_RENEW_BEFORE:
        return True
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return not names or names[0].value != agency.name[:64]


def _agency_dir(code: str) -> Path:
    if not _SAFE_CODE.match(code):
        raise ValueError(f"Agency code {code!r} cannot name a folder.")
    return pki_dir() / "agencies" / code


def _passphrase() -> bytes | None:
    value = getattr(settings, "SIGNING_KEY_PASSPHRASE", "")
    return value.encode() if value else None


def _read_private_key(path: Path, *, owner: str, load: Callable[[bytes, bytes | None], K]) -> K:
    """Load the key in ``path`` with ``load(data, passphrase)``; ``owner`` names whose key it is in messages."""
    data = path.read_bytes()
    passphrase = _passphrase()
    try:
        key = load(data, None)
    except TypeError:  # cryptography: "Password was not given but private key is encrypted"
        pass
    else:
        if passphrase is not None:
            logger.warning(
                "The signing key of %s (%s) is not encrypted although SIGNING_KEY_PASSPHRASE is set: "
                "run manage.py signing_keys_encrypt.",
                owner,
                path,
            )
        return key
    if passphrase is None:
        raise ImproperlyConfigured(f"The signing key of {owner} ({path}) is encrypted: set SIGNING_KEY_PASSPHRASE.")
    try:
        return load(data, passphrase)
    except ValueError:  # cryptography: "Incorrect password, could not decrypt key"
        raise ImproperlyConfigured(
            f"SIGNING_KEY_PASSPHRASE does not open the signing key of {owner} ({path})."
        ) from None


def _load_any_private_key(data: bytes, passphrase: bytes | None) -> PrivateKeyTypes:
    # PEM or DER, as pyhanko's loader accepts both.
    if b"-----BEGIN" in data:
        return serialization.load_pem_private_key(data, password=passphrase)
    return serialization.load_der_private_key(data, password=passphrase)


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


def _dev_root() -> x509.Certificate:
    """Return the test CA's certificate, creating the CA first if there is none."""
    folder = pki_dir() / "dev-root"
    if not (folder / "cert.pem").exists():
        with _locked():
            if not (folder / "cert.pem").exists():
                _create_dev_root(folder)
    return x509.load_pem_x509_certificate((folder / "cert.pem").read_bytes())


def _dev_root_key() -> ec.EllipticCurvePrivateKey:
    # Read only to issue a certificate: verifying needs the certificate alone.
    key = _read_private_key(pki_dir() / "dev-root" / "key.pem", owner="the development CA", load=_load_any_private_key)
    assert isinstance(key, ec.EllipticCurvePrivateKey)  # noqa: S101 - written by _create_dev_root
    return key


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
    subject = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, agency.name[:64]),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, agency.code),
        x509.NameAttribute(NameOID.COMMON_NAME, agency.name[:64]),
    ]
    _issue_dev_leaf(folder, subject=subject, root=root)


def _issue_dev_tsa_certificate(folder: Path, *, root: tuple[ec.EllipticCurvePrivateKey, x509.Certificate]) -> None:
    subject = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "chinhquyen"),
        x509.NameAttribute(NameOID.COMMON_NAME, DEV_TSA_NAME),
    ]
    # RFC 3161 section 2.3: timeStamping as the one extended key usage, critical.
    usage = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING])
    _issue_dev_leaf(folder, subject=subject, root=root, extended_usage=usage)


def _issue_dev_leaf(
    folder: Path,
    *,
    subject: list[x509.NameAttribute],
    root: tuple[ec.EllipticCurvePrivateKey, x509.Certificate],
    extended_usage: x509.ExtendedKeyUsage | None = None,
) -> None:
    """Issue a signing key and certificate from the test CA into ``folder`` (an agency's, or the test TSA's)."""
    root_key, root_cert = root
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(subject))
        .issuer_name(root_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_signing_key_usage(), critical=True)
    )
    if extended_usage is not None:
        builder = builder.add_extension(extended_usage, critical=True)
    cert = (
        builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
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
        content_commitment=True,  # non-repudiation: the agency (or the TSA) stands behind what it signed
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def _key_pem(key: PrivateKeyTypes) -> bytes:
    passphrase = _passphrase()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    )
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def _write(path: Path, content: bytes, *, private: bool = False) -> None:
    # Write then rename, so a reader never sees half a file.
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as fh:
        if path.exists():
            # Rewriting a file (signing_keys_encrypt, perhaps run as root) keeps who may read it: the services' user.
            old = path.stat()
            if hasattr(os, "fchown") and (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
                os.fchown(fh.fileno(), old.st_uid, old.st_gid)
            os.fchmod(fh.fileno(), old.st_mode & 0o777)
        fh.write(content)
    os.replace(tmp, path)
