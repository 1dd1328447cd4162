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


@pytest.fixture
def admin_client(admin_client):
    """The admin in English: the pages' messages are asserted in their source language."""
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return admin_client
