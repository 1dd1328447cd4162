from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from chinhquyen.dossiers.documents import render_slip
from tests.dossiers.signers import COMMUNE


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in their source language, whatever LANGUAGE_CODE says.
    with translation.override("en"):
        yield


@pytest.fixture(scope="session")
def slip() -> bytes:
    """A receipt (form 01) of the signing tests' commune, rendered once."""
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    data = {
        "agency": {"name": COMMUNE.name},
        "code": "000.00.01.H37-261120-0001",
        "lookup_url": "https://dichvucong.example.vn/tra-cuu-ho-so/?ma=000.00.01.H37-261120-0001",
        "applicant": {"name": "Trần Thị Bình"},
        "received_at": datetime(2026, 11, 20, 14, 30, tzinfo=tz),
        "issued_at": datetime(2026, 11, 20, 14, 30, tzinfo=tz),
    }
    return render_slip(kind="01", data=data)
