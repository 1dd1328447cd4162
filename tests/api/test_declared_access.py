"""Every API operation declares its callers; the deny-by-default middleware trusts the API for that only."""

import re

import pytest
from django.urls import get_resolver

from chinhquyen.api.auth import Anonymous, Refuse
from chinhquyen.api.main import api
from chinhquyen.core.access import TRUSTED_NAMESPACES

# The only operations anyone may call without credentials: public information.
PUBLIC = {
    "catalog_fields_list",
    "catalog_procedure_get",
    "catalog_procedures_search",
    "directory_agencies_list",
    "directory_agency_get",
    "health",
    "me",
    "petition_file",
    "petition_published_get",
    "petitions_published",
}


def _operations():
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            yield from path_view.operations


def test_every_operation_declares_auth_and_only_the_listed_ones_are_public():
    public = set()
    for operation in _operations():
        assert operation.auth_callbacks, f"{operation.operation_id} declares no callers"
        kinds = {type(callback) for callback in operation.auth_callbacks}
        if Anonymous in kinds:
            public.add(operation.operation_id)
        else:
            # A credential of a kind the operation does not accept is refused, not let through.
            assert type(operation.auth_callbacks[-1]) is Refuse, operation.operation_id
        assert operation.openapi_extra["x-callers"]["anonymous"] is (Anonymous in kinds)

    assert public == PUBLIC


def test_the_api_namespace_is_trusted_and_holds_only_the_api_operations_and_its_schema():
    assert "api-v1" in TRUSTED_NAMESPACES
    _prefix, api_resolver = get_resolver().namespace_dict["api-v1"]

    for pattern in api_resolver.url_patterns:
        callback = pattern.callback
        if pattern.name in {"openapi-json", "openapi-view", "api-root"}:
            assert callback.keywords["api"] is api  # the schema, the docs page, the root (shadowed by a JSON 404)
        else:
            assert callback.__module__ == "ninja.operation", pattern.name


@pytest.mark.django_db
def test_every_non_public_operation_refuses_a_caller_without_credentials(client):
    schema = client.get("/api/v1/openapi.json").json()

    for path, item in schema["paths"].items():
        for method, op in item.items():
            if op["operationId"] in PUBLIC:
                continue
            url = re.sub(r"\{[^}]+\}", "1", path)
            response = getattr(client, method)(url)
            assert response.status_code == 401, (method, url, response.content)
            assert response.json()["code"] == "unauthenticated"
