"""The simulator's RSA signing key: generated once into a file, then reused (and published as a JWKS)."""

import base64
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from jwt.algorithms import RSAAlgorithm

KEY_BITS = 2048
ALGORITHM = "RS256"

_cache: dict[str, "SigningKey"] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class SigningKey:
    private_key: rsa.RSAPrivateKey
    kid: str
    public_jwk: dict[str, Any]


def signing_key() -> SigningKey:
    """The key of ``settings.IDP_SIMULATOR_KEY_FILE``, loaded (or created) once per process."""
    path = Path(settings.IDP_SIMULATOR_KEY_FILE)
    with _lock:
        key = _cache.get(str(path))
        if key is None:
            key = _cache[str(path)] = _from_private_key(_load_or_create(path))
    return key


def jwks() -> dict[str, Any]:
    return {"keys": [signing_key().public_jwk]}


def _load_or_create(path: Path) -> rsa.RSAPrivateKey:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
        pem = private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        try:
            # link() fails if another process got there first; then everyone uses that process's key.
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise ValueError(f"{path} does not hold an RSA private key")
    return loaded


def _from_private_key(private_key: rsa.RSAPrivateKey) -> SigningKey:
    full = RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    jwk = {"kty": full["kty"], "n": full["n"], "e": full["e"]}
    kid = thumbprint(jwk)
    return SigningKey(private_key=private_key, kid=kid, public_jwk={**jwk, "kid": kid, "alg": ALGORITHM, "use": "sig"})


def thumbprint(jwk: dict[str, Any]) -> str:
    """The RFC 7638 thumbprint of an RSA public key, used as its ``kid``."""
    members = json.dumps({"e": jwk["e"], "kty": jwk["kty"], "n": jwk["n"]}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(members.encode()).digest()).rstrip(b"=").decode()
