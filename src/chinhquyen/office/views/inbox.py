"""The officer's inbox: what is theirs to act on, most urgent first."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chinhquyen.dossiers import selectors

from ..permissions import ANY_OFFICER, officer_access
from .common import OfficerRequest, officer_agency_ids


@officer_access(*ANY_OFFICER)
@require_GET
def inbox(request: OfficerRequest) -> HttpResponse:
    rows = selectors.dossier_inbox(officer=request.user)
    # An officer of several agencies (e.g. two counters) sees which agency each dossier waits in.
    several = len(officer_agency_ids(request.user)) > 1
    return render(request, "office/inbox.html", {"rows": rows, "several_agencies": several, "nav": "inbox"})
