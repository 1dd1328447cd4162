"""Slips, letters and the tracking register as PDF, rendered on request."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chinhquyen.core.errors import DomainError
from chinhquyen.directory.models import Agency
from chinhquyen.dossiers import documents, selectors

from .. import forms
from ..permissions import ANY_OFFICER, officer_access
from .common import OfficerRequest, dossier_for, officer_agency_ids

DOSSIER_SLIPS = ("01", "02", "03", "04", "05", "06")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@officer_access(*ANY_OFFICER)
@require_GET
def slip(request: OfficerRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in DOSSIER_SLIPS:
        raise Http404
    dossier = dossier_for(request, pk)
    # Only the slips the dossier's page offers: no refusal slip for a returned dossier, however the URL is typed.
    error = _("This dossier has no such slip in its current state.")
    if kind not in selectors.slip_kinds_for(dossier=dossier):
        return render(request, "office/slip_error.html", {"dossier": dossier, "error": error}, status=404)
    try:
        data = documents.slip_data_for(dossier=dossier, kind=kind)
    except (DomainError, ValueError):
        # The slip does not exist for the dossier in its state (e.g. no apology letter yet).
        return render(request, "office/slip_error.html", {"dossier": dossier, "error": error}, status=404)
    content = documents.render_slip(kind=kind, data=data)
    return _pdf(content, f"{dossier.code or dossier.pk}-{kind}.pdf")


@officer_access(*ANY_OFFICER)
@require_GET
def register(request: OfficerRequest) -> HttpResponse:
    """Form 07 over ``?from=YYYY-MM-DD&to=YYYY-MM-DD`` for one of the officer's agencies (``&agency=<id>``)."""
    agencies = Agency.objects.filter(pk__in=officer_agency_ids(request.user))
    query = request.GET
    form = forms.RegisterForm(
        {"date_from": query.get("from"), "date_to": query.get("to"), "agency": query.get("agency")}, agencies=agencies
    )
    if not form.is_valid():
        # Opened from a link, nothing was asked yet: the form, not an error.
        asked = any(key in query for key in ("from", "to", "agency"))
        context = {"form": form, "nav": "search", "asked": asked}
        return render(request, "office/register.html", context, status=400 if asked else 200)
    date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    agency = form.cleaned_data["agency"]
    rows = selectors.dossier_register(officer=request.user, agency=agency, date_from=date_from, date_to=date_to)
    data = documents.register_data_for(agency=agency, dossiers=rows, date_from=date_from, date_to=date_to)
    content = documents.render_slip(kind="07", data=data)
    return _pdf(content, f"register-{agency.code}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.pdf")
