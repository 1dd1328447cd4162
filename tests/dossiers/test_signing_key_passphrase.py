"""Signing keys encrypted at rest with SIGNING_KEY_PASSPHRASE, and the command that encrypts an installation."""

import io
import logging
import stat

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from chinhquyen.dossiers.checks import check_signing_key_passphrase
from chinhquyen.dossiers.documents import pdf_sign, pdf_verify
from chinhquyen.dossiers.documents.pki import agency_credentials
from tests.dossiers.signers import COMMUNE, DEPARTMENT

PASSPHRASE = "mật khẩu ký số 2026"  # not ASCII: the setting is a text, encoded as UTF-8
ENCRYPTED_PEM = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"
PKI_LOGGER = "chinhquyen.dossiers.documents.pki"


@pytest.fixture
def pki(settings, tmp_path):
    # A fresh PKI directory per test, not the session's test CA (conftest.py): its keys are in clear.
    settings.SIGNING_PKI_DIR = tmp_path / "pki"
    settings.SIGNING_KEY_PASSPHRASE = ""
    return tmp_path / "pki"


def test_with_a_passphrase_the_dev_ca_writes_encrypted_keys_that_sign(settings, pki, slip):
    settings.SIGNING_KEY_PASSPHRASE = PASSPHRASE

    check = pdf_verify(pdf=pdf_sign(pdf=slip, agency=COMMUNE))

    assert (check.valid, check.signer) == (True, "Ủy ban nhân dân xã Đông Sơn")
    for key_file in (pki / "agencies" / COMMUNE.code / "key.pem", pki / "dev-root" / "key.pem"):
        assert key_file.read_bytes().startswith(ENCRYPTED_PEM)
        assert PASSPHRASE.encode() not in key_file.read_bytes()
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("passphrase", "message"),
    [
        pytest.param(
            "another passphrase",
            "SIGNING_KEY_PASSPHRASE does not open the signing key of agency 000.00.01.H37 ({key}).",
            id="wrong",
        ),
        pytest.param(
            "",
            "The signing key of agency 000.00.01.H37 ({key}) is encrypted: set SIGNING_KEY_PASSPHRASE.",
            id="missing",
        ),
    ],
)
def test_an_encrypted_key_the_setting_does_not_open_is_refused(settings, pki, passphrase, message):
    settings.SIGNING_KEY_PASSPHRASE = PASSPHRASE
    agency_credentials(COMMUNE)
    settings.SIGNING_KEY_PASSPHRASE = passphrase

    with pytest.raises(ImproperlyConfigured) as refused:
        agency_credentials(COMMUNE)

    assert str(refused.value) == message.format(key=pki / "agencies" / COMMUNE.code / "key.pem")


def test_the_dev_ca_key_without_the_passphrase_is_refused_naming_it(settings, pki):
    settings.SIGNING_KEY_PASSPHRASE = PASSPHRASE
    agency_credentials(COMMUNE)
    settings.SIGNING_KEY_PASSPHRASE = ""

    with pytest.raises(ImproperlyConfigured) as refused:
        agency_credentials(DEPARTMENT)  # a new agency: the test CA's key must sign its certificate

    key = pki / "dev-root" / "key.pem"
    assert (
        str(refused.value) == f"The signing key of the development CA ({key}) is encrypted: set SIGNING_KEY_PASSPHRASE."
    )


def test_a_key_in_clear_is_still_read_with_a_passphrase_and_a_warning(settings, pki, slip, caplog):
    agency_credentials(COMMUNE)  # no passphrase yet: an installation before the migration
    key = pki / "agencies" / COMMUNE.code / "key.pem"
    assert key.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    settings.SIGNING_KEY_PASSPHRASE = PASSPHRASE

    with caplog.at_level(logging.WARNING, logger=PKI_LOGGER):
        creds = agency_credentials(COMMUNE)

    assert creds.cert.subject.native["common_name"] == "Ủy ban nhân dân xã Đông Sơn"
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        (
            "WARNING",
            f"The signing key of agency 000.00.01.H37 ({key}) is not encrypted although SIGNING_KEY_PASSPHRASE "
            "is set: run manage.py signing_keys_encrypt.",
        )
    ]
    assert pdf_verify(pdf=pdf_sign(pdf=slip, agency=COMMUNE)).valid


def test_command_encrypts_an_installation_in_clear_once(settings, pki, slip, caplog):
    for agency in (COMMUNE, DEPARTMENT):
        agency_credentials(agency)  # keys in clear, as before the migration
    keys = [
        pki / "agencies" / "000.00.01.H37" / "key.pem",
        pki / "agencies" / "000.00.02.H37" / "key.pem",
        pki / "dev-root" / "key.pem",
    ]
    settings.SIGNING_KEY_PASSPHRASE = PASSPHRASE
    settings.PRODUCTION = True  # operators migrate production installations
    first, second = io.StringIO(), io.StringIO()

    call_command("signing_keys_encrypt", stdout=first)
    encrypted = [key.read_bytes() for key in keys]
    call_command("signing_keys_encrypt", stdout=second)

    assert first.getvalue().splitlines() == [
        *(f"encrypted {key}" for key in keys),
        "3 keys encrypted, 0 already encrypted.",
    ]
    assert second.getvalue().splitlines() == ["0 keys encrypted, 3 already encrypted."]
    assert [key.read_bytes() for key in keys] == encrypted  # the second run rewrote nothing
    assert [key.read_bytes().startswith(ENCRYPTED_PEM) for key in keys] == [True, True, True]
    assert [stat.S_IMODE(key.stat().st_mode) for key in keys] == [0o600, 0o600, 0o600]
    with caplog.at_level(logging.WARNING, logger=PKI_LOGGER):
        check = pdf_verify(pdf=pdf_sign(pdf=pdf_sign(pdf=slip, agency=COMMUNE), agency=DEPARTMENT))
    assert (check.valid, check.signers) == (True, ("Ủy ban nhân dân xã Đông Sơn", "Sở Tư pháp tỉnh Thanh Hóa"))
    assert caplog.records == []  # read encrypted: no key in clear left to warn about


def test_command_refuses_without_a_passphrase(pki):
    agency_credentials(COMMUNE)

    with pytest.raises(CommandError) as refused:
        call_command("signing_keys_encrypt")

    assert str(refused.value) == "SIGNING_KEY_PASSPHRASE is not set: there is nothing to encrypt the keys with."
    assert (pki / "agencies" / COMMUNE.code / "key.pem").read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")


def test_check_deploy_warns_while_the_keys_have_no_passphrase(settings, db):
    settings.SIGNING_KEY_PASSPHRASE = ""
    unset = [m.id for m in run_checks(include_deployment_checks=True)]
    plain = [m.id for m in run_checks(include_deployment_checks=False)]
    settings.SIGNING_KEY_PASSPHRASE = "a long random passphrase"
    set_ = [m.id for m in run_checks(include_deployment_checks=True)]

    assert ("dossiers.W001" in unset, "dossiers.W001" in plain, "dossiers.W001" in set_) == (True, False, False)
    assert check_signing_key_passphrase() == []
