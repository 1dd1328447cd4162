"""The timestamp authority (RFC 3161) that timestamps every signature: PAdES B-T.

:func:`signing_timestamper` is the one place that chooses it:

- in production, pyhanko's HTTP client for the TSA at ``settings.SIGNING_TSA_URL`` (with HTTP basic
  credentials when ``SIGNING_TSA_USERNAME``/``SIGNING_TSA_PASSWORD`` are set); without the URL, none: signatures
  stay PAdES B-B and ``check --deploy`` warns (dossiers.W002);
- anywhere else, :class:`LocalTimeStamper`, the outside TSA's simulator: it answers in-process with the test
  CA's timestamping certificate (``tsa/`` under the PKI directory), so development and tests never reach
  the network.

A token is self-authenticating (signed by the TSA), so a plain http:// TSA is acceptable; its certificate must
chain to a root under ``trust/`` for :func:`~chinhquyen.dossiers.documents.signing.pdf_verify` to trust it.
"""

import secrets
from datetime import UTC, datetime
from typing import Any

from asn1crypto import cms, tsp, x509  # type: ignore[import-untyped]
from django.conf import settings
from pyhanko.sign import signers
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .pki import dev_ca_allowed, dev_tsa_credentials, pki_dir

# Seconds one request to the TSA may take before signing goes on without a timestamp.
TSA_TIMEOUT = 10
# The simulator's policy: an OID under 2.999, the arc X.660 reserves for examples.
LOCAL_TSA_POLICY = "2.999.3161.1"


class LocalTimeStamper(TimeStamper):
    """A TSA in this process, granting every request with the test CA's timestamping key.

    pyhanko's ``DummyTimeStamper`` signs with RSA only; the test CA's keys are ECDSA P-256, so the token
    (a CMS SignedData holding the TSTInfo) is made by pyhanko's CMS signer instead.
    """

    def __init__(self, *, cert: Any, key: Any) -> None:
        super().__init__()
        self.cert = cert
        # No other certificate in the token: the signer embeds its own, and the root is a trust root already.
        self.signer = signers.SimpleSigner(signing_cert=cert, signing_key=key, cert_registry=SimpleCertificateStore())

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        info: dict[str, Any] = {
            "version": "v1",
            "policy": LOCAL_TSA_POLICY,
            "message_imprint": req["message_imprint"],
            "serial_number": secrets.randbits(64),
            "gen_time": datetime.now(UTC),
            "tsa": x509.GeneralName(name="directory_name", value=self.cert.subject),
        }
        if req["nonce"].native is not None:
            info["nonce"] = req["nonce"]
        content = cms.EncapsulatedContentInfo(
            {"content_type": "tst_info", "content": cms.ParsableOctetString(tsp.TSTInfo(info).dump())}
        )
        # use_cades: the signing-certificate-v2 attribute (ESSCertIDv2) that RFC 5816 asks of a TSA.
        token = await self.signer.async_sign_general_data(content, "sha256", detached=False, use_cades=True)
        return tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token})


def signing_timestamper() -> TimeStamper | None:
    """Return the TSA that timestamps signatures now, or ``None`` (production without ``SIGNING_TSA_URL``)."""
    if dev_ca_allowed():
        return _local_timestamper()
    url: str = getattr(settings, "SIGNING_TSA_URL", "")
    if not url:
        return None
    username: str = getattr(settings, "SIGNING_TSA_USERNAME", "")
    password: str = getattr(settings, "SIGNING_TSA_PASSWORD", "")
    return HTTPTimeStamper(url, timeout=TSA_TIMEOUT, auth=(username, password) if username else None)


_local: dict[str, tuple[int, LocalTimeStamper]] = {}


def _local_timestamper() -> LocalTimeStamper:
    # As for the agencies' signers: reading and decrypting the key costs more than a token, so keep it.
    key_file = pki_dir() / "tsa" / "key.pem"
    cached = _local.get(str(pki_dir()))
    if cached is not None and key_file.exists() and cached[0] == key_file.stat().st_mtime_ns:
        return cached[1]
    creds = dev_tsa_credentials()
    timestamper = LocalTimeStamper(cert=creds.cert, key=creds.key)
    _local[str(pki_dir())] = (key_file.stat().st_mtime_ns, timestamper)
    return timestamper
