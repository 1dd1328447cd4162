"""Schemathesis against the OpenAPI document, through WSGI (no server): no 5xx, no schema violation.

Cases are generated for every operation, valid and invalid, with a system key that may do everything
in one agency, so both refusals and successes are exercised. Examples are few per operation to keep
the run short; CI runs it on SQLite and PostgreSQL like the rest of the suite.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.helpers import place_make, system_make
from tests.factories import CitizenFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


# Loaded once at collection, from the application itself through WSGI (the schema needs no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def _keep_the_test_connection():
    # Django's test client does this too: the WSGI handler would close the test's database connection
    # after each request (CONN_MAX_AGE=0), losing the test transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def secret(db, settings, _keep_the_test_connection):
    """A system key that may do everything in one agency, with an applicant to name."""
    settings.API_RATE_LIMIT_PER_KEY = 0
    settings.API_RATE_LIMIT_PER_IP = 0
    place = place_make()
    CitizenFactory(personal_id="037190000001")
    _system, key = system_make(roles=tuple((place.agency, role) for role in ("front_desk", "specialist", "leader")))
    return key


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_honours_its_schema(case, secret):
    case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS)
