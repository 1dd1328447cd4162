"""Fixtures shared by the feedback tests."""

import pytest

from tests.office.auth_helpers import officer_login


@pytest.fixture
def as_officer(client):
    """Sign ``user`` in to the office (password and second factor) on an English client; returns the client."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def sign_in(user):
        officer_login(client, user)
        return client

    return sign_in
