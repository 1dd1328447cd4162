"""PAdES signing of slips and results with an agency's key, and verification against the trust roots.

Every signature carries a signature timestamp from the TSA that :func:`.timestamps.signing_timestamper`
chooses (PAdES B-T); with none (production without ``SIGNING_TSA_URL``) or while the TSA does not answer,
the signature is PAdES B-B.
"""

import asyncio
import io
import logging
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfStrictReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from ..errors import SigningUnavailable
from .pki import SigningAgency, agency_credentials, pki_dir, trust_roots
from .timestamps import signing_timestamper

T = TypeVar("T")
logger = logging.getLogger(__name__)

# Room for the CMS blob, in hex digits: a fixed reservation skips pyhanko's dry-run signature used to size it.
# An ECDSA signature with its certificate is ~1.5 kB; a TSA's token adds its own signature and certificate
# chain (~1.3 kB from the test CA's TSA; up to ~7 kB from an RSA-4096 TSA sending three certificates).
SIGNATURE_RESERVED = 8192
TIMESTAMP_RESERVED = 16384


@dataclass(frozen=True)
class SignatureCheck:
    """The outcome of :func:`pdf_verify`.

    ``intact``: every signature's digest matches and covers its revision, and nothing but permitted
    additions (later signatures) came after; ``trusted``: every signer chains to a trust root. A signature
    that carries a timestamp token counts as intact and trusted only if the token is too: its message imprint
    matches the signature and its TSA chains to a trust root with the timeStamping extended key usage.

    ``signer`` is the last signature's signer, ``signers`` each one's; ``timestamp_at`` is the time the TSA
    vouched for in the last signature's token, ``timestamps`` in each one's (``None``: no token);
    ``timestamped``: every signature carries a token. ``summary`` is pyhanko's summary of each signature,
    leaving out a token that is intact and trusted (the timestamp fields report it).
    """

    signed: bool
    intact: bool
    trusted: bool
    signer: str
    signers: tuple[str, ...]
    summary: str
    timestamped: bool = False
    timestamp_at: datetime | None = None
    timestamps: tuple[datetime | None, ...] = ()

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.trusted


def pdf_sign(*, pdf: bytes, agency: SigningAgency) -> bytes:
    """Sign ``pdf`` (PAdES B-T, SHA-256) with the agency's key; earlier signatures stay valid.

    Without a TSA, or when the TSA does not answer (logged as an error), the signature is PAdES B-B.
    Raise SigningUnavailable when the agency has no key and certificate, or none usable now (the cause, naming
    the file, is logged as an error for the operators).
    """
    signer = _signer(agency)
    timestamper = signing_timestamper()
    if timestamper is not None:
        try:
            return _sign(pdf=pdf, agency=agency, signer=signer, timestamper=timestamper)
        except TimestampRequestError:
            # A TSA outage must not stop the desk from issuing slips and results: sign, and say so.
            logger.error(
                "The timestamp authority did not answer: %s signed without a timestamp (PAdES B-B).",
                agency.code,
                exc_info=True,
            )
    return _sign(pdf=pdf, agency=agency, signer=signer, timestamper=None)


def _sign(*, pdf: bytes, agency: SigningAgency, signer: Any, timestamper: TimeStamper | None) -> bytes:
    try:
        return _sign_read(pdf=pdf, agency=agency, signer=signer, timestamper=timestamper, strict=True)
    except PdfStrictReadError:
        # A file that bends the rules in a way viewers forgive (Pillow's PDFs number the free object 65536, some
        # scanners' too): read as they do. The signature still covers every byte of it.
        return _sign_read(pdf=pdf, agency=agency, signer=signer, timestamper=timestamper, strict=False)


def _sign_read(
    *, pdf: bytes, agency: SigningAgency, signer: Any, timestamper: TimeStamper | None, strict: bool
) -> bytes:
    existing = len(PdfFileReader(io.BytesIO(pdf), strict=strict).embedded_signatures)
    meta = signers.PdfSignatureMetadata(
        field_name=f"Signature{existing + 1}",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=agency.name,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=strict)
    reserved = SIGNATURE_RESERVED + (TIMESTAMP_RESERVED if timestamper is not None else 0)
    out = async_run(
        lambda: signers.async_sign_pdf(writer, meta, signer=signer, timestamper=timestamper, bytes_reserved=reserved)
    )
    return bytes(out.getvalue())


def pdf_verify(*, pdf: bytes) -> SignatureCheck:
    """Check every signature in ``pdf`` against the platform's trust roots (no network access)."""
    try:
        embedded = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    except Exception as exc:  # noqa: BLE001 - any unreadable file is simply not a valid signed PDF
        return SignatureCheck(False, False, False, "", (), f"unreadable: {exc}")
    if not embedded:
        return SignatureCheck(False, False, False, "", (), "unsigned")
    roots = trust_roots()
    intact = trusted = True
    names: list[str] = []
    times: list[datetime | None] = []
    summaries: list[str] = []
    for sig in embedded:
        # A fresh context per signature: they cache paths and are closed after use.
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        try:
            status = async_run(partial(async_validate_pdf_signature, sig, signer_validation_context=context))
        except Exception as exc:  # noqa: BLE001 - a mangled signature dictionary is a failed check, not a crash
            intact = trusted = False
            times.append(None)
            summaries.append(f"error: {exc}")
            continue
        covered = status.coverage in (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION)
        intact = intact and status.intact and status.valid and covered and status.docmdp_ok is not False
        trusted = trusted and status.trusted
        token = status.timestamp_validity
        if token is not None:
            intact = intact and token.intact and token.valid
            trusted = trusted and token.trusted
        times.append(token.timestamp if token is not None else None)
        names.append(status.signing_cert.subject.native.get("common_name", ""))
        summaries.append(_summary(status))
    return SignatureCheck(
        True,
        intact,
        trusted,
        names[-1] if names else "",
        tuple(names),
        "; ".join(summaries),
        timestamped=all(t is not None for t in times),
        timestamp_at=times[-1],
        timestamps=tuple(times),
    )


def _summary(status: Any) -> str:
    # pyhanko's summary, without the TIMESTAMP_TOKEN<...> field of a token that holds.
    token = status.timestamp_validity
    if token is None or not (token.intact and token.valid and token.trusted) or not (status.intact and status.valid):
        return str(status.summary())
    return "INTACT:" + ",".join(f for f in status.summary_fields() if not f.startswith("TIMESTAMP_TOKEN<"))


# The files an agency's signer is read from; a change to any of them (a renewed certificate) reloads it.
SIGNER_FILES = ("key.pem", "cert.pem", "chain.pem")
FileStamp = tuple[tuple[int, int, int] | None, ...]


@dataclass(frozen=True)
class _CachedSigner:
    stamp: FileStamp
    signer: Any
    not_before: datetime
    not_after: datetime


_signers: dict[tuple[str, str, str], _CachedSigner] = {}


def _signer(agency: SigningAgency) -> Any:
    # Loading and parsing the PEM files costs more than a signature: keep the signer, reload when the files change.
    # The name is part of the key: a renamed agency gets a certificate in its new name (test CA).
    cache_key = (str(pki_dir()), agency.code, agency.name)
    # Stamped before reading: a file replaced while it is read is read again by the next signature.
    stamp = _files_stamp(pki_dir() / "agencies" / agency.code)
    cached = _signers.get(cache_key)
    # A certificate that expired since it was read is read again, and refused (pki checks its validity).
    if cached is not None and cached.stamp == stamp and cached.not_before <= timezone.now() <= cached.not_after:
        return cached.signer
    try:
        creds = agency_credentials(agency)
    except ImproperlyConfigured as exc:
        logger.error("Agency %s cannot sign: %s", agency.code, exc)
        raise SigningUnavailable(
            _("This agency has no valid signing certificate: ask the administrator to install one.")
        ) from exc
    signer = signers.SimpleSigner(
        signing_cert=creds.cert,
        signing_key=creds.key,
        cert_registry=SimpleCertificateStore.from_certs([creds.cert, *creds.chain]),
    )
    if signer.signing_cert is None:
        raise SigningError(f"No certificate for agency {agency.code}.")
    _signers[cache_key] = _CachedSigner(
        stamp=stamp, signer=signer, not_before=creds.cert.not_valid_before, not_after=creds.cert.not_valid_after
    )
    return signer


def _files_stamp(folder: Path) -> FileStamp:
    """Each signer file's modification time, size and inode (``None`` when absent): any replacement changes it."""
    stamps: list[tuple[int, int, int] | None] = []
    for name in SIGNER_FILES:
        try:
            info = (folder / name).stat()
        except OSError:
            stamps.append(None)
        else:
            stamps.append((info.st_mtime_ns, info.st_size, info.st_ino))
    return tuple(stamps)


def async_run(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run the coroutine ``make()`` returns and give its result, from sync code inside or outside an event loop."""
    # pyhanko's sync wrappers call asyncio.run(), which fails inside a running loop (async views,
    # Playwright tests): run the coroutine on a private loop in a worker thread there.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()
