import pytest

from .helpers import Office, login, office_make


@pytest.fixture
def office(db) -> Office:
    return office_make(prefix="a")


@pytest.fixture
def other_office(db) -> Office:
    return office_make(prefix="b")


@pytest.fixture
def as_user(client):
    """Sign in as an official with TOTP passed; pages answer in English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def sign_in(user):
        return login(client, user)

    return sign_in
