"""Encrypting the keys in place keeps who may read them: the owner and mode of each key file."""

import os
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from chinhquyen.dossiers.documents.pki import signing_keys_encrypt


def _key_in_clear(tmp_path):
    folder = tmp_path / "pki" / "agencies" / "000.00.01.H37"
    folder.mkdir(parents=True)
    key = folder / "key.pem"
    key.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return key


def test_the_mode_of_a_rewritten_key_is_kept(settings, tmp_path):
    key = _key_in_clear(tmp_path)
    os.chmod(key, 0o640)  # readable by the services' group
    settings.SIGNING_PKI_DIR, settings.SIGNING_KEY_PASSPHRASE = tmp_path / "pki", "p" * 40

    signing_keys_encrypt()

    assert b"ENCRYPTED PRIVATE KEY" in key.read_bytes()
    assert stat.S_IMODE(key.stat().st_mode) == 0o640


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_a_key_rewritten_by_root_stays_the_services_user(settings, tmp_path):
    key = _key_in_clear(tmp_path)
    os.chown(key, 65534, 65534)  # the services' user
    settings.SIGNING_PKI_DIR, settings.SIGNING_KEY_PASSPHRASE = tmp_path / "pki", "p" * 40

    signing_keys_encrypt()

    assert (key.stat().st_uid, key.stat().st_gid) == (65534, 65534)
