"""Citizen-facing pages (Cổng dịch vụ công)."""

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chinhquyen.catalog import selectors as catalog_selectors
from chinhquyen.core.access import access
from chinhquyen.directory.models import Agency


@access(public=True, description="Landing page")
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "procedure_count": catalog_selectors.procedure_count(),
        "agency_count": Agency.objects.filter(is_active=True).count(),
    }
    return render(request, "portal/home.html", context)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused for a missing or stale CSRF token: said in the page's language (CSRF_FAILURE_VIEW)."""
    return render(request, "csrf_failure.html", status=403)


@access(public=True, description="Readiness probe for load balancers and after a restore")
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """ "ok" once the database answers too (the API's /meta/health answers without it, for liveness)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "database_unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
