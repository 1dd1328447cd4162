"""Every route must declare who may use it; undeclared views are refused."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from chinhquyen.core.access import DenyByDefaultMiddleware, is_trusted, policy_for


def _walk(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from _walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            yield p, namespace


def test_every_route_declares_an_access_policy_or_is_trusted():
    undeclared = [
        str(p.pattern)
        for p, ns in _walk(get_resolver().url_patterns)
        if policy_for(p.callback) is None and not is_trusted(p.callback, ns)
    ]
    assert undeclared == []


def test_undeclared_view_is_refused():
    def secret_view(request):
        return HttpResponse("secret")

    request = RequestFactory().get("/x")
    request.resolver_match = None
    middleware = DenyByDefaultMiddleware(lambda r: HttpResponse())
    with pytest.raises(Exception, match="declares no access policy"):
        middleware.process_view(request, secret_view, (), {})


@pytest.mark.django_db
def test_public_home_page_is_served(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_admin_requires_staff_login(client):
    response = client.get("/admin/directory/agency/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_login_goes_through_the_officials_two_step_login(client):
    response = client.get("/admin/login/?next=/admin/directory/agency/")
    assert response.status_code == 302
    assert response["Location"] == "/office/auth/login/?next=/admin/directory/agency/"


@pytest.mark.django_db
def test_admin_refuses_a_staff_session_without_a_second_factor(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
