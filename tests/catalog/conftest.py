from pathlib import Path

import pytest
from django.utils import translation

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, whatever translations exist."""
    with translation.override("en"):
        yield


@pytest.fixture
def national() -> str:
    return (DATA / "national_sample.json").read_text(encoding="utf-8")


@pytest.fixture
def national_details() -> str:
    return (DATA / "national_sample_details.json").read_text(encoding="utf-8")
