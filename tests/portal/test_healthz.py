"""/healthz answers "ok" only when the database answers too (the check after an upgrade or a restore)."""

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

pytestmark = pytest.mark.django_db


def test_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_503_when_the_database_does_not(client, monkeypatch):
    def refused(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refused)

    response = client.get("/healthz")

    assert (response.status_code, response.json()) == (503, {"status": "database_unavailable"})
