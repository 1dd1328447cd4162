"""Citizen-facing pages (Cổng dịch vụ công)."""

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


@access(public=True, description="Liveness probe for load balancers")
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})
