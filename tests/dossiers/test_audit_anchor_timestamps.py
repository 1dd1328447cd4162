"""The audit chain's anchors carry an RFC 3161 timestamp of their hash from the signatures' TSA (ADR 0019)."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import cms
from django.core.management import call_command
from pyhanko.sign.timestamps import TimestampRequestError

from chinhquyen.core.anchor_stamps import StampCheck, anchor_stamper, anchor_stamper_register
from chinhquyen.core.audit import AuditAnchor, BreakReason, audit_record, audit_verify
from chinhquyen.dossiers.anchor_stamps import TsaAnchorStamper
from chinhquyen.dossiers.documents import signing
from chinhquyen.dossiers.documents.pki import dev_tsa_credentials
from chinhquyen.dossiers.documents.timestamps import signing_timestamper

pytestmark = pytest.mark.django_db


def _entries(count=3):
    return [
        audit_record(actor=None, action="dossier.receive", target=f"dossier:{n}", data={"n": n})
        for n in range(1, count + 1)
    ]


def _anchor(capsys, **options):
    call_command("audit_anchor", **options)
    return json.loads(capsys.readouterr().out.strip())


def _anchors_file(tmp_path, *lines):
    path = tmp_path / "anchors.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def _tst_info(token: bytes):
    return cms.ContentInfo.load(token)["content"]["encap_content_info"]["content"].parsed


def _token_of(line) -> bytes:
    return base64.b64decode(line["timestamp"])


def _verify_fails(capsys, anchors):
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_verify", anchors=anchors)
    assert exit_info.value.code == 1
    return capsys.readouterr().err.strip()


@pytest.fixture
def _stamper_restored():
    yield
    anchor_stamper_register(TsaAnchorStamper())


def test_the_dossiers_app_registers_the_tsa_stamper():
    assert type(anchor_stamper()) is TsaAnchorStamper


def test_an_anchor_carries_a_token_over_its_hash_from_the_test_tsa_and_verifies(capsys, tmp_path):
    third = _entries()[-1]
    before = datetime.now(UTC).replace(microsecond=0)

    line = _anchor(capsys)

    assert sorted(line) == ["at", "hash", "sequence", "timestamp"]
    assert (line["sequence"], line["hash"]) == (3, third.hash)
    info = _tst_info(_token_of(line))
    assert info["message_imprint"]["hash_algorithm"]["algorithm"].native == "sha256"
    assert info["message_imprint"]["hashed_message"].native == bytes.fromhex(third.hash)
    assert before <= info["gen_time"].native <= datetime.now(UTC)
    signed_data = cms.ContentInfo.load(_token_of(line))["content"]
    assert [c.chosen.dump() for c in signed_data["certificates"]] == [dev_tsa_credentials().cert.dump()]
    call_command("audit_verify", anchors=_anchors_file(tmp_path, line))
    assert capsys.readouterr().out.strip() == "OK: 3 entries, 1 anchors, 1 timestamped"


def test_each_token_of_a_quiet_days_repeated_tip_is_checked(capsys, tmp_path):
    _entries(2)
    first = _anchor(capsys)
    audit_record(actor=None, action="dossier.return", target="dossier:3", data={})
    second, third = _anchor(capsys), _anchor(capsys)  # nothing happened between the two
    assert (second["sequence"], third["sequence"]) == (3, 3)
    assert second["timestamp"] != third["timestamp"]

    call_command("audit_verify", anchors=_anchors_file(tmp_path, first, second, third))

    assert capsys.readouterr().out.strip() == "OK: 3 entries, 3 anchors, 3 timestamped"


def test_a_token_moved_to_another_anchor_is_refused_at_that_anchor(capsys, tmp_path):
    _entries(2)
    earlier = _anchor(capsys)
    _entries(1)
    later = _anchor(capsys)
    earlier["timestamp"], later["timestamp"] = later["timestamp"], earlier["timestamp"]

    err = _verify_fails(capsys, _anchors_file(tmp_path, earlier, later))

    assert err == (
        "BROKEN at sequence 2: anchor timestamp invalid: not over this hash, or its signature is broken "
        "(1 entries verified)"
    )


def test_a_token_with_one_byte_changed_is_refused(capsys, tmp_path):
    _entries()
    line = _anchor(capsys)
    token = bytearray(_token_of(line))
    token[-1] ^= 0x01  # the last byte of the TSA's signature value
    line["timestamp"] = base64.b64encode(bytes(token)).decode()

    err = _verify_fails(capsys, _anchors_file(tmp_path, line))

    assert err == (
        "BROKEN at sequence 3: anchor timestamp invalid: not over this hash, or its signature is broken "
        "(2 entries verified)"
    )


def test_bytes_that_are_no_token_are_refused():
    third = _entries()[-1]

    result = audit_verify(anchors=[AuditAnchor(sequence=3, hash=third.hash, timestamp=b"not a token")])

    assert (result.ok, result.broken_at, result.reason, result.count) == (
        False,
        3,
        BreakReason.ANCHOR_TIMESTAMP_INVALID,
        2,
    )
    assert result.problem.startswith("not a timestamp token (")


def test_a_token_from_a_tsa_outside_the_trust_roots_is_refused(settings, tmp_path):
    third = _entries()[-1]
    trusted_dir = settings.SIGNING_PKI_DIR
    settings.SIGNING_PKI_DIR = tmp_path  # another test CA, unknown to the platform
    foreign = signing_timestamper()
    token = signing.async_run(lambda: foreign.async_timestamp(bytes.fromhex(third.hash), "sha256"))
    settings.SIGNING_PKI_DIR = trusted_dir

    result = audit_verify(anchors=[AuditAnchor(sequence=3, hash=third.hash, timestamp=token.dump())])

    assert (result.ok, result.broken_at, result.reason) == (False, 3, BreakReason.ANCHOR_TIMESTAMP_INVALID)
    assert result.problem == "not from a trusted timestamp authority"


class _BackdatingStamper:
    """Vouches for every token, dated a minute before the entry it anchors."""

    def __init__(self, at):
        self.at = at

    def stamp(self, digest):
        return b"token"

    def check(self, token, digest):
        return StampCheck(valid=True, at=self.at)


@pytest.mark.usefixtures("_stamper_restored")
def test_a_token_dated_before_its_entry_is_refused():
    third = _entries()[-1]
    anchor_stamper_register(_BackdatingStamper(third.at - timedelta(minutes=1)))

    result = audit_verify(anchors=[AuditAnchor(sequence=3, hash=third.hash, timestamp=b"token")])

    assert (result.ok, result.broken_at, result.reason, result.problem) == (
        False,
        3,
        BreakReason.ANCHOR_TIMESTAMP_INVALID,
        "stamped before the entry was written",
    )
    anchor_stamper_register(_BackdatingStamper(third.at))
    assert audit_verify(anchors=[AuditAnchor(sequence=3, hash=third.hash, timestamp=b"token")]).stamped == 1


def test_anchors_without_a_timestamp_still_verify_as_before(capsys, tmp_path):
    third = _entries()[-1]

    line = _anchor(capsys, no_timestamp=True)
    call_command("audit_verify", anchors=_anchors_file(tmp_path, line))

    assert {k: v for k, v in line.items() if k != "at"} == {"sequence": 3, "hash": third.hash}
    assert capsys.readouterr().out.strip() == "OK: 3 entries, 1 anchors"


def test_production_without_a_tsa_prints_the_anchor_untimestamped_and_says_why(capsys, settings):
    third = _entries()[-1]
    settings.PRODUCTION = True
    settings.SIGNING_TSA_URL = ""

    call_command("audit_anchor")

    captured = capsys.readouterr()
    assert {k: v for k, v in json.loads(captured.out).items() if k != "at"} == {"sequence": 3, "hash": third.hash}
    assert captured.err.strip() == (
        "No timestamp authority is configured (SIGNING_TSA_URL): the anchor has no timestamp."
    )


def test_a_tsa_that_fails_still_gets_the_anchor_printed_and_exits_1(capsys, monkeypatch):
    third = _entries()[-1]

    def no_answer(self, digest):
        raise TimestampRequestError("Error while contacting timestamp service")

    monkeypatch.setattr(TsaAnchorStamper, "stamp", no_answer)
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_anchor")

    captured = capsys.readouterr()
    assert exit_info.value.code == 1
    assert {k: v for k, v in json.loads(captured.out).items() if k != "at"} == {"sequence": 3, "hash": third.hash}
    assert captured.err.strip() == (
        "The timestamp authority failed, the anchor has no timestamp: "
        "TimestampRequestError: Error while contacting timestamp service"
    )
