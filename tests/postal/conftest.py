import pytest
from django.utils import translation

from tests.office.helpers import Office, login, office_make


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in their source language, whatever LANGUAGE_CODE says.
    with translation.override("en"):
        yield


@pytest.fixture
def office(db) -> Office:
    return office_make(prefix="p")


@pytest.fixture
def as_user(client):
    """Sign in as an official with TOTP passed; pages answer in English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return lambda user: login(client, user)
