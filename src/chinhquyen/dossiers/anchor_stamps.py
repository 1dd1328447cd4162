"""The audit anchors' timestamps, from the timestamp authority that timestamps signatures (ADR 0019).

Registered with ``core.anchor_stamps`` when the app is ready: the token is the one the TSA of
:func:`~chinhquyen.dossiers.documents.timestamps.signing_timestamper` gives over the anchored hash, and it is
checked against the platform's trust roots, as a signature's timestamp is (no network access).
"""

from typing import Any

from asn1crypto import cms  # type: ignore[import-untyped]
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko.sign.validation.status import TimestampSignatureStatus
from pyhanko_certvalidator import ValidationContext

from chinhquyen.core.anchor_stamps import StampCheck

from .documents.pki import trust_roots
from .documents.signing import async_run
from .documents.timestamps import signing_timestamper

DIGEST_ALGORITHM = "sha256"


class TsaAnchorStamper:
    """Timestamps anchors with the signatures' TSA and checks such tokens."""

    def stamp(self, digest: bytes) -> bytes | None:
        timestamper = signing_timestamper()
        if timestamper is None:
            return None
        token: cms.ContentInfo = async_run(lambda: timestamper.async_timestamp(digest, DIGEST_ALGORITHM))
        return bytes(token.dump())

    def check(self, token: bytes, digest: bytes) -> StampCheck:
        try:
            signed_data = _signed_data(token)
        except ValueError as exc:
            return StampCheck(valid=False, problem=f"not a timestamp token ({exc})")
        context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False)

        def imprint(algorithm: str) -> bytes:
            return digest if algorithm == DIGEST_ALGORITHM else b""

        try:
            kwargs = async_run(lambda: validate_tst_signed_data(signed_data, context, imprint))
        except Exception as exc:  # noqa: BLE001 - a mangled token is an invalid timestamp, not a crash
            return StampCheck(valid=False, problem=f"not verifiable ({type(exc).__name__})")
        status = TimestampSignatureStatus(**kwargs)
        if not (status.intact and status.valid):
            return StampCheck(
                valid=False, at=status.timestamp, problem="not over this hash, or its signature is broken"
            )
        if not status.trusted:
            return StampCheck(valid=False, at=status.timestamp, problem="not from a trusted timestamp authority")
        return StampCheck(valid=True, at=status.timestamp)


def _signed_data(token: bytes) -> Any:
    info = cms.ContentInfo.load(token, strict=True)
    if info["content_type"].native != "signed_data":
        raise ValueError("no signed data")
    return info["content"]  # validate_tst_signed_data checks it holds a TSTInfo
