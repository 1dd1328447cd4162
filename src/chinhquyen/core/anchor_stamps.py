"""Trusted timestamps on the audit chain's anchors (dấu thời gian của mốc neo nhật ký).

An anchor kept outside the database tells a rebuilt chain from the real one only as long as its keeper is
honest. An RFC 3161 token from an outside timestamp authority over the anchored hash proves that hash existed
at the token's time, whoever keeps the file: a chain rebuilt later can only get tokens of the day it was
rebuilt. core knows no timestamp authority; the app that holds the platform's TSA client and trust roots
registers an :class:`AnchorStamper` (dossiers, in its ``ready``).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class StampCheck:
    """A token checked against a digest: ``valid`` (intact, over that digest, from a trusted TSA) at ``at``."""

    valid: bool
    at: datetime | None = None
    problem: str = ""


class AnchorStamper(Protocol):
    def stamp(self, digest: bytes) -> bytes | None:
        """A DER token over the SHA-256 ``digest``, or None when no timestamp authority is configured."""
        ...

    def check(self, token: bytes, digest: bytes) -> StampCheck:
        """Whether ``token`` is a valid timestamp of the SHA-256 ``digest`` from a trusted authority."""
        ...


_stamper: list[AnchorStamper] = []


def anchor_stamper_register(stamper: AnchorStamper) -> None:
    """Make ``stamper`` the one that timestamps and checks anchors (replaces any earlier one)."""
    _stamper[:] = [stamper]


def anchor_stamper() -> AnchorStamper | None:
    return _stamper[0] if _stamper else None
